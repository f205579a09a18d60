import { BENCH_TIMINGS } from './bench-timings';
import { launchCampaign, planItems } from '../src/domain/campaigns/launch-campaign';
import { createLogger } from '../src/logging/create-logger';
import { createTableClient, createTableServiceClient } from '../src/storage/create-table-client';
import { openStorage } from '../src/storage/open-storage';
import { runWithLimit, submitInBatches, groupByPartition } from '../src/storage/run-batches';
import { startAzurite } from '../src/storage/start-azurite';
import { draftEnglandCampaign, loadSyntheticEngland } from './england';
import { readProcessCpuMs } from './service-process';
import type { TrackedItem } from '../src/domain/items/tracked-items';
import { partitionOf } from '../src/storage/item-table';

const say = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => Math.round(ms) / 1000;

/**
 * Generates the synthetic England hierarchy, imports it, launches an England-wide campaign and
 * compares items/s with the raw batched-insert rate of the same storage, measured in this run.
 */
export async function runLaunchBenchmark(): Promise<Record<string, unknown>> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const azurite = await startAzurite({ logger: createLogger('silent') });
  try {
    const storage = await openStorage(azurite.connectionString, BENCH_TIMINGS);
    const now = () => new Date();

    const { orgs, added, generateMs, importMs } = await loadSyntheticEngland(storage);
    const count = (level: string) => orgs.filter((o) => o.level === level).length;
    say(
      `Generated ${orgs.length} organisations (${count('region')} regions, ${count('icb')} ICBs, ${count('pcn')} PCNs, ${count('practice')} practices) in ${seconds(generateMs)} s`,
    );
    say(
      `Imported them in ${seconds(importMs)} s (${Math.round(added / (importMs / 1000))} organisations/s)`,
    );
    const campaign = await draftEnglandCampaign(storage, 'bench-england', now);

    // The floor: raw batched inserts of the very rows the launch creates (from the same plan),
    // with the same partitions, batch size and parallelism, into scratch tables, with none of the
    // launch's work (planning, reading existing keys, counts). Measured once before the launch
    // and once after it, so warming up and a machine that speeds up or slows down during the run
    // weigh on both sides alike.
    const service = createTableServiceClient(azurite.connectionString, BENCH_TIMINGS);
    const rawInsert = async (table: string, items: readonly TrackedItem[]) => {
      await service.createTable(table);
      const raw = createTableClient(azurite.connectionString, table, BENCH_TIMINGS);
      const rows = rawRows(items);
      const started = performance.now();
      const cpu = measureCpu(azurite.pid);
      await runWithLimit([...groupByPartition(rows).values()], 8, (partition) =>
        submitInBatches(
          raw,
          partition.map((row) => ['create', row] as const),
        ),
      );
      const ms = performance.now() - started;
      say(`   raw inserts into ${table}: ${cpu.describe(rows.length)}`);
      return ms;
    };
    const checklist = await storage.checklists.getChecklist(
      campaign.checklistId,
      campaign.checklistVersion,
    );
    if (!checklist) throw new Error('the England campaign has no checklist');
    const planned = planItems(campaign, checklist, orgs);
    const expected = planned.length;
    const rawBeforeMs = await rawInsert('RawInsertBefore', planned);

    let t = performance.now();
    const launchCpu = measureCpu(azurite.pid);
    const launch = await launchCampaign({ ...storage, now }, campaign.id);
    const launchMs = performance.now() - t;
    const itemsPerSecond = launch.created / (launchMs / 1000);
    say(
      `Launched an England-wide campaign: ${launch.created} items in ${seconds(launchMs)} s = ${Math.round(itemsPerSecond)} items/s`,
    );
    say(`   the launch: ${launchCpu.describe(launch.created)}`);

    t = performance.now();
    const relaunch = await launchCampaign({ ...storage, now }, campaign.id);
    const relaunchMs = performance.now() - t;
    say(`Relaunched: ${relaunch.created} items created in ${seconds(relaunchMs)} s (must be 0)`);

    const rawAfterMs = await rawInsert('RawInsertAfter', planned);
    const rawPerSecond = (2 * expected) / ((rawBeforeMs + rawAfterMs) / 1000);
    say(
      `Raw batched inserts of the same storage: ${expected} entities in ${seconds(rawBeforeMs)} s before the launch (${Math.round(expected / (rawBeforeMs / 1000))}/s), the same in ${seconds(rawAfterMs)} s after it (${Math.round(expected / (rawAfterMs / 1000))}/s): ${Math.round(rawPerSecond)} entities/s`,
    );
    const ratio = itemsPerSecond / rawPerSecond;
    say(`Launch rate / raw rate = ${ratio.toFixed(2)} (target ≥ 0.80)`);
    say(`Peak RSS of this process: ${Math.round(peakRss / 1024 / 1024)} MB`);

    return {
      organisations: orgs.length,
      icbs: count('icb'),
      pcns: count('pcn'),
      practices: count('practice'),
      import_s: seconds(importMs),
      items: launch.created,
      launch_s: seconds(launchMs),
      items_per_s: Math.round(itemsPerSecond),
      raw_inserts_per_s: Math.round(rawPerSecond),
      ratio_to_raw: Number(ratio.toFixed(3)),
      relaunch_created: relaunch.created,
      relaunch_s: seconds(relaunchMs),
      peak_rss_mb: Math.round(peakRss / 1024 / 1024),
    };
  } finally {
    clearInterval(sampler);
    await azurite.stop();
  }
}

/**
 * The rows a launch writes for `items` (the same keys, partitions and properties), to insert raw
 * into a scratch table: Azurite's cost of an insert grows with the size of its partition, so the
 * floor must have the launch's partitions (one per ICB, of unequal sizes), not even ones.
 */
function rawRows(items: readonly TrackedItem[]) {
  return items.map((item) => ({
    partitionKey: partitionOf(item.campaignId, item.icbCode),
    rowKey: `item|${item.orgCode}|${item.actionId}`,
    campaignId: item.campaignId,
    orgCode: item.orgCode,
    actionId: item.actionId,
    level: item.level,
    area: String(item.area),
    icbCode: item.icbCode,
    regionCode: item.regionCode,
    status: item.status,
    note: item.note,
    version: item.version,
    ...(item.dueDate ? { dueDate: item.dueDate } : {}),
    ...(item.pcnCode ? { pcnCode: item.pcnCode } : {}),
  }));
}

/** CPU of this process (the client: planning, the SDK) and of Azurite from now on, per 1,000 rows. */
function measureCpu(storagePid: number | undefined) {
  const client = process.cpuUsage();
  const storage = readProcessCpuMs(storagePid);
  return {
    describe(rows: number): string {
      const used = process.cpuUsage(client);
      const clientMs = (used.user + used.system) / 1_000;
      const storageMs = readProcessCpuMs(storagePid) - storage;
      const per = (ms: number) => ((ms / Math.max(1, rows)) * 1_000).toFixed(0);
      return `CPU ${per(clientMs)} ms here and ${per(storageMs)} ms in Azurite per 1,000 rows`;
    },
  };
}
