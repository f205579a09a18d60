import { context, metrics, trace } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { activateMetrics, deactivateMetrics } from './metrics';

/** What telemetry needs from the configuration: where to send it, or nothing. */
export interface TelemetryConfig {
  /** The Application Insights connection string; undefined sends nothing anywhere. Never logged. */
  connectionString: string | undefined;
}

/**
 * Tests only: in-memory processors and readers that receive the spans and metrics. Without a
 * connection string they are the only destination (no Azure exporter starts).
 */
export interface TelemetryTestHooks {
  spanProcessors?: SpanProcessor[];
  metricReaders?: MetricReader[];
}

/** Running telemetry (or the lack of it), and how to flush and stop it. */
export interface Telemetry {
  /** 'azure-monitor' sends to Application Insights; 'test' to the hooks; 'off' nowhere. */
  readonly destination: 'azure-monitor' | 'test' | 'off';
  /**
   * Flushes what is buffered, stops the exporters and forgets the global providers. Never
   * rejects, and gives up on the flush after STOP_TIMEOUT_MS.
   */
  stop(): Promise<void>;
}

/** The name the service's meters and tracers carry. */
export const SERVICE_NAME = 'access-recovery-bot';

// Only one set of global providers can be registered at a time.
let running: Telemetry | undefined;

/**
 * Starts telemetry: Azure Monitor (traces and metrics) when a connection string is set, the test
 * hooks' in-memory readers when given, otherwise nothing at all (no package is even loaded).
 * Call it before the HTTP server and storage clients are loaded, so their instrumentation attaches.
 */
export async function startTelemetry(
  config: TelemetryConfig,
  hooks?: TelemetryTestHooks,
): Promise<Telemetry> {
  if (running) throw new Error('Telemetry is already started; stop it first.');
  if (config.connectionString) running = await startAzureMonitor(config.connectionString, hooks);
  else if (hooks) running = await startInMemory(hooks);
  else return { destination: 'off', stop: async () => undefined };
  return running;
}

// Options of @opentelemetry/instrumentation-http, which the distro passes on (its own type is
// the narrower InstrumentationConfig).
const HTTP_INSTRUMENTATION = {
  enabled: true,
  // Probes (App Service checks /readyz every minute) would be most of the requests.
  ignoreIncomingRequestHook: (req: { url?: string; method?: string }) =>
    req.method === 'HEAD' || /^\/(healthz|readyz)(\?|$)/.test(req.url ?? ''),
  // Outgoing calls are Table Storage (every sender poll) and token requests. Their URLs name
  // partition and row keys, some of which are people's Entra object ids, so none is traced; the
  // turn, job and send spans carry the timings that matter. Bot Connector calls use fetch, which
  // this instrumentation does not see: the send span stands for them.
  ignoreOutgoingRequestHook: () => true,
};

async function startAzureMonitor(
  connectionString: string,
  hooks: TelemetryTestHooks | undefined,
): Promise<Telemetry> {
  // Loaded only here: with telemetry off the service never pays for the SDK's start-up.
  const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    // Live Metrics opens a second, always-on channel to Azure; the metrics below are enough.
    enableLiveMetrics: false,
    instrumentationOptions: {
      http: { ...HTTP_INSTRUMENTATION },
      // The Azure SDK's own spans would repeat the HTTP ones (double counting) and name the same keys.
      azureSdk: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
    ...(hooks?.spanProcessors ? { spanProcessors: hooks.spanProcessors } : {}),
    ...(hooks?.metricReaders ? { metricReaders: hooks.metricReaders } : {}),
  });
  activateMetrics(metrics.getMeter(SERVICE_NAME));
  return {
    destination: 'azure-monitor',
    stop: () =>
      stopWith(async () => {
        await shutdownAzureMonitor();
      }),
  };
}

async function startInMemory(hooks: TelemetryTestHooks): Promise<Telemetry> {
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const tracerProvider = new NodeTracerProvider({ spanProcessors: hooks.spanProcessors ?? [] });
  // Registers the provider and an AsyncLocalStorage context manager, as the Azure distro does.
  tracerProvider.register();
  const meterProvider = new MeterProvider({ readers: hooks.metricReaders ?? [] });
  metrics.setGlobalMeterProvider(meterProvider);
  activateMetrics(meterProvider.getMeter(SERVICE_NAME));
  return {
    destination: 'test',
    stop: () =>
      stopWith(async () => {
        await tracerProvider.shutdown();
        await meterProvider.shutdown();
      }),
  };
}

/** Longest a stop waits for the last export (inside the platform's grace period after the service's own stop). */
export const STOP_TIMEOUT_MS = 5_000;

// Best effort: an unreachable Application Insights (its last export fails, or hangs) must not
// turn a clean stop into a failed one.
async function stopWith(shutdown: () => Promise<void>): Promise<void> {
  deactivateMetrics();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      shutdown().catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS))),
    ]);
  } finally {
    clearTimeout(timer);
    trace.disable();
    metrics.disable();
    context.disable();
    running = undefined;
  }
}
