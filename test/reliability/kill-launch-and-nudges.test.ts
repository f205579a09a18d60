import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { odata } from '@azure/data-tables';
import { ServiceProcess } from '../../bench/service-process';
import { launchCampaign, planItems } from '../../src/domain/campaigns/launch-campaign';
import { createCampaign } from '../../src/domain/campaigns/create-campaign';
import { countItems, isSameCounts } from '../../src/domain/items/org-counts';
import { nudgeJobId, runNudges } from '../../src/domain/nudges/run-nudges';
import type { Role } from '../../src/domain/access/roles';
import type { OutboxRequest, OutboxStore } from '../../src/domain/outbox/outbox';
import { NO_BANK_HOLIDAYS, workingDayOnOrBefore } from '../../src/domain/shared/uk-calendar';
import { addDays, todayInLondon } from '../../src/domain/shared/uk-dates';
import { renderCard } from '../../src/cards/render-card';
import { applyOrgImport } from '../../src/importers/apply-org-import';
import { generateEngland } from '../../src/importers/generate-england';
import { parseChecklist } from '../../src/importers/parse-checklist';
import { createLogger } from '../../src/logging/create-logger';
import { createCardComposer } from '../../src/proactive/compose-card-message';
import { createTableClient } from '../../src/storage/create-table-client';
import { ITEMS_TABLE } from '../../src/storage/item-table';
import { ORG_COUNTS_TABLE } from '../../src/storage/org-counts-table';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { readRows } from '../../src/storage/read-rows';
import { runWithLimit } from '../../src/storage/run-batches';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { removeDataDir } from '../support/start-test-service';

const ROOT = path.resolve(__dirname, '../..');
const CHECKLIST = parseChecklist(
  readFileSync(path.join(ROOT, 'data', 'checklist-2023.json'), 'utf8'),
);
const TENANT = '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f';
const SECRET = 'a-long-enough-secret-for-the-job-trigger-0123';
// The service from source (no build step), as `npm start` runs it.
const SOURCE_ARGS = ['--disable-warning=DEP0111', '--import', 'tsx', 'src/main.ts'];
const say = (line: string) => process.stderr.write(`      ${line}\n`);

/** Azurite, the shipped checklist and a synthetic England, imported. */
async function setUp(sizes: { pcns: number; practices: number }) {
  const azurite = await startAzurite({ logger: createLogger('silent') });
  const storage = await openStorage(azurite.connectionString);
  await storage.checklists.saveChecklist(CHECKLIST);
  const orgs = generateEngland(sizes);
  await applyOrgImport(storage.organisations, orgs);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'arb-kill-'));
  return { azurite, storage, orgs, dataDir };
}

