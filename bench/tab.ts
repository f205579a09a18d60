import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildTab } from '../scripts/build-tab';
import { startService } from '../src/app/start-service';
import { loadConfig } from '../src/config/load-config';
import { launchCampaign } from '../src/domain/campaigns/launch-campaign';
import { drainPendingCounts } from '../src/domain/items/project-counts';
import { todayInLondon } from '../src/domain/shared/uk-dates';
import { createLogger } from '../src/logging/create-logger';
import { openStorage } from '../src/storage/open-storage';
import { startAzurite } from '../src/storage/start-azurite';
import { BENCH_TIMINGS } from './bench-timings';
import { spreadStatuses } from './digest';
import { draftEnglandCampaign, loadSyntheticEngland } from './england';

const say = (line: string) => process.stderr.write(`${line}\n`);
const ms = (value: number) => Math.round(value * 10) / 10;
const CAMPAIGN = 'bench-tab';
const REQUESTS = 40;
const RENDERS = 5;
// The region the local-mode development identity is given (the demo's region).
const REGION = 'Y63';

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * The dashboard tab at England's size: synthetic England with an England-wide campaign (about
 * 85,000 items, statuses spread), the service in local mode over it, then the API's p50/p99 for a
 * region's, an ICB's and a PCN's dashboard, the time to the region dashboard's first complete
 * render in headless Chromium, and the tab's JavaScript size gzipped.
 */
export async function runTabBenchmark(): Promise<Record<string, unknown>> {
  const built = await buildTab();
  say(
    `Tab bundle: ${built.script} ${ms(built.jsGzipBytes / 1024)} KB gzipped (${ms(built.jsBytes / 1024)} KB raw; target ≤ 250 KB gzipped), CSS ${ms(built.cssGzipBytes / 1024)} KB gzipped`,
  );
  const azurite = await startAzurite({ logger: createLogger('silent') });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'arb-bench-tab-'));
  try {
    const storage = await openStorage(azurite.connectionString, BENCH_TIMINGS);
    const now = () => new Date();
    const today = todayInLondon(now());
    const { orgs } = await loadSyntheticEngland(storage);
    const campaign = await draftEnglandCampaign(storage, CAMPAIGN, now);
    let t = performance.now();
    const launch = await launchCampaign({ ...storage, now }, campaign.id);
    say(
      `Synthetic England: ${orgs.length} organisations, ${launch.created} items launched in ${ms((performance.now() - t) / 1000)} s`,
    );
    const groups = orgs.filter((o) => o.level === 'region' || o.level === 'icb').map((o) => o.code);
    t = performance.now();
    await spreadStatuses(storage, azurite.connectionString, campaign, groups, today);
    await drainPendingCounts(storage);
    say(`Statuses spread and counts projected in ${ms((performance.now() - t) / 1000)} s`);

    const icb = orgs.find((o) => o.level === 'icb' && o.regionCode === REGION);
    const pcn = orgs.find((o) => o.level === 'pcn' && o.icbCode === icb?.code);
    if (!icb || !pcn) throw new Error(`Synthetic England has no ICB or PCN in ${REGION}`);
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      SCHEDULER_ENABLED: 'false',
      STORAGE_CONNECTION_STRING: azurite.connectionString,
    });
    const service = await startService(config, createLogger('silent'));
    const figures: Record<string, unknown> = {
      jsGzipKb: ms(built.jsGzipBytes / 1024),
      jsRawKb: ms(built.jsBytes / 1024),
    };
    try {
      const levels = [
        ['region', REGION],
        ['icb', icb.code],
        ['pcn', pcn.code],
      ] as const;
      for (const [level, code] of levels) {
        const url = `${service.url}/api/v1/orgs/${code}/dashboard?campaign=${CAMPAIGN}`;
        // Two warm-up requests (the development identity's roles, the caches), then timed ones.
        for (let i = 0; i < 2; i++) await (await fetch(url)).json();
        const times: number[] = [];
        let children = 0;
        let total = 0;
        for (let i = 0; i < REQUESTS; i++) {
          const started = performance.now();
          const res = await fetch(url);
          const body = (await res.json()) as { children?: unknown[]; figures?: { total: number } };
          times.push(performance.now() - started);
          if (res.status !== 200)
            throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body)}`);
          children = body.children?.length ?? 0;
          total = body.figures?.total ?? 0;
        }
        const p50 = percentile(times, 50);
        const p99 = percentile(times, 99);
        figures[`${level}P50Ms`] = ms(p50);
        figures[`${level}P99Ms`] = ms(p99);
        say(
          `API ${level} dashboard (${code}: ${children} rows, ${total} items): p50 ${ms(p50)} ms, p99 ${ms(p99)} ms over ${REQUESTS} requests`,
        );
      }

      const browser = await chromium.launch({
        executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
        args: ['--no-sandbox'],
      });
      try {
        const renders: number[] = [];
        for (let i = 0; i < RENDERS; i++) {
          // A fresh context each time: nothing cached, as a first open in Teams.
          const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
          const page = await context.newPage();
          await page.route('https://res.cdn.office.net/**', (route) =>
            route.fulfill({ status: 200, contentType: 'application/json', body: '{}' }),
          );
          const started = performance.now();
          await page.goto(`${service.url}/tab/#/org/${REGION}?campaign=${CAMPAIGN}`);
          await page.waitForSelector('main[aria-busy="false"] #by-org');
          renders.push(performance.now() - started);
          await context.close();
        }
        const median = percentile(renders, 50);
        figures['regionRenderMs'] = ms(median);
        say(
          `First complete render of the region dashboard in headless Chromium: median ${ms(median)} ms of ${RENDERS} (${renders.map(ms).join(', ')}; target ≤ 1000 ms)`,
        );
      } finally {
        await browser.close();
      }
    } finally {
      await service.stop();
    }
    say(
      `Targets: JS ${figures['jsGzipKb']} KB ≤ 250 KB: ${Number(figures['jsGzipKb']) <= 250 ? 'met' : 'NOT met'}; region render ${figures['regionRenderMs']} ms ≤ 1000 ms: ${Number(figures['regionRenderMs']) <= 1000 ? 'met' : 'NOT met'}`,
    );
    return { items: launch.created, ...figures };
  } finally {
    await azurite.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
