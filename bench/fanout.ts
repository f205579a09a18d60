import { BENCH_TIMINGS } from './bench-timings';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { summariseDelivery, type OutboxRequest } from '../src/domain/outbox/outbox';
import { createLogger } from '../src/logging/create-logger';
import { openStorage, type Storage } from '../src/storage/open-storage';
import { runWithLimit } from '../src/storage/run-batches';
import { startAzurite } from '../src/storage/start-azurite';
import { startFakeConnector, type FakeConnector } from '../test/support/fake-connector';
import { ServiceProcess } from './service-process';

const ROOT = path.resolve(__dirname, '..');
const CONVERSATIONS = 1_300;
const GLOBAL_CAP = 50;
const say = (line: string) => process.stderr.write(`${line}\n`);

interface RunFigures {
  throttled_detail?: string[];
  seconds: number;
  rate_fraction_of_cap: number;
  throttled_429: number;
  lost: number;
  duplicates: number;
  injected_failures?: number;
  possible_duplicates_reported?: number;
}

async function enqueueFanout(
  storage: Storage,
  connector: FakeConnector,
  jobId: string,
): Promise<void> {
  const requests: OutboxRequest[] = Array.from({ length: CONVERSATIONS }, (_, i) => ({
    jobId,
    dedupeKey: `${jobId}|org-${i}`,
    kind: 'send',
    target: {
      kind: 'address',
      address: {
        serviceUrl: connector.url,
        tenantId: '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f',
        botId: '28:bench-bot',
        conversationId: `19:fanout-${i}@thread.tacv2`,
      },
    },
    payload: { text: `${jobId}|org-${i}`, summary: 'Your access recovery checklist' },
  }));
  await runWithLimit(requests, 16, async (r) => {
    await storage.outbox.enqueue(r, { now: new Date() });
  });
}

