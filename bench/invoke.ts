import { BENCH_TIMINGS } from './bench-timings';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderCard } from '../src/cards/render-card';
import { createLogger } from '../src/logging/create-logger';
import { openStorage } from '../src/storage/open-storage';
import { startAzurite } from '../src/storage/start-azurite';
import { startFakeConnector } from '../test/support/fake-connector';
import { samplePracticeCard } from '../test/support/sample-cards';
import {
  CHANNEL_ID,
  TEAM_ID,
  USER,
  channelCardAction,
  channelMention,
  personalMessage,
} from '../test/support/teams-activities';
import { launchCampaign } from '../src/domain/campaigns/launch-campaign';
import { draftEnglandCampaign, loadSyntheticEngland } from './england';
import { describeParts, findProfile, monotonicMicros, type Window } from './profile-parts';
import { readProcessCpuMs, ServiceProcess } from './service-process';

const ROOT = path.resolve(__dirname, '..');
const CAMPAIGN = 'demo-qz1';
const SPREAD_PRACTICES = 400;
// Each case alternates floor and service in this many rounds (floor first, then service first, …),
// so a machine that slows down or speeds up during the run weighs on both alike.
const ROUNDS = 4;
const say = (line: string) => process.stderr.write(`${line}\n`);

interface Press {
  campaignId?: string;
  orgCode: string;
  actionId: string;
  version: number;
  status: 'done' | 'in_progress';
}

interface RunFigures {
  requests: number;
  p50_ms: number;
  p99_ms: number;
  updates_per_second: number;
  failures: number;
  /** CPU the process under test used per press (user + system), in ms. */
  cpu_ms_per_press: number;
  /** CPU Azurite used per press meanwhile (the press's storage calls and any in the background). */
  storage_cpu_ms_per_press: number;
  /** The largest answer sent, in bytes. */
  answer_bytes: number;
}

