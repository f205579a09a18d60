import { BENCH_TIMINGS } from './bench-timings';
import { isDeepStrictEqual } from 'node:util';
import { odata, type TransactionAction } from '@azure/data-tables';
import { measureCardBytes, renderCard, CARD_BUDGET_BYTES } from '../src/cards/render-card';
import {
  buildRegionDigest,
  buildRegionDigestByScan,
  type RegionDigest,
  type RegionDigestInput,
} from '../src/domain/digests/build-digest';
import type { Campaign } from '../src/domain/checklists/campaigns';
import { buildDigestCard } from '../src/domain/digests/digest-view';
import { launchCampaign } from '../src/domain/campaigns/launch-campaign';
import { ROOT_PARENT } from '../src/domain/access/organisations';
import { runDigests } from '../src/domain/digests/run-digests';
import { runNudges } from '../src/domain/nudges/run-nudges';
import { drainPendingCounts } from '../src/domain/items/project-counts';
import { NO_BANK_HOLIDAYS, workingDayOnOrBefore } from '../src/domain/shared/uk-calendar';
import type { ItemStatus } from '../src/domain/items/tracked-items';
import { addDays, todayInLondon } from '../src/domain/shared/uk-dates';
import { createSeededRandom } from '../src/importers/create-seeded-random';
import { createLogger } from '../src/logging/create-logger';
import { createCardComposer } from '../src/proactive/compose-card-message';
import { createTableClient } from '../src/storage/create-table-client';
import { partitionOf, ITEMS_TABLE } from '../src/storage/item-table';
import { openStorage, type Storage } from '../src/storage/open-storage';
import { readRows } from '../src/storage/read-rows';
import { runWithLimit, submitInBatches } from '../src/storage/run-batches';
import { startAzurite } from '../src/storage/start-azurite';
import { draftEnglandCampaign, loadSyntheticEngland } from './england';
import { describeReach, surveyEnglandReach } from './reach';

const say = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => Math.round(ms) / 1000;
const RUNS = 3;
const DETAIL_URL = 'https://teams.microsoft.com/l/app/5d0c7a52-3c4e-4b8f-9a57-3f1c2b6d8e10';

// Notes people write when they mark an action blocked.
const NOTES = [
  'Waiting for the telephony supplier to confirm the cloud-based system go-live date.',
  'Practice manager post vacant until January; nobody to lead this.',
  'Online consultation tool contract ends in March; waiting on the ICB procurement.',
  'Need IT to enable the NHS App messaging integration first.',
  'Care navigator training places are full until next quarter.',
];

/**
 * Sets every item of an England-wide campaign to a realistic status, straight into storage (a
 * status change at a time would take an hour), each organisation marked changed as its presses
 * would leave it, for the counts projection to catch up with.
 * About 35% done, 20% in progress, 5% blocked (with a note), 5% not applicable, the rest not
 * started; each ICB is somewhat ahead of or behind the others, so the chart has a shape.
 */
