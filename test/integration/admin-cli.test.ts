import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { adminCli } from '../support/admin-cli';
import { setStatus } from '../../src/domain/status/set-status';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { findSharedReference } from '../support/shared-reference';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.join(ROOT, 'data');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'ods');
const USER = 'c0ffee00-1234-4abc-8def-0123456789ab';

describe('the admin CLI (npm run admin), on real Table Storage', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let env: NodeJS.ProcessEnv;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'arb-cli-'));

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    env = {
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      DATA_DIR: tmp,
      LOG_LEVEL: 'silent',
    };
  });
  after(async () => {
    await azurite?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const admin = adminCli(() => env);

  it('lists every command in --help, with the exit codes, and exits 0', async () => {
    const { code, out } = await admin('--help');
    assert.equal(code, 0);
    for (const command of [
      'import-orgs',
      'import-checklist',
      'launch-campaign',
      'grant-role',
      'show-org',
      'export-items',
    ]) {
      assert.match(out, new RegExp(command));
      assert.equal((await admin(command, '--help')).code, 0, `${command} --help`);
    }
    assert.match(out, /Exit codes: 0 done/);
  });

  it('exits 2 with a hint for an unknown command or a missing argument', async () => {
    const unknown = await admin('launch-rocket');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command/);
    assert.equal((await admin('grant-role', USER)).code, 2);
  });

  it('checks an organisations file in a dry run without writing anything', async () => {
    const { code, out } = await admin(
      'import-orgs',
      path.join(DATA, 'demo-organisations.json'),
      '--dry-run',
    );
    assert.equal(code, 0);
    assert.match(out, /Dry run, nothing written: would add \d+/);
    assert.deepEqual(await storage.organisations.listAll(), []);
  });

  it('imports organisations, and a second run of the same file reports 0 changes', async () => {
    const first = await admin('import-orgs', path.join(DATA, 'demo-organisations.json'));
    assert.equal(first.code, 0, first.err);
    const added = Number(/Added (\d+)/.exec(first.out)?.[1]);
    assert.ok(added > 5);
    assert.equal((await storage.organisations.listAll()).length, added);
    const second = await admin('import-orgs', path.join(DATA, 'demo-organisations.json'));
    assert.match(second.out, /Added 0, updated 0, closed 0; \d+ unchanged .*0 changes\)/);
  });

  it('refuses a CSV with a bad row, naming the line, and writes nothing', async () => {
    const file = path.join(tmp, 'bad.csv');
    writeFileSync(
      file,
      'code,name,level,parent_code,open\nY56,London,region,,yes\nQWE,NHS Test ICB,icb,Y56,yes\nU12345,Test PCN,hospital,QWE,yes\n',
    );
    const before = (await storage.organisations.listAll()).length;
    const { code, err } = await admin('import-orgs', file);
    assert.equal(code, 2);
    assert.match(err, /line 4/);
    assert.match(err, /hospital/);
    assert.equal((await storage.organisations.listAll()).length, before);
  });

  it('imports an epraccur export with a sub-ICB lookup and PCN membership', async () => {
    const { code, out, err } = await admin(
      'import-orgs',
      path.join(FIXTURES, 'epraccur-sample.csv'),
      '--format',
      'epraccur',
      '--sub-icb-lookup',
      path.join(FIXTURES, 'sub-icb-lookup-sample.csv'),
      '--pcn-membership',
      path.join(FIXTURES, 'pcn-core-partners-sample.csv'),
      '--as-of',
      '2023-06-01',
    );
    assert.equal(code, 0, err);
    assert.match(out, /epraccur: \d+ GP practices/);
    assert.match(out, /Added [1-9]\d*/);
  });

  it('loads the real December 2019 epraccur file into storage, and a second run reports 0 changes', async () => {
    const file = findSharedReference('reference', 'ods', 'epraccur-2019-12.csv');
    const first = await admin('import-orgs', file);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /8,204 GP practices \(6,830 open, 1,374 closed\)/);
    assert.match(
      first.out,
      /High Level Health Geography/i,
      'says it fell back to the file’s own geography',
    );
    const practices = (await storage.organisations.listAll()).filter(
      (o) => o.level === 'practice' && /^[A-Z]\d{5}$/.test(o.code) && !o.code.startsWith('X99'),
    );
    assert.equal(practices.filter((p) => p.open).length, 6_830);
    const second = await admin('import-orgs', file);
    assert.match(second.out, /Added 0, updated 0, closed 0; .* 0 changes\)/);
  });

  it('loads the 2023 checklist once, then reports it unchanged', async () => {
    const first = await admin('import-checklist', path.join(DATA, 'checklist-2023.json'));
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /Loaded recovering-access-2023 version 1: 41 actions/);
    assert.match(
      (await admin('import-checklist', path.join(DATA, 'checklist-2023.json'))).out,
      /Already loaded, unchanged/,
    );
  });

  it('launches a campaign for an ICB with deadlines from today, and a relaunch creates nothing', async () => {
    // A PCN channel linked before the launch gets the new campaign's cards through the outbox.
    const pcn = (await storage.organisations.listChildren('QZ1')).find((o) => o.level === 'pcn');
    assert.ok(pcn, 'the ICB has a PCN');
    await storage.links.saveLink({
      orgCode: pcn.code,
      purpose: 'checklist',
      teamId: '19:cli-team@thread.tacv2',
      channelId: '19:cli-channel@thread.tacv2',
      linkedBy: USER,
      linkedAt: new Date().toISOString(),
      active: true,
    });
    const first = await admin(
      'launch-campaign',
      'recovering-access-2023',
      '--scope',
      'QZ1',
      '--due-offset',
      '14',
      '--id',
      'cli-test',
    );
    assert.equal(first.code, 0, first.err);
    const planned = Number(/: ([\d,]+) tracked items/.exec(first.out)?.[1]?.replace(/,/g, ''));
    assert.ok(planned > 40);
    assert.match(first.out, new RegExp(`${planned} created now`));
    assert.match(first.out, /Queued [1-9]\d* new cards and 0 redraws for 1 linked channel/);
    const queued = await storage.outbox.listEntries('cards:cli-test');
    assert.ok(queued.length > 0 && queued.every((e) => e.target.kind === 'channel'));
    const again = await admin(
      'launch-campaign',
      'recovering-access-2023',
      '--scope',
      'QZ1',
      '--due-offset',
      '14',
      '--id',
      'cli-test',
    );
    assert.match(again.out, / 0 created now/);
  });

  it("sets one ICB's deadline for an action and refuses a malformed date with exit 2", async () => {
    const dry = await admin(
      'set-deadline',
      'cli-test',
      'PRAC-01',
      '2027-03-31',
      '--icb',
      'QZ1',
      '--dry-run',
    );
    assert.match(dry.out, /Dry run, nothing written: .* [1-9]\d* items would move/);
    assert.equal(
      (await storage.campaigns.getCampaign('cli-test'))?.icbOverrides['QZ1'],
      undefined,
      'the dry run wrote nothing',
    );
    const ok = await admin('set-deadline', 'cli-test', 'PRAC-01', '2027-03-31', '--icb', 'QZ1');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /PRAC-01 deadline set to 31 Mar 2027 for QZ1; [1-9]\d* items updated/);
    assert.equal((await admin('set-deadline', 'cli-test', 'PRAC-01', 'next week')).code, 2);
  });

  it('recounts the organisations whose changes were not counted yet (recount)', async () => {
    // A change with no projector running, as if the service died right after the press.
    const [item] = await storage.items.listItemsForIcb('cli-test', 'QZ1');
    assert.ok(item);
    const recounter = 'c0ffee00-1234-4abc-8def-0123456789ac';
    await storage.roles.saveGrant({
      userId: recounter,
      role: 'administrator',
      orgCode: 'ENGLAND',
      grantedBy: 'test',
      grantedAt: new Date().toISOString(),
    });
    await setStatus(
      { ...storage, now: () => new Date() },
      {
        campaignId: 'cli-test',
        orgCode: item.orgCode,
        actionId: item.actionId,
        status: item.status === 'done' ? 'in_progress' : 'done',
        surface: 'cli',
        actor: { userId: recounter },
      },
    );
    const first = await admin('recount');
    assert.equal(first.code, 0);
    assert.match(first.out, /Recounted 1 organisation whose changes were not counted yet/);
    const counts = await storage.items.listCountsForGroup('cli-test', 'QZ1');
    const items = await storage.items.listItemsForOrg('cli-test', 'QZ1', item.orgCode);
    const mine = counts.find((c) => c.orgCode === item.orgCode);
    assert.equal(mine?.byStatus.done, items.filter((i) => i.status === 'done').length);
    assert.match((await admin('recount')).out, /All counts were up to date/);
  });

  it('exits 3 for an unknown scope and 2 for a non-numeric offset', async () => {
    assert.equal(
      (await admin('launch-campaign', 'recovering-access-2023', '--scope', 'QQQ')).code,
      3,
    );
    assert.equal(
      (
        await admin(
          'launch-campaign',
          'recovering-access-2023',
          '--scope',
          'QZ1',
          '--due-offset',
          'soon',
        )
      ).code,
      2,
    );
  });

  it('grants a role, refusing bad roles (2) and unknown organisations (3)', async () => {
    const ok = await admin('grant-role', USER, 'pcn_lead', 'U99901');
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(
      (await storage.roles.listRolesOfUser(USER)).map((g) => g.role),
      ['pcn_lead'],
    );
    assert.equal((await admin('grant-role', USER, 'emperor', 'U99901')).code, 2);
    assert.equal((await admin('grant-role', USER, 'pcn_lead', 'U00000')).code, 3);
    const dry = await admin('grant-role', USER, 'icb_lead', 'QZ1', '--dry-run');
    assert.match(dry.out, /Dry run: would grant ICB lead/);
    assert.equal((await storage.roles.listRolesOfUser(USER)).length, 1);
  });

  it('grants and revokes by e-mail, as a team roster lists the person', async () => {
    const person = 'c0ffee00-dddd-4abc-8def-0123456789ab';
    await storage.rosters.savePeople([
      {
        userAadObjectId: person,
        teamsUserId: '29:dana',
        name: 'Dana Lee',
        email: 'dana.lee@nhs.example',
        tenantId: 't',
        teamIds: ['19:t@thread.tacv2'],
        updatedAt: new Date().toISOString(),
      },
    ]);
    const ok = await admin('grant-role', 'Dana.Lee@nhs.example', 'practice_staff', 'X99001');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, new RegExp(`Granted Practice staff over X99001 to ${person}`));
    const gone = await admin('revoke-role', 'dana.lee@nhs.example', 'practice_staff', 'X99001');
    assert.equal(gone.code, 0, gone.err);
    assert.deepEqual(await storage.roles.listRolesOfUser(person), []);
    assert.equal((await admin('grant-role', 'nobody@nhs.example', 'pcn_lead', 'U99901')).code, 3);
  });

  it('records who granted and revoked what, when, and shows it with roles <ODS code>', async () => {
    const person = 'c0ffee00-dddd-4abc-8def-0123456789ab'; // Dana Lee, in a roster (above)
    assert.equal(
      (await admin('grant-role', person, 'practice_staff', 'X99001', '--by', 'Alex Smith')).code,
      0,
    );
    const shown = await admin('roles', 'x99001');
    assert.equal(shown.code, 0, shown.err);
    assert.match(
      shown.out,
      /Practice staff: Dana Lee \(dana\.lee@nhs\.example\), granted by Alex Smith \(admin CLI\) on \d+ \w+ 20\d\d/,
    );
    // Newest first: this grant, the revocation and the grant of the test above (by the CLI).
    const changes = shown.out.split('Recent changes, newest first:')[1] ?? '';
    assert.match(
      changes,
      /: Alex Smith \(admin CLI\) granted Practice staff to Dana Lee\n.*: the admin CLI revoked Practice staff from Dana Lee\n.*: the admin CLI granted Practice staff to Dana Lee$/,
    );
    const history = await admin('roles', 'X99001', '--history');
    assert.equal(history.code, 0, history.err);
    assert.match(history.out, /revoked Practice staff from Dana Lee/);
  });

  it('shows an organisation with its roles and campaign progress', async () => {
    const { code, out } = await admin('show-org', 'U99901');
    assert.equal(code, 0);
    assert.match(out, /Demo Riverside PCN \(U99901\) — PCN/);
    assert.match(out, /Roles: pcn_lead c0ffee00/);
    assert.match(out, /cli-test, running\]: 0% complete/);
  });

  it('shows delivery health per job and queues only failed entries again with --retry-failed', async () => {
    const now = new Date();
    await storage.outbox.enqueue(
      {
        jobId: 'cli-job',
        dedupeKey: 'a',
        kind: 'send',
        target: { kind: 'groupChat', conversationId: '19:x' },
        payload: { text: 'a' },
      },
      { now },
    );
    await storage.outbox.enqueue(
      {
        jobId: 'cli-job',
        dedupeKey: 'b',
        kind: 'send',
        target: { kind: 'groupChat', conversationId: '19:y' },
        payload: { text: 'b' },
      },
      { now, failure: { reason: 'conversation_not_found', status: 404 } },
    );
    await storage.outbox.enqueue(
      {
        jobId: 'cli-job',
        dedupeKey: 'c',
        kind: 'send',
        target: { kind: 'groupChat', conversationId: '19:z' },
      },
      { now, failure: { reason: 'payload_too_large' } },
    );
    const shown = await admin('delivery', 'cli-job');
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /cli-job: 0 sent, 1 waiting, 2 failed/);
    assert.match(shown.out, /1 × The message is over the 40 KB size budget/);
    assert.match(shown.out, /1 × Teams says the conversation no longer exists/);
    assert.equal((await admin('delivery', '--retry-failed')).code, 2);
    const retried = await admin('delivery', 'cli-job', '--retry-failed');
    assert.match(
      retried.out,
      /Queued 1 failed message of cli-job again/,
      'not the one too big to send',
    );
    assert.equal((await storage.outbox.getEntry('cli-job', 'b'))?.state, 'pending');
    assert.equal((await storage.outbox.getEntry('cli-job', 'c'))?.state, 'failed');
    assert.equal(
      (await storage.outbox.getEntry('cli-job', 'a'))?.state,
      'pending',
      'the waiting one is untouched',
    );
  });

  it('exports a campaign to CSV, one row per item, with formula-like notes made safe', async () => {
    const practice = (await storage.organisations.listChildren('U99901'))[0]?.code ?? '';
    await setStatus(
      { ...storage, now: () => new Date() },
      {
        campaignId: 'cli-test',
        orgCode: practice,
        actionId: 'PRAC-01',
        status: 'done',
        note: '=HYPERLINK("x")',
        surface: 'cli',
        actor: { userId: USER },
      },
    );
    const file = path.join(tmp, 'items.csv');
    const { code, out } = await admin('export-items', 'cli-test', '--csv', file);
    assert.equal(code, 0);
    const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, Number(/Wrote (\d+)/.exec(out)?.[1]));
    const done = rows.find((r) => r['ods_code'] === practice && r['action_id'] === 'PRAC-01');
    assert.equal(done?.['status'], 'Done');
    assert.equal(done?.['note'], `'=HYPERLINK("x")`);
  });
});
