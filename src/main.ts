import pino from 'pino';
import {
  ConfigError,
  describeConfig,
  describeStorage,
  loadConfig,
  type Config,
} from './config/load-config';
import { createLogger } from './logging/create-logger';
import { startTelemetry } from './telemetry/start-telemetry';

/** Entry point for `npm start`: load configuration, start, and stop cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`\nAccess Recovery Bot cannot start.\n${error.message}\n\n`);
      process.exit(2);
    }
    throw error;
  }
  // Written asynchronously (pino flushes what is left when the process exits): a synchronous
  // write per line was a visible share of a press's CPU once Teams sent many at once.
  const logger = createLogger(config.logLevel, pino.destination({ dest: 1, sync: false }));
  logger.info({ config: describeConfig(config) }, 'starting');
  // Before the service's modules load, so the HTTP instrumentation sees the server being made.
  const telemetry = await startTelemetry(config.telemetry);
  const { startService } = await import('./app/start-service');
  const service = await startService(config, logger);

  if (config.mode === 'local') {
    process.stderr.write(
      [
        '',
        '┌──────────────────────────────────────────────────────────────────────┐',
        '│ LOCAL MODE — no bot identity configured.                             │',
        '│ Listening on loopback only and ACCEPTING UNAUTHENTICATED REQUESTS.   │',
        '│ For development and testing only; never expose this port.           │',
        '└──────────────────────────────────────────────────────────────────────┘',
        `  Messaging endpoint: ${service.url}/api/messages`,
        `  Health:             ${service.url}/healthz   Ready: ${service.url}/readyz`,
        `  Storage:            ${describeStorage(config.storage)}`,
        '  Try it by hand:     npm run playground',
        '',
      ].join('\n') + '\n',
    );
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    // A second signal (a wrapper passing Ctrl-C on, an impatient operator) must not cut the
    // graceful stop short: it is noted and the stop already under way carries on.
    logger.info({ signal, alreadyStopping: stopping }, 'signal received');
    if (stopping) return;
    stopping = true;
    service
      .stop()
      // Sends what is still buffered (the last spans and metrics) before the process ends.
      .then(() => telemetry.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Access Recovery Bot failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
