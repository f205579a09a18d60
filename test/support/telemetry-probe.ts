// Run as a child process by test/unit/telemetry-start.test.ts: starts telemetry from the
// environment as `npm start` does, loads the service's modules, records one span and a few
// metrics, stops, and prints what happened as one JSON line.
import { loadConfig } from '../../src/config/load-config';
import { recordJobDuration, recordPress } from '../../src/telemetry/metrics';
import { currentTraceIds, inSpan, SPANS } from '../../src/telemetry/spans';
import { startTelemetry } from '../../src/telemetry/start-telemetry';

// The packages that would export anything: none may be loaded when telemetry is off.
const EXPORTING =
  /node_modules[\\/](@azure[\\/]monitor-opentelemetry|@opentelemetry[\\/](sdk-|exporter|instrumentation))/;

async function probe(): Promise<void> {
  const config = loadConfig(process.env);
  const telemetry = await startTelemetry(config.telemetry);
  // With telemetry off, the whole service's modules must load no SDK either.
  if (telemetry.destination === 'off') await import('../../src/app/start-service');
  const ids = await inSpan(SPANS.job, { 'arb.job': 'probe' }, async () => {
    recordPress('changed');
    recordJobDuration('probe', 'succeeded', 1_500);
    return currentTraceIds();
  });
  await telemetry.stop();
  const loaded = Object.keys(require.cache).filter((path) => EXPORTING.test(path));
  process.stdout.write(
    `${JSON.stringify({ destination: telemetry.destination, ids: ids ?? null, loaded: loaded.length })}\n`,
  );
}

probe().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