describe('kill -9 of the admin CLI during a campaign launch (real Azurite)', function () {
  this.timeout(180_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let dataDir: string;

  before(async () => {
    // About 20,000 items: a launch of a few seconds on a busy machine.
    ({ azurite, storage, dataDir } = await setUp({ pcns: 300, practices: 1500 }));
  });
  after(async () => {
    await azurite?.stop();
    if (dataDir) removeDataDir(dataDir);
  });

  /** `npm run admin -- launch-campaign …` as its own process; `onErr` sees each stderr line. */
  function launch(onErr: (line: string, kill: () => void) => void = () => {}) {
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=DEP0111',
        '--import',
        'tsx',
        'scripts/admin.ts',
        'launch-campaign',
        CHECKLIST.id,
        '--scope',
        'ENGLAND',
        '--id',
        'kill-launch',
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '',
          STORAGE_CONNECTION_STRING: azurite.connectionString,
          DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (err + chunk.toString()).split('\n');
      err = lines.pop() ?? '';
      for (const line of lines) onErr(line, () => child.kill('SIGKILL'));
    });
    return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, out })),
    );
  }

  async function countItemRows(): Promise<number> {
    const table = createTableClient(azurite.connectionString, ITEMS_TABLE);
    const rows = await readRows(table, odata`RowKey ge ${'item|'} and RowKey lt ${'item|~'}`, [
      'RowKey',
    ]);
    return rows.length;
  }

  it('loses no item and counts each organisation exactly when the launch is run again', async () => {
    let progressAtKill = '';
    // Killed once the progress report passes a third of the items (it reports each tenth).
    const killed = await launch((line, kill) => {
      const share = /^Creating tracked items: .* \((\d+)%\)$/.exec(line)?.[1];
      if (!progressAtKill && share && Number(share) >= 30) {
        progressAtKill = line;
        kill();
      }
    });
    assert.equal(killed.signal, 'SIGKILL', `the launch ended before it was killed: ${killed.out}`);
    const atKill = await countItemRows();

    const rerun = await launch();
    assert.equal(rerun.code, 0, rerun.out);

    const campaign = await storage.campaigns.getCampaign('kill-launch');
    assert.ok(campaign, 'the campaign was created');
    assert.equal(campaign.status, 'running');
    const planned = planItems(campaign, CHECKLIST, await storage.organisations.listAll());
    const after = await countItemRows();
    const createdNow = Number(/, ([\d,]+) created now\./.exec(rerun.out)?.[1]?.replace(/,/g, ''));
    say(
      `killed at "${progressAtKill}" with ${atKill} items stored; after the rerun ${after} items (planned ${planned.length}; the rerun created ${createdNow})`,
    );
    assert.ok(atKill > 0 && atKill < planned.length, `${atKill} items at the kill`);
    // Items are keyed (organisation, action), so a count equal to the plan means none is
    // missing and none is there twice.
    assert.equal(after, planned.length);
    assert.equal(createdNow, planned.length - atKill, 'the rerun created exactly the missing ones');

    // Every organisation's counts row says what a recount of its items says.
    const groups = [...new Set(planned.map((i) => i.icbCode))];
    let organisations = 0;
    const wrong: string[] = [];
    await runWithLimit(groups, 8, async (group) => {
      const recount = countItems(await storage.items.listItemsForIcb(campaign.id, group));
      const stored = new Map(
        (await storage.items.listCountsForGroup(campaign.id, group)).map((c) => [c.orgCode, c]),
      );
      for (const [orgCode, counts] of recount) {
        organisations += 1;
        const was = stored.get(orgCode);
        if (!was || !isSameCounts(was, counts)) wrong.push(`${group}/${orgCode}`);
      }
      if (stored.size !== recount.size) wrong.push(`${group}: ${stored.size} counts rows`);
    });
    say(`${organisations} organisations' counts checked against a recount of their items`);
    assert.deepEqual(wrong, [], 'counts that differ from a recount');
    // Every organisation in scope with actions at its level has its counts row.
    assert.equal(organisations, new Set(planned.map((i) => i.orgCode)).size);
  });

  it("writes the counts on the rerun of a launch killed after a group's items but before its counts", async () => {
    // The kill above lands there by chance; this makes that moment certain. A group's items are
    // written, then its counts rows (upserts, after the items): the counts are taken away.
    const now = () => new Date();
    const icb = (await storage.organisations.listAll()).find((o) => o.level === 'icb');
    assert.ok(icb);
    await createCampaign(
      { ...storage, now },
      { checklistId: CHECKLIST.id, scopeCode: icb.code, id: 'kill-counts' },
    );
    const first = await launchCampaign({ ...storage, now }, 'kill-counts');
    // The counts projection lives in its own table (one partition per campaign and region).
    const table = createTableClient(azurite.connectionString, ORG_COUNTS_TABLE);
    const counts = await readRows(
      table,
      odata`PartitionKey ge ${'kill-counts|'} and PartitionKey lt ${'kill-counts|~'} and RowKey ge ${'counts|'} and RowKey lt ${'counts|~'}`,
      ['PartitionKey', 'RowKey'],
    );
    assert.ok(counts.length > 0);
    for (const row of counts) await table.deleteEntity(row.partitionKey ?? '', row.rowKey ?? '');

    const again = await launchCampaign({ ...storage, now }, 'kill-counts');
    assert.equal(again.created, 0);
    const recount = countItems(await storage.items.listItemsForIcb('kill-counts', icb.code));
    const stored = await storage.items.listCountsForGroup('kill-counts', icb.code);
    assert.equal(
      stored.length,
      recount.size,
      `${first.planned} items, one counts row per organisation`,
    );
    for (const c of stored) {
      const expected = recount.get(c.orgCode);
      assert.ok(expected && isSameCounts(c, expected), `counts of ${c.orgCode}`);
    }
  });
});

