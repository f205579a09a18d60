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
import { ServiceProcess } from './service-process';

const ROOT = path.resolve(__dirname, '..');
const CAMPAIGN = 'demo-qz1';
const SPREAD_PRACTICES = 400;
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
): Promise<RunFigures> {
  const url = target.url;
  const cpuBefore = target.cpuMs();
  const latencies: number[] = [];
  const networkErrors: string[] = [];
  let failures = 0;
  let issued = 0;
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
          body = (await res.json()) as { type?: string; value?: unknown };
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
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    p50_ms: Number(percentile(latencies, 50).toFixed(2)),
    p99_ms: Number(percentile(latencies, 99).toFixed(2)),
    updates_per_second: Number((latencies.length / seconds).toFixed(1)),
    failures,
    cpu_ms_per_press: Number(((target.cpuMs() - cpuBefore) / latencies.length).toFixed(2)),
  };
}

function show(label: string, f: RunFigures): void {
  say(
    `   ${label.padEnd(28)} p50 ${f.p50_ms.toFixed(2)} ms, p99 ${f.p99_ms.toFixed(2)} ms, ${f.updates_per_second} updates/s, ${f.cpu_ms_per_press} ms CPU per press (${f.requests} requests, ${f.failures} failures)`,
  );
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
    const floorPresses = presses.map((p) => ({ ...p }));

    say('Warming up both (300 presses each)…');
    await drive(service, connector.url, presses, 4, 300);
    await drive(floor, connector.url, floorPresses, 4, 300);

    const results: Record<string, RunFigures> = {};
    for (const concurrency of [1, 16]) {
      const requests = concurrency === 1 ? 1_000 : 4_000;
      say(`Concurrency ${concurrency}, ${requests} presses each:`);
      results[`floor_c${concurrency}`] = await drive(
        floor,
        connector.url,
        floorPresses,
        concurrency,
        requests,
      );
      show('floor (bare bot, 1 txn)', results[`floor_c${concurrency}`]!);
      results[`service_c${concurrency}`] = await drive(
        service,
        connector.url,
        presses,
        concurrency,
        requests,
      );
      show('Access Recovery Bot', results[`service_c${concurrency}`]!);
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
      const spreadFloor = spreadPresses.map((p) => ({ ...p }));
      say('Spread, concurrency 16, 4000 presses each:');
      results['floor_spread'] = await drive(floor, connector.url, spreadFloor, 16, 4_000);
      show('floor (bare bot, 1 txn)', results['floor_spread']!);
      results['service_spread'] = await drive(service, connector.url, spreadPresses, 16, 4_000);
      show('Access Recovery Bot', results['service_spread']!);
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
    return {
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
      copies_updated: connector.delivered.filter((d) => d.method === 'PUT').length,
    };
  } finally {
    await service.stop().catch(() => undefined);
    await floor.stop().catch(() => undefined);
    await connector.stop();
    await azurite.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