/** What one stretch of presses saw, before it is summed with the other rounds of its case. */
interface Stretch {
  latencies: number[];
  /** The largest answer (the card drawn for the press) in bytes, to compare what each side sends. */
  answerBytes: number;
  seconds: number;
  cpuMs: number;
  storageCpuMs: number;
  failures: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Presses one status button after another on `presses`, `concurrency` at a time; each worker owns its items, so no press is stale. */
async function drive(
  target: ServiceProcess,
  connectorUrl: string,
  presses: Press[],
  concurrency: number,
  requests: number,
  storagePid?: number,
): Promise<Stretch> {
  const url = target.url;
  const cpuBefore = target.cpuMs();
  const storageCpuBefore = readProcessCpuMs(storagePid);
  const latencies: number[] = [];
  const networkErrors: string[] = [];
  let failures = 0;
  let issued = 0;
  let answerBytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const mine = presses.filter((_, i) => i % concurrency === worker);
      let turn = 0;
      while (issued < requests) {
        issued += 1;
        const press = mine[turn++ % mine.length] as Press;
        press.status = press.status === 'done' ? 'in_progress' : 'done';
        const campaignId = press.campaignId ?? CAMPAIGN;
        const activity = channelCardAction(connectorUrl, 'setStatus', {
          campaignId,
          orgCode: press.orgCode,
          actionId: press.actionId,
          status: press.status,
          version: press.version,
          card: { view: 'items', campaignId, orgCode: press.orgCode },
        });
        const t = performance.now();
        let res: Response;
        let body: { type?: string; value?: unknown };
        try {
          res = await fetch(`${url}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(activity),
          });
          const text = await res.text();
          answerBytes = Math.max(answerBytes, Buffer.byteLength(text));
          body = JSON.parse(text) as { type?: string; value?: unknown };
        } catch (error) {
          // A connection lost mid-press is a failure to report, not the end of the run; whether
          // that press was saved is unknown, so its item leaves the rotation.
          failures += 1;
          networkErrors.push(
            `${new Date().toISOString()} ${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)}`,
          );
          mine.splice(mine.indexOf(press), 1);
          if (mine.length === 0) return;
          continue;
        }
        latencies.push(performance.now() - t);
        if (
          res.status !== 200 ||
          body.type !== 'application/vnd.microsoft.card.adaptive' ||
          /since you looked/.test(JSON.stringify(body.value))
        )
          failures += 1;
        press.version += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  if (networkErrors.length > 0)
    say(`   ${networkErrors.length} presses lost their connection; the first: ${networkErrors[0]}`);
  return {
    latencies,
    answerBytes,
    seconds,
    cpuMs: target.cpuMs() - cpuBefore,
    storageCpuMs: readProcessCpuMs(storagePid) - storageCpuBefore,
    failures,
  };
}

/** The figures of a case from its rounds: latencies pooled, throughput over the time spent pressing. */
function summarise(stretches: readonly Stretch[]): RunFigures {
  const latencies = stretches.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = stretches.reduce((n, s) => n + s.seconds, 0);
  const cpuMs = stretches.reduce((n, s) => n + s.cpuMs, 0);
  const storageCpuMs = stretches.reduce((n, s) => n + s.storageCpuMs, 0);
  return {
    requests: latencies.length,
    p50_ms: Number(percentile(latencies, 50).toFixed(2)),
    p99_ms: Number(percentile(latencies, 99).toFixed(2)),
    updates_per_second: Number((latencies.length / seconds).toFixed(1)),
    failures: stretches.reduce((n, s) => n + s.failures, 0),
    cpu_ms_per_press: Number((cpuMs / Math.max(1, latencies.length)).toFixed(2)),
    storage_cpu_ms_per_press: Number((storageCpuMs / Math.max(1, latencies.length)).toFixed(2)),
    answer_bytes: Math.max(...stretches.map((s) => s.answerBytes)),
  };
}

/** Both sides of one case, taken in alternating rounds; each round's span is kept for the profiles. */
async function compare(
  label: string,
  sides: { floor: Side; service: Side },
  connectorUrl: string,
  concurrency: number,
  requests: number,
  storagePid: number | undefined,
): Promise<{ floor: RunFigures; service: RunFigures }> {
  const stretches: { floor: Stretch[]; service: Stretch[] } = { floor: [], service: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order =
      round % 2 === 0 ? (['floor', 'service'] as const) : (['service', 'floor'] as const);
    for (const name of order) {
      const side = sides[name];
      const startUs = monotonicMicros();
      const stretch = await drive(
        side.process,
        connectorUrl,
        side.presses,
        concurrency,
        requests / ROUNDS,
        storagePid,
      );
      side.windows.push({
        label,
        startUs,
        endUs: monotonicMicros(),
        units: stretch.latencies.length,
      });
      stretches[name].push(stretch);
    }
  }
  return { floor: summarise(stretches.floor), service: summarise(stretches.service) };
}

/** One process under test, the presses it works through, and the spans it was pressed in. */
interface Side {
  process: ServiceProcess;
  presses: Press[];
  windows: Window[];
}

function show(label: string, f: RunFigures): void {
  say(
    `   ${label.padEnd(28)} p50 ${f.p50_ms.toFixed(2)} ms, p99 ${f.p99_ms.toFixed(2)} ms, ${f.updates_per_second} updates/s, ${f.cpu_ms_per_press} ms CPU per press (+ ${f.storage_cpu_ms_per_press} ms in Azurite), answers up to ${(f.answer_bytes / 1024).toFixed(1)} KB (${f.requests} requests, ${f.failures} failures)`,
  );
}

/**
 * With BENCH_CPU_PROF set: stops both processes (so they write their profiles) and prints where
 * each one's CPU went during each case, part by part, per press.
 */
async function describeProfiles(
  processes: { name: string; target: ServiceProcess; windows: Window[] }[],
  labels: string[],
): Promise<Record<string, number>> {
  const dir = process.env['BENCH_CPU_PROF'];
  if (!dir) return {};
  const files = [];
  for (const p of processes) {
    await p.target.stop();
    const file = p.target.pid === undefined ? undefined : findProfile(dir, p.target.pid);
    if (!file) {
      say(`   No CPU profile of the ${p.name} in ${dir}; no breakdown.`);
      return {};
    }
    files.push({ name: p.name, file, windows: p.windows });
  }
  const { lines, figures } = describeParts(labels, files);
  say('Where the CPU went (profiled run, so every figure is a little above an unprofiled one):');
  for (const line of lines) say(line);
  return figures;
}

/**
 * `npm run bench -- invoke`: status presses through POST /api/messages on the built service (its
 * own process, real Azurite, three linked PCN channels so every change also redraws the posted
 * copies), at concurrency 1 and 16, next to the floor measured in the same run: a bare
 * botbuilder bot that answers with a static card after one Table transaction.
 */
export async function runInvokeBenchmark(): Promise<Record<string, unknown>> {
  say('Building the service (npm run build)…');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const azurite = await startAzurite({ logger: createLogger('silent') });
  const connector = await startFakeConnector({ enforceLimits: false });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'arb-invoke-'));
  const cardFile = path.join(dataDir, 'floor-card.json');
  // The floor answers with the card our service would draw for the same practice.
  writeFileSync(cardFile, JSON.stringify(renderCard('checklist', samplePracticeCard())));
  const env = {
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  };
  const service = new ServiceProcess(env);
  const floor = new ServiceProcess({ ...env, FLOOR_CARD_FILE: cardFile }, [
    path.join(ROOT, 'bench', 'floor-bot.cjs'),
  ]);
  try {
    await service.start();
    await floor.start();
    const post = (activity: Record<string, unknown>) =>
      fetch(`${service.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
    // Demo roles for the user (local mode), and three PCN channels linked, as in a real team.
    await post(personalMessage(connector.url, 'help'));
    for (const [i, pcn] of ['U99901', 'U99902', 'U99903'].entries()) {
      const channelId = CHANNEL_ID.replace('@', `${i}@`);
      const mention = channelMention(connector.url, `link ${pcn}`) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      mention['conversation']['id'] = channelId;
      mention['channelData']['channel'] = { id: channelId, name: `PCN ${pcn}` };
      await post(mention);
    }
    say(`   Linked 3 PCN channels in team ${TEAM_ID.slice(0, 12)}…; user ${USER.name}`);
    const storage = await openStorage(azurite.connectionString, BENCH_TIMINGS);
    const presses: Press[] = [];
    for (const org of [
      'X99001',
      'X99002',
      'X99003',
      'X99004',
      'X99005',
      'X99007',
      'X99008',
      'X99009',
    ])
      for (const item of await storage.items.listItemsForOrg(CAMPAIGN, 'QZ1', org))
        presses.push({
          orgCode: org,
          actionId: item.actionId,
          version: item.version,
          status: item.status === 'done' ? 'done' : 'in_progress',
        });
    const sides = {
      service: { process: service, presses, windows: [] as Window[] },
      floor: { process: floor, presses: presses.map((p) => ({ ...p })), windows: [] as Window[] },
    };

    say('Warming up both (300 presses each)…');
    await drive(service, connector.url, sides.service.presses, 4, 300);
    await drive(floor, connector.url, sides.floor.presses, 4, 300);

    const results: Record<string, RunFigures> = {};
    for (const concurrency of [1, 16]) {
      const requests = concurrency === 1 ? 1_000 : 4_000;
      say(`Concurrency ${concurrency}, ${requests} presses each, in ${ROUNDS} alternating rounds:`);
      const both = await compare(
        `c${concurrency}`,
        sides,
        connector.url,
        concurrency,
        requests,
        azurite.pid,
      );
      results[`floor_c${concurrency}`] = both.floor;
      results[`service_c${concurrency}`] = both.service;
      show('floor (bare bot, 1 txn)', both.floor);
      show('Access Recovery Bot', both.service);
    }
    // BENCH_INVOKE_SPREAD=0 skips the England case, to compare builds quickly.
    const withSpread = process.env['BENCH_INVOKE_SPREAD'] !== '0';
    let spreadPractices = 0;
    // A morning across an ICB: presses spread over 400 practices of synthetic England (one
    // region launched, so the Items table is big), 16 at a time, each practice's first press
    // finding no copy of its items yet.
    if (withSpread) {
      say('Spread: loading synthetic England and launching a campaign over one region…');
      const england = await loadSyntheticEngland(storage);
      const region = england.orgs.find((o) => o.level === 'region' && o.open);
      if (!region) throw new Error('synthetic England has no region');
      const spread = await draftEnglandCampaign(
        storage,
        'bench-spread',
        () => new Date(),
        region.code,
      );
      const launched = await launchCampaign({ ...storage, now: () => new Date() }, spread.id);
      await storage.roles.saveGrant({
        userId: USER.aadObjectId,
        role: 'administrator',
        orgCode: region.code,
        grantedBy: 'benchmark',
        grantedAt: new Date().toISOString(),
      });
      const practices = england.orgs
        .filter((o) => o.level === 'practice' && o.open && o.regionCode === region.code)
        .slice(0, SPREAD_PRACTICES);
      const spreadPresses: Press[] = [];
      for (const practice of practices)
        for (const item of await storage.items.listItemsForOrg(
          spread.id,
          practice.icbCode ?? '',
          practice.code,
        ))
          spreadPresses.push({
            campaignId: spread.id,
            orgCode: practice.code,
            actionId: item.actionId,
            version: item.version,
            status: item.status === 'done' ? 'done' : 'in_progress',
          });
      // Interleaved, so the 16 workers move across practices as a morning's presses do.
      spreadPresses.sort(
        (x, y) => x.actionId.localeCompare(y.actionId) || x.orgCode.localeCompare(y.orgCode),
      );
      say(
        `   ${launched.created.toLocaleString('en-GB')} items launched over ${region.code}; ${spreadPresses.length.toLocaleString('en-GB')} items of ${practices.length} practices to press`,
      );
      spreadPractices = practices.length;
      say(`Spread, concurrency 16, 4000 presses each, in ${ROUNDS} alternating rounds:`);
      const both = await compare(
        'spread',
        {
          service: { ...sides.service, presses: spreadPresses },
          floor: { ...sides.floor, presses: spreadPresses.map((p) => ({ ...p })) },
        },
        connector.url,
        16,
        4_000,
        azurite.pid,
      );
      results['floor_spread'] = both.floor;
      results['service_spread'] = both.service;
      show('floor (bare bot, 1 txn)', both.floor);
      show('Access Recovery Bot', both.service);
    }

    const ratio = (run: string) => ({
      throughput_ratio: Number(
        (
          results[`service_${run}`]!.updates_per_second /
          results[`floor_${run}`]!.updates_per_second
        ).toFixed(2),
      ),
      p99_ratio: Number(
        (results[`service_${run}`]!.p99_ms / results[`floor_${run}`]!.p99_ms).toFixed(2),
      ),
    });
    const c1 = ratio('c1');
    const c16 = ratio('c16');
    const cs = withSpread ? ratio('spread') : { throughput_ratio: 0, p99_ratio: 0 };
    say(
      `Concurrency 1:  throughput ${c1.throughput_ratio} of the floor (target ≥ 0.70); p99 ${c1.p99_ratio}× the floor's (target ≤ 2)`,
    );
    say(
      `Concurrency 16: throughput ${c16.throughput_ratio} of the floor (target ≥ 0.70); p99 ${c16.p99_ratio}× the floor's (target ≤ 2)`,
    );
    if (withSpread)
      say(
        `Spread over ${spreadPractices} practices, 16 at a time: throughput ${cs.throughput_ratio} of the floor; p99 ${cs.p99_ratio}× the floor's (shown, no target)`,
      );
    say(
      `Copies redrawn in linked channels during the run: ${connector.delivered.filter((d) => d.method === 'PUT').length} updates sent to the fake Teams`,
    );
    const copiesUpdated = connector.delivered.filter((d) => d.method === 'PUT').length;
    const profiled = await describeProfiles(
      [
        { name: 'service', target: service, windows: sides.service.windows },
        { name: 'floor', target: floor, windows: sides.floor.windows },
      ],
      withSpread ? ['c1', 'c16', 'spread'] : ['c1', 'c16'],
    );
    return {
      ...profiled,
      ...Object.fromEntries(
        Object.entries(results).flatMap(([k, f]) =>
          Object.entries(f).map(([m, v]) => [`${k}_${m}`, v]),
        ),
      ),
      c1_throughput_ratio: c1.throughput_ratio,
      c1_p99_ratio: c1.p99_ratio,
      c16_throughput_ratio: c16.throughput_ratio,
      c16_p99_ratio: c16.p99_ratio,
      spread_practices: spreadPractices,
      spread_throughput_ratio: cs.throughput_ratio,
      spread_p99_ratio: cs.p99_ratio,
      service_peak_rss_mb: Math.round(service.peakRssKb / 1024),
      copies_updated: copiesUpdated,
    };
  } finally {
    await service.stop().catch(() => undefined);
    await floor.stop().catch(() => undefined);
    await connector.stop();
    await azurite.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
