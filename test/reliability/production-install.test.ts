import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logging/create-logger';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { copiesOf, readDockerfile, type DockerStage } from '../support/read-dockerfile';
import { removeDataDir } from '../support/start-test-service';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const TENANT = '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f';
const APP_ID = '0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69';

/** Runs a command to the end; rejects with its output when it fails. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(
            new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-3000)}`),
          ),
    );
  });
}

/**
 * Replays a stage's plain COPY lines (sources from the project, or `--from=<stage>` from that
 * stage's folder) into `into`, which stands for its WORKDIR /app.
 */
function replayCopies(stage: DockerStage, into: string, stageDirs: Record<string, string>): void {
  mkdirSync(into, { recursive: true });
  for (const copy of copiesOf(stage)) {
    const base = copy.fromStage ? stageDirs[copy.fromStage] : ROOT;
    assert.ok(base, `stage ${copy.fromStage} has been built`);
    for (const source of copy.sources) {
      const from = path.join(base, source.replace(/^\/app\/?/, ''));
      const to =
        copy.destination.endsWith('/') || copy.sources.length > 1
          ? path.join(into, copy.destination, path.basename(source))
          : path.join(into, copy.destination);
      cpSync(from, to, { recursive: true });
    }
  }
}

function listJs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return listJs(file);
    return /\.(c?js)$/.test(entry.name) ? [file] : [];
  });
}

/** The package a bare specifier names (`@scope/name/x` → `@scope/name`). */
const packageOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;

/** Starts `npm run start:prod` in `cwd`, resolving with its URL once it listens. */
function startProd(cwd: string, env: Record<string, string>) {
  const child = spawn('npm', ['run', 'start:prod'], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: npm and the node it runs are stopped together.
    detached: true,
  });
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /"url":"(http:\/\/[^"]+)","mode":"\w+","msg":"service listening"/.exec(
        output,
      )?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${output}`));
    });
  });
  return { child, listening, output: () => output };
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid!, 'SIGTERM');
  return exited;
}

// What the Dockerfile does, without Docker: the build stage's files and `npm run build` (with the
// project's development dependencies), then the runtime stage's files and a production-only
// install from the npm cache, then `npm run start:prod` against a real storage account (Azurite).
describe('a production install (the Dockerfile replayed: build, npm ci --omit=dev, npm run start:prod)', function () {
  this.timeout(420_000);
  let dir: string;
  let app: string;
  let azurite: EmbeddedAzurite;
  let service: ReturnType<typeof startProd> | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'arb-prod-'));
    const stages = readDockerfile();
    const build = stages.find((s) => s.name === 'build')!;
    const buildDir = path.join(dir, 'build');
    replayCopies(build, buildDir, {});
    // The build stage's `npm ci` would install what the project has installed already.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(buildDir, 'node_modules'), 'dir');
    await run('npm', ['run', 'build'], buildDir);

    app = path.join(dir, 'app');
    replayCopies(stages.at(-1)!, app, { build: buildDir });
    const install = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
    try {
      // From the npm cache the project's own install filled; online only if it misses.
      await run('npm', [...install, '--offline'], app);
    } catch {
      await run('npm', install, app);
    }
    azurite = await startAzurite({ logger: createLogger('silent') });
  });
  after(async () => {
    if (service) await stopGroup(service.child);
    await azurite?.stop();
    if (dir) removeDataDir(dir);
  });

  it('installs no development dependency: no emulator, no TypeScript loader', () => {
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    // Only what nothing in production needs (a few, such as @types/node, also come in that way).
    const devOnly = Object.keys(pkg.devDependencies).filter(
      (name) => lock.packages[`node_modules/${name}`]?.dev === true,
    );
    assert.ok(devOnly.includes('azurite') && devOnly.includes('tsx'));
    for (const name of devOnly)
      assert.ok(!existsSync(path.join(app, 'node_modules', name)), `${name} is not installed`);
    for (const name of Object.keys(pkg.dependencies))
      assert.ok(existsSync(path.join(app, 'node_modules', name)), `${name} is installed`);
  });

  it('has every require in dist/ resolvable from production dependencies', () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const unresolved: string[] = [];
    for (const file of listJs(path.join(app, 'dist', 'src'))) {
      const text = readFileSync(file, 'utf8');
      const specs = [
        ...text.matchAll(/\brequire(?:\.resolve)?\(\s*["']([^"'.][^"']*)["']\s*\)/g),
      ].map((m) => m[1]!);
      for (const spec of specs) {
        if (builtins.has(spec)) continue;
        // The embedded Azurite's wrapper is forked only in local mode, which a production
        // install never runs (start-azurite checks Azurite is there first and says what to do).
        if (file.endsWith('azurite-child.cjs') && packageOf(spec) === 'azurite') continue;
        try {
          createRequire(file).resolve(spec);
        } catch {
          unresolved.push(`${path.relative(app, file)}: ${spec}`);
        }
      }
    }
    assert.deepEqual(unresolved, []);
  });

  it('starts with npm run start:prod and is ready against a storage account', async () => {
    service = startProd(app, {
      ARB_MODE: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-used-in-this-test',
      MicrosoftAppTenantId: TENANT,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      SCHEDULER_ENABLED: 'false',
      DATA_DIR: path.join(dir, 'data'),
    });
    const url = await service.listening;
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200, await ready.text());
    const tab = await fetch(`${url}/tab/`);
    assert.equal(tab.status, 200, 'the dashboard tab is served from dist/tab');
    await stopGroup(service.child);
    service = undefined;
  });

  it('says what to do when local mode asks for the embedded storage it does not have', async () => {
    const local = startProd(app, { PORT: '0', DATA_DIR: path.join(dir, 'local') });
    await assert.rejects(
      local.listening,
      /The embedded storage \(Azurite\) is a development dependency and is not installed here/,
    );
  });
});
