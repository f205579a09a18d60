import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConfigError, describeConfig, loadConfig } from '../../src/config/load-config';
import { METRICS } from '../../src/telemetry/metrics';
import { SPANS } from '../../src/telemetry/spans';

const PROBE = path.join(__dirname, '../support/telemetry-probe.ts');
const CONNECTION_STRING =
  'InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/;LiveEndpoint=https://uksouth.livediagnostics.monitor.azure.com/';

interface ProbeResult {
  destination: string;
  ids: { traceId: string; spanId: string } | null;
  loaded: number;
}

/** Runs the probe in a fresh Node process (nothing loaded yet) with exactly `env` for settings. */
function runProbe(env: Record<string, string>): Promise<ProbeResult> {
  const base = { ...process.env };
  for (const name of Object.keys(base))
    if (/^(APPLICATIONINSIGHTS_|OTEL_)/.test(name)) delete base[name];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', PROBE],
      { env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`probe failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ProbeResult);
      },
    );
  });
}

describe('telemetry settings', () => {
  it('are off unless APPLICATIONINSIGHTS_CONNECTION_STRING is set, and the string is never shown', () => {
    assert.equal(loadConfig({}).telemetry.connectionString, undefined);
    assert.equal(describeConfig(loadConfig({})).telemetry, 'off');
    const on = loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING });
    assert.equal(on.telemetry.connectionString, CONNECTION_STRING);
    const described = JSON.stringify(describeConfig(on));
    assert.match(described, /Application Insights \(connection string set\)/);
    assert.doesNotMatch(described, /InstrumentationKey|00000000-0000-4000/);
  });

  it('refuses something that is not a connection string, saying where to find one', () => {
    assert.throws(
      () =>
        loadConfig({
          APPLICATIONINSIGHTS_CONNECTION_STRING: '00000000-0000-4000-8000-000000000001',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /APPLICATIONINSIGHTS_CONNECTION_STRING: .*Overview → Connection String/.test(error.message),
    );
  });
});

describe('telemetry at start (a fresh process, as npm start runs)', function () {
  this.timeout(90_000);

  it('without a connection string starts nothing: no exporter or SDK loaded, no trace ids, nothing sent', async () => {
    const result = await runProbe({});
    assert.deepEqual(result, { destination: 'off', ids: null, loaded: 0 });
  });

  it('stops cleanly when Application Insights cannot be reached (telemetry never fails a shutdown)', async () => {
    // A port just closed: the last export on stop is refused.
    const closed = https.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runProbe({
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=https://127.0.0.1:${port}/`,
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
    });
    assert.equal(result.destination, 'azure-monitor');
  });

  describe('with a connection string', () => {
    let dir: string;
    let server: https.Server;
    const envelopes: Record<string, any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any

    before(async () => {
      // The exporter sends over HTTPS only: a throwaway certificate for a loopback ingestion fake.
      dir = mkdtempSync(path.join(os.tmpdir(), 'arb-telemetry-'));
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      ], { stdio: 'ignore' }); // prettier-ignore
      server = https.createServer(
        {
          key: readFileSync(path.join(dir, 'key.pem')),
          cert: readFileSync(path.join(dir, 'cert.pem')),
        },
        (req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', (chunk: Buffer) => chunks.push(chunk));
          req.on('end', () => {
            const raw = Buffer.concat(chunks);
            const text = (
              req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw
            ).toString();
            if (req.url?.startsWith('/v2.1/track')) envelopes.push(...(JSON.parse(text) as []));
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ itemsReceived: 0, itemsAccepted: 0, errors: [] }));
          });
        },
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      await new Promise((resolve) => server?.close(resolve));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('sends the spans and metrics to Application Insights through Azure Monitor', async () => {
      const port = (server.address() as AddressInfo).port;
      const result = await runProbe({
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=https://127.0.0.1:${port}/`,
        NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'),
        // Statsbeat (the SDK's own usage report) would go to Microsoft's endpoint, not ours;
        // every span is kept so the one span is certain to be sent.
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        OTEL_TRACES_SAMPLER: 'always_on',
      });
      assert.equal(result.destination, 'azure-monitor');
      assert.match(result.ids?.traceId ?? '', /^[0-9a-f]{32}$/);
      assert.ok(result.loaded > 0, 'the Azure Monitor packages were loaded');
      const spans = envelopes.filter((e) => e['data']?.['baseData']?.['name'] === SPANS.job);
      assert.equal(spans.length, 1, 'the job span reached ingestion');
      assert.equal(spans[0]!['tags']?.['ai.operation.id'], result.ids?.traceId);
      const metricNames = envelopes.flatMap(
        (e) => (e['data']?.['baseData']?.['metrics'] ?? []) as { name: string }[],
      );
      for (const name of [METRICS.presses, METRICS.jobDuration])
        assert.ok(
          metricNames.some((m) => m.name === name),
          `${name} reached ingestion (got ${[...new Set(metricNames.map((m) => m.name))].join(', ')})`,
        );
    });
  });
});
