import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { buildTab } from '../../scripts/build-tab';
import { PROJECT_ROOT } from '../../src/paths';
import { FakeConnector, type DeliveredActivity } from '../support/fake-connector';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import { botAddedToTeam, channelMention, CHANNEL_ID, TEAM_ID } from '../support/teams-activities';

// The tab in headless Chromium against the real service in local mode (the development identity,
// outside Teams): drill down, update a status and see the channel's card redrawn, export a CSV and
// read it back, and no axe violations in the three themes. TAB_PICTURES=1 also writes the
// screenshots in docs/tab/.

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const THEMES = ['default', 'dark', 'contrast'] as const;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const cardOf = (d: DeliveredActivity): Json =>
  (d.body as Json | undefined)?.['attachments']?.[0]?.['content'] ?? {};

/** Opens a page of the tab with the teams-js CDN call answered locally (no network in tests). */
export async function openTab(browser: Browser, url: string): Promise<Page> {
  // A context of its own: axe needs one, and each page starts with no stored state.
  const context = await browser.newContext({
    viewport: { width: 1200, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.route('https://res.cdn.office.net/**', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: '{"validOrigins":[]}' }),
  );
  await page.goto(url);
  await page.waitForSelector('main[aria-busy="false"]');
  return page;
}

async function settle(page: Page): Promise<void> {
  await page.waitForSelector('main[aria-busy="false"]');
}

describe('the dashboard tab in a browser (local mode, real service)', function () {
  this.timeout(120_000);
  let connector: FakeConnector;
  let service: TestService;
  let browser: Browser;
  let bridgefootCard: DeliveredActivity;

  before(async () => {
    await buildTab();
    connector = await new FakeConnector().start();
    connector.teamChannels[TEAM_ID] = [{ id: TEAM_ID }, { id: CHANNEL_ID, name: 'PCN leads' }];
    service = await startTestService();
    await service.post(botAddedToTeam(connector.url));
    await service.post(channelMention(connector.url, 'link U99901'));
    await connector.waitFor(
      () =>
        connector.deliveredTo(CHANNEL_ID).filter((d) => cardOf(d)['type'] === 'AdaptiveCard')
          .length >= 5,
      15_000,
    );
    const card = connector
      .deliveredTo(CHANNEL_ID)
      .find((d) => /Bridgefoot/.test(String(cardOf(d)['body']?.[0]?.['text'])));
    assert.ok(card, 'the practice card is in the channel');
    bridgefootCard = card;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  it('shows the development identity, clearly marked, outside Teams in local mode', async () => {
    const page = await openTab(browser, `${service.url}/tab/`);
    assert.match(await page.locator('#banner').innerText(), /Development identity/);
    assert.equal(await page.locator('h1').innerText(), 'My organisations');
    await page.context().close();
  });

  it('drills down from the region to the ICB, the PCN and a practice', async () => {
    const page = await openTab(browser, `${service.url}/tab/`);
    await page.getByRole('link', { name: 'North East and Yorkshire' }).click();
    await settle(page);
    assert.match(await page.locator('h1').innerText(), /North East and Yorkshire/);
    await page.getByRole('link', { name: 'NHS Demo Dales and Coast ICB' }).click();
    await settle(page);
    assert.match(await page.locator('h1').innerText(), /Demo Dales and Coast ICB/);
    await page.getByRole('link', { name: 'Demo Riverside PCN' }).click();
    await settle(page);
    assert.match(await page.locator('h1').innerText(), /Demo Riverside PCN/);
    const rows = await page.locator('#by-org ~ .pair table tbody th').allInnerTexts();
    assert.deepEqual(
      rows.filter((r) => r.startsWith('Demo') && !r.includes('own actions')),
      ['Demo Bridgefoot Surgery', 'Demo Mill Lane Medical Practice', 'Demo Weirside Health Centre'],
    );
    await page.getByRole('link', { name: 'Demo Bridgefoot Surgery' }).click();
    await settle(page);
    assert.match(await page.locator('h1').innerText(), /Demo Bridgefoot Surgery/);
    const crumbs = await page.locator('.crumbs li').allInnerTexts();
    assert.deepEqual(
      crumbs.map((c) => c.replace('›', '').trim()),
      [
        'My organisations',
        'North East and Yorkshire',
        'Demo Dales and Coast',
        'Demo Riverside PCN',
        'Demo Bridgefoot Surgery',
      ],
    );
    await page.context().close();
  });

  it('updates a status and the card in the channel is redrawn', async () => {
    const page = await openTab(browser, `${service.url}/tab/#/org/X99001`);
    await page.getByRole('link', { name: /PRAC-02/ }).click();
    await settle(page);
    await page.getByRole('radio', { name: 'Done' }).check();
    await page.getByLabel(/Note/).fill('Switched on from the dashboard');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved: PRAC-02 is now Done/).waitFor();
    const history = await page.locator('table').last().innerText();
    assert.match(history, /Not started\s+Done\s+Switched on from the dashboard\s+dashboard/);
    await connector.waitFor(
      () =>
        connector.delivered.some(
          (d) =>
            d.method === 'PUT' &&
            d.activityId === bridgefootCard.activityId &&
            /Switched on from the dashboard/.test(JSON.stringify(d.body)),
        ),
      10_000,
    );
    await page.context().close();
  });

  it('refuses a stale update with the person’s own words, and saves nothing', async () => {
    const page = await openTab(browser, `${service.url}/tab/#/item/demo-qz1/X99001/PRAC-03`);
    // Someone changes it from another window after this one was drawn.
    const other = await openTab(browser, `${service.url}/tab/#/item/demo-qz1/X99001/PRAC-03`);
    await other.getByRole('radio', { name: 'In progress' }).check();
    await other.getByRole('button', { name: 'Save' }).click();
    await other.getByText(/Saved/).waitFor();
    await other.context().close();
    await page.getByRole('radio', { name: 'Blocked' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/another window|since you looked/).waitFor();
    const item = await service.storage.items.getItem({
      campaignId: 'demo-qz1',
      orgCode: 'X99001',
      actionId: 'PRAC-03',
      icbCode: 'QZ1',
    });
    assert.equal(item?.status, 'in_progress');
    await page.context().close();
  });

  it('exports the table on screen as CSV, which reads back with the same figures', async () => {
    await service.counts.flush();
    const page = await openTab(browser, `${service.url}/tab/#/org/U99901`);
    const onScreen = await page.locator('#by-org ~ .pair table tbody tr').allInnerTexts();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#by-org ~ button').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'U99901-organisations.csv');
    const file = await download.path();
    assert.ok(file);
    const rows = parse((await readFile(file, 'utf8')).replace(/^\ufeff/, ''), {
      columns: true,
    }) as Record<string, string>[];
    const bridgefoot = rows.find((r) => r['ODS code'] === 'X99001');
    assert.ok(bridgefoot, JSON.stringify(rows));
    assert.equal(bridgefoot['Organisation'], 'Demo Bridgefoot Surgery');
    assert.equal(bridgefoot['Done'], '1');
    assert.equal(rows.length, onScreen.length);
    const screenRow = onScreen.find((r) => r.startsWith('Demo Bridgefoot Surgery'));
    assert.match(
      screenRow ?? '',
      new RegExp(`${bridgefoot['Finished']} of ${bridgefoot['Actions']}`),
    );
    await page.context().close();
  });

  for (const theme of THEMES)
    it(`has no axe violations (WCAG 2.2 AA) in the ${theme} theme`, async () => {
      const screens = [
        '#/org/Y63',
        '#/org/QZ1',
        '#/org/U99901',
        '#/org/X99001',
        '#/org/QZ1/overdue',
        '#/item/demo-qz1/X99001/PRAC-02',
      ];
      const found: string[] = [];
      for (const screen of screens) {
        const page = await openTab(browser, `${service.url}/tab/?theme=${theme}${screen}`);
        assert.equal(await page.locator('html').getAttribute('data-theme'), theme);
        const result = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
          .analyze();
        found.push(
          ...result.violations.map(
            (v) => `${screen}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`,
          ),
        );
        if (process.env['TAB_PICTURES'] && theme !== 'contrast') {
          const names: Record<string, string> = {
            '#/org/Y63': 'region',
            '#/org/QZ1': 'icb',
            '#/org/U99901': 'pcn',
          };
          const name = names[screen];
          if (name)
            await page.screenshot({
              path: path.join(
                PROJECT_ROOT,
                'docs',
                'tab',
                `${name}-${theme === 'dark' ? 'dark' : 'light'}.png`,
              ),
              fullPage: false,
            });
        }
        await page.context().close();
      }
      assert.deepEqual(found, []);
    });

  it('serves the tab with a CSP that lets only Teams and Office frame it, and hashed files cached for a year', async () => {
    const page = await fetch(`${service.url}/tab/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(
      csp,
      /frame-ancestors https:\/\/teams\.microsoft\.com https:\/\/\*\.teams\.microsoft\.com/,
    );
    assert.doesNotMatch(csp, /frame-ancestors[^;]*('self'|\*(?!\.))/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const script = /assets\/(tab-[\w]+\.js)/.exec(await page.text())?.[1];
    assert.ok(script);
    const asset = await fetch(`${service.url}/tab/assets/${script}`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal((await fetch(`${service.url}/tab/assets/..%2fpackage.json`)).status, 404);
  });
});