describe('kill -9 of the service during a nudge run (its own process, real Azurite)', function () {
  this.timeout(180_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let dataDir: string;
  let env: Record<string, string>;
  // Services still running (a failed test leaves them behind): each is ended once only.
  const running = new Set<ServiceProcess>();
  const CAMPAIGN = 'kill-nudges';

  before(async () => {
    let orgs;
    ({ azurite, storage, orgs, dataDir } = await setUp({ pcns: 300, practices: 1500 }));
    env = {
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info', // the "service listening" line tells ServiceProcess it is up
      SCHEDULER_ENABLED: 'false',
      JOBS_SECRET: SECRET,
      // The tenant of people's 1:1 chats when no linked channel says.
      ALLOWED_TENANT_IDS: TENANT,
    };
    // A campaign over North East and Yorkshire (4 ICBs): half its actions due in a week (today is the
    // 7-day reminder), half three weeks overdue (a weekly reminder, and the ICB leads hear).
    const today = todayInLondon(new Date());
    const deadlines = Object.fromEntries(
      CHECKLIST.actions.map((a, i) => [a.id, addDays(today, i % 2 === 0 ? 7 : -21)]),
    );
    const now = () => new Date();
    await createCampaign(
      { ...storage, now },
      { checklistId: CHECKLIST.id, scopeCode: 'Y63', id: CAMPAIGN, deadlines },
    );
    await launchCampaign({ ...storage, now }, CAMPAIGN);
    // Two members of staff for each practice, a lead for each PCN and ICB.
    const grants = orgs
      .filter((o) => o.open && (o.regionCode === 'Y63' || o.code === 'Y63'))
      .flatMap((o, i): { userId: string; role: Role; orgCode: string }[] =>
        o.level === 'practice'
          ? [
              { userId: userId(2 * i), role: 'practice_staff' as Role, orgCode: o.code },
              { userId: userId(2 * i + 1), role: 'practice_staff' as Role, orgCode: o.code },
            ]
          : o.level === 'pcn'
            ? [{ userId: userId(2 * i), role: 'pcn_lead' as Role, orgCode: o.code }]
            : o.level === 'icb'
              ? [{ userId: userId(2 * i), role: 'icb_lead' as Role, orgCode: o.code }]
              : [],
      );
    await runWithLimit(grants, 16, (g) =>
      storage.roles.saveGrant({ ...g, grantedBy: 'test', grantedAt: now().toISOString() }),
    );
  });
  after(async () => {
    for (const service of running) await service.kill().catch(() => undefined);
    await azurite?.stop();
    if (dataDir) removeDataDir(dataDir);
  });

  function userId(n: number): string {
    return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  }

  async function trigger(service: ServiceProcess, wait: number) {
    const res = await fetch(`${service.url}/api/jobs/nudges?force=true&wait=${wait}`, {
      method: 'POST',
      headers: { 'x-jobs-secret': SECRET },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** The dedupe keys a clean run queues for `date`: the run itself, its outbox only recorded. */
  async function plannedKeys(date: string): Promise<string[]> {
    const keys: string[] = [];
    const recorder: Pick<OutboxStore, 'enqueue' | 'enqueueMany'> = {
      enqueue: async (request: OutboxRequest) => {
        keys.push(request.dedupeKey);
        return 'enqueued';
      },
      enqueueMany: async (requests: readonly OutboxRequest[]) => {
        keys.push(...requests.map((r) => r.dedupeKey));
        return requests.map(() => 'enqueued' as const);
      },
    };
    await runNudges(
      {
        ...storage,
        outbox: recorder as OutboxStore,
        composer: createCardComposer(renderCard),
        now: () => new Date(),
        defaultTenantId: TENANT,
      },
      { date, previousRun: workingDayOnOrBefore(addDays(date, -1), NO_BANK_HOLIDAYS) },
    );
    return keys.sort();
  }

  it('queues every reminder once when the run killed half-way is run again', async () => {
    const date = todayInLondon(new Date());
    const jobId = nudgeJobId(date);
    const keysInOutbox = async () =>
      (await storage.outbox.listEntries(jobId)).map((e) => e.dedupeKey).sort();
    const expected = await plannedKeys(date);
    assert.ok(expected.length > 200, `${expected.length} reminders planned`);

    const first = new ServiceProcess(env, SOURCE_ARGS);
    running.add(first);
    await first.start();
    // Killed as soon as the run says its first batch is queued: batches go to storage one by one,
    // so the run is certainly half-way (what is composed next is lost with the process).
    const firstBatch = first.waitForLog((line) => line['msg'] === 'nudges: queued so far', 60_000);
    const started = await trigger(first, 0);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await firstBatch;
    running.delete(first);
    await first.kill();
    const atKill = await keysInOutbox();

    const second = new ServiceProcess(env, SOURCE_ARGS);
    running.add(second);
    await second.start();
    const rerun = await trigger(second, 120);
    running.delete(second);
    await second.stop();
    assert.equal(rerun.status, 200, JSON.stringify(rerun.body));
    const run = rerun.body['run'] as { status: string; summary: Record<string, number | string> };
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.equal(run.summary['date'], date, 'both runs were on the same UK day');
    const after = await keysInOutbox();
    say(
      `${expected.length} reminders planned; ${atKill.length} queued at the kill; after the rerun ${after.length} (the rerun queued ${run.summary['nudgesQueued']}, found ${run.summary['alreadyQueued']} already queued)`,
    );
    assert.ok(
      atKill.length > 0 && atKill.length < expected.length,
      `${atKill.length} queued at the kill`,
    );
    assert.deepEqual(after, expected, 'the reminders of a clean run, no more and no fewer');
    assert.equal(run.summary['alreadyQueued'], atKill.length);
    assert.equal(Number(run.summary['nudgesQueued']) + atKill.length, expected.length);
    // One reminder a person an organisation: the key is (campaign, day, person, organisation).
    const perPersonOrg = after.map((k) => k.split('|').slice(3).join('|'));
    assert.equal(
      new Set(perPersonOrg).size,
      after.length,
      'no person got two for one organisation',
    );
  });
});
