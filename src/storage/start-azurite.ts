import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logging/create-logger';

/** A running embedded Azurite table service. */
export interface EmbeddedAzurite {
  connectionString: string;
  port: number;
  /** Azurite's process id, so benchmarks can count the CPU storage spent; unknown when joined. */
  pid: number | undefined;
  /** Saves Azurite's data and stops its process. Safe to call twice. */
  stop(): Promise<void>;
}

// Azurite's well-known development account; it is public and grants nothing outside this machine.
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Starts Azurite's table service on a free loopback port, keeping data under `location` (or in memory). */
export async function startAzurite(options: {
  location?: string;
  logger: Logger;
  /** A fixed port (to restart storage where it was, as after an outage); a free one by default. */
  port?: number;
}): Promise<EmbeddedAzurite> {
  checkAzuriteInstalled();
  if (options.port !== undefined) return launch(options.port, options);
  let lastError: unknown;
  // Another process can take the free port between our probe and Azurite's bind, so try again.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await launch(await findFreePort(), options);
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`Azurite did not start after 3 attempts: ${String(lastError)}`);
}

/** What the forked wrapper (azurite-child.cjs) loads. */
const AZURITE_TABLE_MAIN = 'azurite/dist/src/table/main.js';

// Azurite is a development dependency: a production install (`npm ci --omit=dev`) has none, and
// must name a storage account instead. Say so, rather than let the child die on a missing module.
function checkAzuriteInstalled(): void {
  try {
    require.resolve(AZURITE_TABLE_MAIN);
  } catch {
    throw new Error(
      'The embedded storage (Azurite) is a development dependency and is not installed here ' +
        '(a production install, npm ci --omit=dev). Set STORAGE_ACCOUNT_URL (or ' +
        'STORAGE_CONNECTION_STRING) to a storage account, or run npm install for local use.',
    );
  }
}

async function launch(
  port: number,
  { location, logger }: { location?: string; logger: Logger },
): Promise<EmbeddedAzurite> {
  const args = [
    '--tableHost',
    '127.0.0.1',
    '--tablePort',
    String(port),
    '--loose',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--silent',
  ];
  if (location) {
    mkdirSync(location, { recursive: true });
    args.push('--location', location);
  } else {
    args.push('--inMemoryPersistence');
  }
  const child = fork(path.join(__dirname, 'azurite-child.cjs'), args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group, so a Ctrl-C in the terminal does not stop storage while the bot
    // is still finishing in-flight turns; the bot stops it last.
    detached: true,
    execArgv: [],
  });
  await waitForStart(child);
  logger.info({ port, location: location ?? 'memory', pid: child.pid }, 'embedded Azurite started');

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopChild(child));
  return {
    port,
    pid: child.pid,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      `TableEndpoint=http://127.0.0.1:${port}/${DEV_ACCOUNT};`,
    stop,
  };
}

function waitForStart(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start within 20 s: ${output}`)),
      20_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('successfully started')) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) =>
      fail(new Error(`Azurite exited with ${code}: ${output}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining its output so a chatty Azurite never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
    };
    const fail = (error: Error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Azurite's own "shutdown" message saves its database, then closing the IPC channel lets the
  // wrapper exit. SIGKILL is the last resort if it hangs.
  child.send('shutdown');
  const closed = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      if (chunk.toString().includes('successfully closed')) resolve();
    };
    child.stdout?.on('data', onData);
    setTimeout(resolve, 5_000).unref();
  });
  await Promise.race([closed, exited]);
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Asks the OS for a free loopback port. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
