// `npm run playground`: starts the bot in local mode and the Microsoft 365 Agents Playground (a
// local Teams-like client) pointed at it, and stops both together.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../src/config/load-config';

const root = path.resolve(__dirname, '..');
const config = loadConfig(process.env);
if (config.mode !== 'local') {
  process.stderr.write(
    'The Playground talks to the bot without authentication: run it in local mode (unset MicrosoftAppId).\n',
  );
  process.exit(2);
}
const endpoint = `http://127.0.0.1:${config.port}/api/messages`;
const children: ChildProcess[] = [];

function stopAll(code: number): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGINT');
  setTimeout(() => process.exit(code), 3_000).unref();
}

const bot = spawn(
  process.execPath,
  ['--disable-warning=DEP0111', '--import', 'tsx', 'src/main.ts'],
  {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
children.push(bot);
bot.once('exit', (code) => stopAll(code ?? 1));

async function waitForBot(): Promise<void> {
  for (let i = 0; i < 120; i += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${config.port}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('The bot did not answer /healthz within 30 s');
}

waitForBot().then(
  () => {
    const playground = spawn(
      path.join(root, 'node_modules', '.bin', 'agentsplayground'),
      ['-e', endpoint, '-c', 'msteams', '--disable-telemetry'],
      {
        cwd: root,
        stdio: 'inherit',
        // A no-op xdg-open first on PATH: without a desktop the Playground would exit when it
        // fails to open a browser. Open http://localhost:56150 yourself.
        env: {
          ...process.env,
          PATH: `${path.join(root, 'scripts', 'bin')}${path.delimiter}${process.env['PATH'] ?? ''}`,
        },
      },
    );
    children.push(playground);
    playground.once('exit', (code) => stopAll(code ?? 0));
    process.stderr.write(
      '\nAgents Playground: open http://localhost:56150 in a browser and type "help".\n\n',
    );
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    stopAll(1);
  },
);

process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));
