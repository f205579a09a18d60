import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logging/create-logger';
import { startAzurite, type EmbeddedAzurite } from './start-azurite';

/** Where the process that started the embedded Azurite says which port it took. */
const INSTANCE_FILE = 'instance.json';

interface Instance {
  pid: number;
  port: number;
  connectionString: string;
}

/**
 * Opens the embedded Azurite that keeps its data in `location`. Two Azurites on one folder would
 * overwrite each other's data, so a second process (an admin command while the bot runs) joins
 * the running one when `join` is set, and is refused otherwise.
 */
export async function openEmbeddedAzurite(
  location: string,
  logger: Logger,
  options: { join: boolean },
): Promise<EmbeddedAzurite> {
  const file = path.join(location, INSTANCE_FILE);
  const running = await findRunning(file);
  if (running) {
    if (!options.join) {
      throw new Error(
        `Another process (pid ${running.pid}) is running the embedded storage in ${location}. ` +
          'Wait for it to finish or stop it (it may be an admin command), or set DATA_DIR to another folder.',
      );
    }
    logger.info({ port: running.port, pid: running.pid }, 'joined the running embedded Azurite');
    return {
      connectionString: running.connectionString,
      port: running.port,
      pid: undefined, // another process's child: not ours to watch
      stop: async () => {},
    };
  }
  const azurite = await startAzurite({ location, logger });
  const instance: Instance = {
    pid: process.pid,
    port: azurite.port,
    connectionString: azurite.connectionString,
  };
  writeFileSync(file, JSON.stringify(instance));
  return {
    ...azurite,
    stop: async () => {
      await azurite.stop();
      rmSync(file, { force: true });
    },
  };
}

async function findRunning(file: string): Promise<Instance | undefined> {
  if (!existsSync(file)) return undefined;
  let instance: Instance;
  try {
    instance = JSON.parse(readFileSync(file, 'utf8')) as Instance;
  } catch {
    return undefined; // A torn file from a crash: nobody is running.
  }
  if (!isAlive(instance.pid) || instance.pid === process.pid || !(await answers(instance.port)))
    return undefined;
  return instance;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
