import { BENCH_TIMINGS } from './bench-timings';
import { launchCampaign } from '../src/domain/campaigns/launch-campaign';
import { createLogger } from '../src/logging/create-logger';
import { createTableClient, createTableServiceClient } from '../src/storage/create-table-client';
import { openStorage } from '../src/storage/open-storage';
import { runWithLimit, submitInBatches, groupByPartition } from '../src/storage/run-batches';
import { startAzurite } from '../src/storage/start-azurite';
import { draftEnglandCampaign, loadSyntheticEngland } from './england';

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

    let t = performance.now();
    const launch = await launchCampaign({ ...storage, now }, campaign.id);
    const launchMs = performance.now() - t;
    const itemsPerSecond = launch.created / (launchMs / 1000);
    say(
      `Launched an England-wide campaign: ${launch.created} items in ${seconds(launchMs)} s = ${Math.round(itemsPerSecond)} items/s`,
    );

    t = performance.now();
    const relaunch = await launchCampaign({ ...storage, now }, campaign.id);
    const relaunchMs = performance.now() - t;
    say(`Relaunched: ${relaunch.created} items created in ${seconds(relaunchMs)} s (must be 0)`);

    // Raw rate: the same number of entities, the same partitioning, batch size and parallelism,
    // into a scratch table, with none of the launch's work (planning, reading existing keys).
    const service = createTableServiceClient(azurite.connectionString, BENCH_TIMINGS);
    await service.createTable('RawInsertBench');
    const raw = createTableClient(azurite.connectionString, 'RawInsertBench', BENCH_TIMINGS);
    const rows = Array.from({ length: launch.created }, (_, i) => ({
      partitionKey: `p|${i % 42}`,
      rowKey: `item|${String(i).padStart(8, '0')}`,
      campaignId: 'bench-england',
      orgCode: 'A00000',
      actionId: 'PRAC-01',
      level: 'practice',
      area: '2',
      icbCode: 'Q00',
      regionCode: 'Y56',
      status: 'not_started',
      note: '',
      version: 1,
      dueDate: '2023-10-31',
    }));
    t = performance.now();
    await runWithLimit([...groupByPartition(rows).values()], 8, (partition) =>
      submitInBatches(
        raw,
        partition.map((row) => ['create', row] as const),
      ),
    );
    const rawMs = performance.now() - t;
    const rawPerSecond = rows.length / (rawMs / 1000);
    say(
      `Raw batched inserts of the same storage: ${rows.length} entities in ${seconds(rawMs)} s = ${Math.round(rawPerSecond)} entities/s`,
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