export async function spreadStatuses(
  storage: Storage,
  connectionString: string,
  campaign: Campaign,
  groups: readonly string[],
  today: string,
): Promise<{ changed: number; marked: number }> {
  const table = createTableClient(connectionString, ITEMS_TABLE, BENCH_TIMINGS);
  let changed = 0;
  let marked = 0;
  await runWithLimit(groups, 8, async (group) => {
    // A generator per group: the same statuses on every run, whatever order groups finish in.
    const random = createSeededRandom(
      [...group].reduce((seed, ch) => (seed * 31 + ch.charCodeAt(0)) >>> 0, 48),
    );
    const pace = 0.6 + 0.8 * random();
    const items = await storage.items.listItemsForIcb(campaign.id, group);
    const actions: TransactionAction[] = [];
    for (const item of items) {
      const r = random();
      const status: ItemStatus =
        r < 0.35 * pace
          ? 'done'
          : r < 0.35 * pace + 0.2
            ? 'in_progress'
            : r < 0.35 * pace + 0.25
              ? 'blocked'
              : r < 0.35 * pace + 0.3
                ? 'not_applicable'
                : 'not_started';
      if (status === 'not_started') continue;
      const at = `${addDays(today, -1 - Math.floor(random() * 120))}T${String(8 + Math.floor(random() * 9)).padStart(2, '0')}:15:00.000Z`;
      actions.push([
        'update',
        {
          partitionKey: partitionOf(campaign.id, group),
          rowKey: `item|${item.orgCode}|${item.actionId}`,
          status,
          note: status === 'blocked' ? (NOTES[Math.floor(random() * NOTES.length)] ?? '') : '',
          version: 2,
          updatedAt: at,
          updatedBy: 'bench',
          updatedByName: 'Benchmark',
        },
        'Merge',
      ]);
    }
    // Each organisation touched gets its "changed" mark, as a press leaves it (see KEYS.md):
    // the counts projection then catches up, and the benchmark times that separately.
    const orgs = new Set(items.map((i) => i.orgCode));
    for (const orgCode of orgs)
      actions.push([
        'upsert',
        {
          partitionKey: partitionOf(campaign.id, group),
          rowKey: `changed|${orgCode}`,
          pending: true,
          at: `${today}T08:00:00.000Z`,
        },
        'Replace',
      ]);
    await submitInBatches(table, actions);
    changed += actions.length - orgs.size;
    marked += orgs.size;
  });
  return { changed, marked };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Synthetic England, an England-wide campaign with statuses spread realistically, then the seven
 * regional digests built (figures, view, rendered card) from the running counts and, for
 * comparison, from a full scan of the items, in the same run; median of three each.
 */
export async function runDigestBenchmark(): Promise<Record<string, unknown>> {
  const azurite = await startAzurite({ logger: createLogger('silent') });
  try {
    const storage = await openStorage(azurite.connectionString, BENCH_TIMINGS);
    const now = () => new Date();
    const today = todayInLondon(now());

    const { orgs } = await loadSyntheticEngland(storage);
    const campaign = await draftEnglandCampaign(storage, 'bench-digest', now);
    let t = performance.now();
    const launch = await launchCampaign({ ...storage, now }, campaign.id);
    say(
      `Synthetic England: ${orgs.length} organisations; England-wide campaign launched: ${launch.created} items in ${seconds(performance.now() - t)} s`,
    );

    const regions = (await storage.organisations.listChildren(ROOT_PARENT)).filter(
      (r) => r.level === 'region',
    );
    const groups = orgs.filter((o) => o.level === 'region' || o.level === 'icb').map((o) => o.code);
    t = performance.now();
    const spread = await spreadStatuses(storage, azurite.connectionString, campaign, groups, today);
    say(
      `Statuses set on ${spread.changed} items in ${groups.length} groups, ${spread.marked} organisations marked changed, in ${seconds(performance.now() - t)} s`,
    );
    t = performance.now();
    const projected = await drainPendingCounts(storage);
    const projectionMs = performance.now() - t;
    say(
      `The counts projection caught up: ${projected} organisations projected in ${seconds(projectionMs)} s`,
    );

    const inputs: RegionDigestInput[] = regions.map((r) => ({
      campaign,
      regionCode: r.code,
      today,
    }));
    let largestCard = 0;
    const buildAll = async (
      build: (deps: Storage, input: RegionDigestInput) => Promise<RegionDigest>,
    ): Promise<{ ms: number; digests: RegionDigest[] }> => {
      const started = performance.now();
      const digests: RegionDigest[] = new Array<RegionDigest>(inputs.length);
      // Four regions at a time, as the weekly job does.
      await runWithLimit([...inputs.entries()], 4, async ([i, input]) => {
        const digest = await build(storage, input);
        const card = renderCard('digest', buildDigestCard(digest, { detailUrl: DETAIL_URL }));
        largestCard = Math.max(largestCard, measureCardBytes(card));
        digests[i] = digest;
      });
      return { ms: performance.now() - started, digests };
    };

    const fromCounts: number[] = [];
    const fromScan: number[] = [];
    let counted: RegionDigest[] = [];
    let scanned: RegionDigest[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const a = await buildAll(buildRegionDigest);
      fromCounts.push(a.ms);
      counted = a.digests;
      const b = await buildAll(buildRegionDigestByScan);
      fromScan.push(b.ms);
      scanned = b.digests;
    }
    const countsMs = median(fromCounts);
    const scanMs = median(fromScan);
    const speedup = scanMs / countsMs;
    const same = isDeepStrictEqual(counted, scanned);
    const items = counted.reduce((n, d) => n + d.headline.total, 0);
    const overall = counted.reduce(
      (s, d) => ({
        done: s.done + d.headline.byStatus.done,
        blocked: s.blocked + d.headline.byStatus.blocked,
      }),
      { done: 0, blocked: 0 },
    );
    for (const d of counted)
      say(
        `  ${d.region.name} (${d.region.code}): ${d.icbs.length} ICBs, ${d.headline.total} items, ${d.headline.percentComplete}% complete, ${d.headline.byStatus.blocked} blocked, ${d.headline.overdue} overdue`,
      );
    say(
      `All seven regional digests from the running counts: ${seconds(countsMs)} s (median of ${RUNS}: ${fromCounts.map((ms) => seconds(ms)).join(', ')}; target ≤ 1 s)`,
    );
    say(
      `The same from a full scan of the ${items} items: ${seconds(scanMs)} s (median of ${RUNS}: ${fromScan.map((ms) => seconds(ms)).join(', ')})`,
    );
    say(
      `Counts are ${speedup.toFixed(1)}× faster than the scan (target ≥ 5×); same figures both ways: ${same ? 'yes' : 'NO'}`,
    );
    say(`Largest digest card: ${largestCard} bytes of UTF-16 (budget ${CARD_BUDGET_BYTES})`);

    // Azurite answers every query by testing each entity of the table (Azure seeks the key
    // range instead), so each partition read has a floor that grows with the whole Items table:
    // the same number of reads, matching nothing, shows how much of the figures that is.
    const table = createTableClient(azurite.connectionString, ITEMS_TABLE, BENCH_TIMINGS);
    const floors: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      for (const group of groups)
        await readRows(
          table,
          odata`PartitionKey eq ${partitionOf(campaign.id, group)} and RowKey eq ${'none'}`,
        );
      floors.push(performance.now() - started);
    }
    const floorMs = median(floors);
    say(
      `Azurite's floor: ${groups.length} reads matching nothing take ${seconds(floorMs)} s (it tests every entity of the Items table, over ${items}, for each read; Azure seeks the key range)`,
    );
    const scanAbove = Math.max(scanMs - floorMs, 1);
    say(
      `The scan makes those ${groups.length} reads: ${seconds(scanAbove)} s above the floor. The counts make ${regions.length} reads of the small OrgCounts table (one per region), so no floor of the Items table applies to them.`,
    );

    // The weekly job end to end: seven linked regional channels, then the same week again.
    for (const [i, r] of regions.entries())
      await storage.links.saveLink({
        orgCode: r.code,
        purpose: 'digest',
        teamId: `19:bench-team-${i}@thread.tacv2`,
        channelId: `19:bench-digest-${i}@thread.tacv2`,
        linkedBy: 'bench',
        linkedAt: now().toISOString(),
        active: true,
      });
    const jobDeps = {
      ...storage,
      composer: createCardComposer(renderCard),
      detailUrl: DETAIL_URL,
    };
    t = performance.now();
    const first = await runDigests(jobDeps, { date: today, now: now() });
    const jobMs = performance.now() - t;
    const again = await runDigests(jobDeps, { date: today, now: now() });
    say(
      `The digest job: ${first.cardsQueued} cards queued for ${first.regions} regions in ${seconds(jobMs)} s; run again the same week: ${again.cardsQueued} queued, ${again.alreadyQueued} already queued`,
    );
    // The daily nudge run over the same England: a staff member for every practice, a lead for
    // every PCN and ICB; the campaign keeps the official 2023 deadlines, so weekly overdue
    // reminders fall due for about one item in seven each day (more after a weekend).
    t = performance.now();
    const people = orgs.filter((o) => o.open && ['practice', 'pcn', 'icb'].includes(o.level));
    const personOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    await runWithLimit([...people.entries()], 16, async ([i, org]) => {
      await storage.roles.saveGrant({
        userId: personOf(i),
        role:
          org.level === 'practice'
            ? 'practice_staff'
            : org.level === 'pcn'
              ? 'pcn_lead'
              : 'icb_lead',
        orgCode: org.code,
        grantedBy: 'bench',
        grantedAt: now().toISOString(),
      });
    });
    say(
      `${people.length} people given a role (one per practice, PCN and ICB) in ${seconds(performance.now() - t)} s`,
    );
    const tenantId = '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f';
    t = performance.now();
    const nudges = await runNudges(
      { ...jobDeps, now, defaultTenantId: tenantId },
      { date: today, previousRun: workingDayOnOrBefore(addDays(today, -1), NO_BANK_HOLIDAYS) },
    );
    const nudgeMs = performance.now() - t;
    say(
      `Daily nudge run: ${nudges.itemsAtMilestone} items at a reminder point; ${nudges.nudgesQueued} 1:1 reminders and ${nudges.channelPosts} channel posts queued in ${seconds(nudgeMs)} s`,
    );

    // Who of those people a 1:1 reminder reaches, and by which route (a synthetic mix: see
    // bench/reach.ts), against a fake Teams and a fake Graph; nothing is sent.
    t = performance.now();
    const reach = await surveyEnglandReach(
      storage,
      people.map((_, i) => personOf(i)),
      tenantId,
      now,
    );
    for (const line of describeReach(reach)) say(line);
    say(`(surveyed in ${seconds(performance.now() - t)} s)`);

    return {
      organisations: orgs.length,
      items,
      done: overall.done,
      blocked: overall.blocked,
      regions: counted.length,
      digests_from_counts_s: seconds(countsMs),
      digests_from_scan_s: seconds(scanMs),
      speedup: Number(speedup.toFixed(1)),
      target_counts_le_1s: countsMs <= 1000,
      target_speedup_ge_5: speedup >= 5,
      same_figures: same,
      largest_card_bytes: largestCard,
      azurite_floor_s: seconds(floorMs),
      scan_above_floor_s: seconds(scanAbove),
      projection_catch_up_s: seconds(projectionMs),
      organisations_projected: projected,
      scan_reads_per_build: groups.length,
      counts_reads_per_build: regions.length,
      job_s: seconds(jobMs),
      job_cards_queued: first.cardsQueued,
      rerun_cards_queued: again.cardsQueued,
      nudge_run_s: seconds(nudgeMs),
      nudges: nudges.nudgesQueued,
      nudge_items_at_milestone: nudges.itemsAtMilestone,
      reach_people: reach.people,
      reach_stored: reach.stored,
      reach_roster: reach.roster,
      reach_graph: reach.graph,
      reach_not_reachable: reach.notReachable,
      reach_waiting: reach.waiting,
    };
  } finally {
    await azurite.stop();
  }
}