async function waitForJob(
  storage: Storage,
  jobId: string,
  onProgress?: (sent: number) => Promise<void>,
): Promise<ReturnType<typeof summariseDelivery>> {
  for (;;) {
    const summary = summariseDelivery(jobId, await storage.outbox.listEntries(jobId));
    await onProgress?.(summary.sent);
    if (summary.pending === 0 && summary.sending === 0) return summary;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function figures(connector: FakeConnector, jobId: string): RunFigures {
  const mine = connector.delivered.filter((d) =>
    String(d.body?.['text'] ?? '').startsWith(`${jobId}|`),
  );
  const unique = new Set(mine.map((d) => String(d.body?.['text'])));
  const first = Math.min(...mine.map((d) => d.at));
  const last = Math.max(...mine.map((d) => d.at));
  const seconds = (last - first) / 1000;
  return {
    seconds: Math.round(seconds * 10) / 10,
    rate_fraction_of_cap: Math.round(((mine.length - 1) / seconds / GLOBAL_CAP) * 1000) / 1000,
    throttled_429: connector.throttled,
    ...(connector.throttled > 0
      ? {
          throttled_detail: connector.rejected
            .filter((r) => r.reason === 'rate-limit')
            .map((r) => `${r.call.conversationId ?? ''} ${JSON.stringify(r.limit)}`),
        }
      : {}),
    lost: CONVERSATIONS - unique.size,
    duplicates: mine.length - unique.size,
  };
}

const QUIET = 200;
const BUSY = 40;

interface HeadOfLineFigures {
  quiet_conversations: number;
  busy_channel_cards: number;
  /** From the first delivery to the last quiet one. */
  quiet_seconds: number;
  quiet_rate_fraction_of_cap: number;
  busy_seconds: number;
  busy_max_per_1s: number;
  busy_sent_when_quiet_done: number;
  throttled_429: number;
  lost: number;
  duplicates: number;
}

/**
 * 40 cards due for one channel and one card for each of 200 other channels, the busy channel's
 * queued first: the 200 should go at the global rate while the 40 drain at the per-conversation
 * rate, rather than wait behind them.
 */
async function runHeadOfLine(
  storage: Storage,
  connector: FakeConnector,
): Promise<HeadOfLineFigures> {
  const jobId = 'fanout-hol';
  const address = (conversationId: string) => ({
    serviceUrl: connector.url,
    tenantId: '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f',
    botId: '28:bench-bot',
    conversationId,
  });
  const busy = '19:hol-busy@thread.tacv2';
  const requests: OutboxRequest[] = [
    ...Array.from({ length: BUSY }, (_, i) => ({
      key: `busy-${String(i).padStart(2, '0')}`,
      to: busy,
    })),
    ...Array.from({ length: QUIET }, (_, i) => ({
      key: `quiet-${i}`,
      to: `19:hol-quiet-${i}@thread.tacv2`,
    })),
  ].map(({ key, to }) => ({
    jobId,
    dedupeKey: key,
    kind: 'send',
    target: { kind: 'address', address: address(to) },
    payload: { text: `${jobId}|${key}` },
  }));
  // The busy channel's cards first, so they are the oldest due and head the queue.
  for (const r of requests.slice(0, BUSY)) await storage.outbox.enqueue(r, { now: new Date() });
  await runWithLimit(requests.slice(BUSY), 16, async (r) => {
    await storage.outbox.enqueue(r, { now: new Date() });
  });
  await waitForJob(storage, jobId);
  const mine = connector.delivered.filter((d) =>
    String(d.body?.['text'] ?? '').startsWith(`${jobId}|`),
  );
  const quiet = mine.filter((d) => d.conversationId !== busy);
  const busyOnes = mine.filter((d) => d.conversationId === busy);
  const first = Math.min(...mine.map((d) => d.at));
  const quietDone = Math.max(...quiet.map((d) => d.at));
  const unique = new Set(mine.map((d) => String(d.body?.['text'])));
  const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
  return {
    quiet_conversations: QUIET,
    busy_channel_cards: BUSY,
    quiet_seconds: round((quietDone - first) / 1000),
    quiet_rate_fraction_of_cap: round(quiet.length / ((quietDone - first) / 1000) / GLOBAL_CAP, 3),
    busy_seconds: round((Math.max(...busyOnes.map((d) => d.at)) - first) / 1000),
    busy_max_per_1s: connector.maxRatePerConversation(1_000),
    busy_sent_when_quiet_done: busyOnes.filter((d) => d.at <= quietDone).length,
    throttled_429: connector.throttled,
    lost: BUSY + QUIET - unique.size,
    duplicates: mine.length - unique.size,
  };
}

/**
 * One card to each of 1,300 conversations through the real service (built, in its own process) against
 * the throttling fake connector: clean, with 5% injected 503s, with a kill -9 mid-way, and one busy
 * channel beside 200 quiet ones (head-of-line blocking).
 */
export async function runFanoutBenchmark(): Promise<Record<string, unknown>> {
  say('Building the service (npm run build)…');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const azurite = await startAzurite({ logger: createLogger('silent') });
  const connector = await startFakeConnector({ globalPerSecond: GLOBAL_CAP });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'arb-fanout-'));
  const env = {
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    PROACTIVE_RATE_PER_SECOND: String(GLOBAL_CAP),
  };
  let peakRssKb = 0;
  try {
    const storage = await openStorage(azurite.connectionString, BENCH_TIMINGS);
    let service = new ServiceProcess(env);
    await service.start();

    say(`1. ${CONVERSATIONS} conversations, no faults`);
    await enqueueFanout(storage, connector, 'fanout-clean');
    await waitForJob(storage, 'fanout-clean');
    const clean = figures(connector, 'fanout-clean');
    say(
      `   ${clean.seconds} s, ${(clean.rate_fraction_of_cap * GLOBAL_CAP).toFixed(1)} sends/s = ${clean.rate_fraction_of_cap} of the ${GLOBAL_CAP}/s cap (target ≥ 0.95); 429s ${clean.throttled_429} (target 0); lost ${clean.lost}; duplicates ${clean.duplicates}`,
    );

    say('2. the same with 5% of sends answered 503');
    connector.reset();
    connector.failRandomly(0.05, 503, 42);
    await enqueueFanout(storage, connector, 'fanout-503');
    await waitForJob(storage, 'fanout-503');
    const flaky: RunFigures = {
      ...figures(connector, 'fanout-503'),
      injected_failures: connector.rejected.filter((r) => r.reason === 'injected').length,
    };
    say(
      `   ${flaky.seconds} s; ${flaky.injected_failures} injected 503s, all retried; lost ${flaky.lost}; duplicates ${flaky.duplicates}; 429s ${flaky.throttled_429}`,
    );

    say('3. the same with a kill -9 of the service mid-way, then a restart');
    connector.reset();
    await enqueueFanout(storage, connector, 'fanout-kill');
    let killed = false;
    await waitForJob(storage, 'fanout-kill', async (sent) => {
      if (!killed && sent >= CONVERSATIONS / 2) {
        killed = true;
        peakRssKb = Math.max(peakRssKb, service.peakRssKb);
        say(`   killing the service (kill -9) after ${sent} sent`);
        await service.kill();
        service = new ServiceProcess(env);
        await service.start();
        say('   restarted');
      }
    });
    const summary = summariseDelivery(
      'fanout-kill',
      await storage.outbox.listEntries('fanout-kill'),
    );
    const crash: RunFigures = {
      ...figures(connector, 'fanout-kill'),
      possible_duplicates_reported: summary.possibleDuplicates,
    };
    say(
      `   ${crash.seconds} s including the restart (entries caught mid-send were taken over when their 15 s lease lapsed); lost ${crash.lost}; duplicates ${crash.duplicates} (the outbox reported ${crash.possible_duplicates_reported} possible)`,
    );

    say(
      `4. one busy channel (${BUSY} cards, queued first) beside ${QUIET} quiet ones (one card each)`,
    );
    connector.reset();
    const hol = await runHeadOfLine(storage, connector);
    say(
      `   the ${QUIET} quiet ones in ${hol.quiet_seconds} s (${(hol.quiet_rate_fraction_of_cap * GLOBAL_CAP).toFixed(1)} sends/s = ${hol.quiet_rate_fraction_of_cap} of the cap), while the busy channel had ${hol.busy_sent_when_quiet_done} of its ${BUSY}; it drained in ${hol.busy_seconds} s at most ${hol.busy_max_per_1s} per second; 429s ${hol.throttled_429}; lost ${hol.lost}; duplicates ${hol.duplicates}`,
    );

    await service.stop();
    peakRssKb = Math.max(peakRssKb, service.peakRssKb);
    say(`Peak RSS of the service: ${Math.round(peakRssKb / 1024)} MB (target ≤ 150 MB)`);
    return {
      conversations: CONVERSATIONS,
      global_cap_per_s: GLOBAL_CAP,
      clean,
      with_503s: flaky,
      with_kill: crash,
      busy_beside_quiet: hol,
      service_peak_rss_mb: Math.round(peakRssKb / 1024),
    };
  } finally {
    await connector.stop();
    await azurite.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
