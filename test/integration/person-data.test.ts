import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminCli } from '../support/admin-cli';
import { grantRole } from '../../src/domain/access/manage-roles';
import { createCampaign } from '../../src/domain/campaigns/create-campaign';
import { launchCampaign } from '../../src/domain/campaigns/launch-campaign';
import type { PersonExport } from '../../src/domain/retention/erase-person';
import { setStatus } from '../../src/domain/status/set-status';
import { drainPendingCounts } from '../../src/domain/items/project-counts';
import { createLogger } from '../../src/logging/create-logger';
import { createTableClient } from '../../src/storage/create-table-client';
import { openStorage, TABLES, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { SAMPLE_CHECKLIST, SAMPLE_ORGS } from '../support/sample-hierarchy';

const PERSON = 'c0ffee00-aaaa-4abc-8def-0123456789ab';
const NAME = 'Priya Shah';
const OTHER = 'c0ffee00-bbbb-4abc-8def-0123456789ab';
const TENANT = '11111111-2222-4333-8444-555555555555';
const operator = { kind: 'operator', name: 'test' } as const;

describe('export-person and erase-person (npm run admin), on real Table Storage', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let env: NodeJS.ProcessEnv;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'arb-person-'));
  let campaignId: string;
  const now = () => new Date('2026-11-25T09:00:00Z');
  const deps = () => ({ ...storage, now });

  const admin = adminCli(() => env);

  /** Every row of every table the service has, as text, with the table it is in. */
  async function dumpAllTables(): Promise<{ table: string; text: string }[]> {
    const rows: { table: string; text: string }[] = [];
    for (const table of TABLES) {
      const client = createTableClient(azurite.connectionString, table);
      for await (const row of client.listEntities()) {
        const { etag: _etag, timestamp: _timestamp, ...fields } = row as Record<string, unknown>;
        rows.push({ table, text: JSON.stringify(fields) });
      }
    }
    return rows;
  }
  const mentioningPerson = (rows: { text: string }[]) =>
    rows.filter((r) => r.text.toLowerCase().includes(PERSON) || r.text.includes(NAME));

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    env = {
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      DATA_DIR: tmp,
      LOG_LEVEL: 'silent',
    };
    await storage.organisations.saveOrganisations(SAMPLE_ORGS);
    await storage.checklists.saveChecklist(SAMPLE_CHECKLIST);
    // Their roles, and a role they gave someone else.
    await grantRole(deps(), operator, { userId: PERSON, role: 'pcn_lead', orgCode: 'U10001' });
    await grantRole(deps(), operator, {
      userId: PERSON,
      role: 'practice_staff',
      orgCode: 'B81001',
    });
    await storage.roles.saveGrant(
      {
        userId: OTHER,
        role: 'practice_staff',
        orgCode: 'B81001',
        grantedBy: PERSON,
        grantedByName: NAME,
        grantedAt: now().toISOString(),
      },
      // The record of that grant (made in Teams, with their name), kept twice like every change.
      {
        action: 'granted',
        userId: OTHER,
        userName: 'Sam Jones',
        role: 'practice_staff',
        orgCode: 'B81001',
        by: PERSON,
        byName: NAME,
        at: now().toISOString(),
      },
    );
    // Their 1:1 chat (upper case, as people paste ids) and reminder choices.
    await storage.conversations.saveConversation({
      kind: 'personal',
      userAadObjectId: PERSON.toUpperCase(),
      userName: NAME,
      address: {
        serviceUrl: 'https://smba.example',
        tenantId: TENANT,
        botId: 'bot',
        conversationId: 'a:1',
      },
      active: true,
      lastEvent: 'installationUpdate',
      updatedAt: now().toISOString(),
    });
    // Their place in a team roster: ids, name and e-mail (the team row holds nothing of theirs).
    await storage.rosters.savePeople([
      {
        userAadObjectId: PERSON,
        teamsUserId: '29:priya',
        name: NAME,
        email: 'priya.shah@nhs.example',
        tenantId: TENANT,
        teamIds: ['19:team@thread.tacv2'],
        updatedAt: now().toISOString(),
      },
    ]);
    await storage.rosters.saveTeam({
      teamId: '19:team@thread.tacv2',
      serviceUrl: 'https://smba.example',
      tenantId: TENANT,
    });
    await storage.preferences.setNonUrgentOff(PERSON, true, now().toISOString());
    await storage.preferences.snooze(PERSON, 'x|B81001|PRAC-01', '2026-12-01', now().toISOString());
    // Changes they made, and a colleague's note that names them.
    campaignId = (await createCampaign(deps(), { checklistId: 'sample', scopeCode: 'QZ1' }))
      .campaign.id;
    await launchCampaign(deps(), campaignId);
    const change = { campaignId, orgCode: 'B81001', surface: 'chat' as const };
    await setStatus(deps(), {
      ...change,
      actionId: 'PRAC-01',
      status: 'in_progress',
      actor: { userId: PERSON, name: NAME },
    });
    await setStatus(deps(), {
      ...change,
      actionId: 'PRAC-01',
      status: 'blocked',
      note: 'Waiting for the supplier',
      actor: { userId: PERSON, name: NAME },
    });
    await setStatus(deps(), {
      ...change,
      actionId: 'PRAC-02',
      status: 'done',
      note: `Checked with ${NAME} on Monday`,
      actor: { userId: OTHER, name: 'Sam Jones' },
    });
    // The counts projection, as the service runs it a few seconds later: the blocked row.
    await drainPendingCounts(storage);
    // A reminder sent to them (its key holds their id; the card their name), one still waiting.
    for (const [date, sent] of [
      ['2026-11-24', true],
      ['2026-11-25', false],
    ] as const) {
      const dedupeKey = `nudge|${campaignId}|${date}|${PERSON}|B81001`;
      await storage.outbox.enqueue(
        {
          jobId: `nudges:${date}`,
          dedupeKey,
          kind: 'send',
          target: { kind: 'personal', tenantId: TENANT, userAadObjectId: PERSON },
          payload: { text: `Good morning ${NAME}, 1 action is due.` },
        },
        { now: now() },
      );
      if (!sent) continue;
      const entry = await storage.outbox.getEntry(`nudges:${date}`, dedupeKey);
      const claimed = await storage.outbox.claim(entry!, 'test', now(), 60_000);
      await storage.outbox.markSent(claimed!, { activityId: 'm1' }, now());
    }
    // A channel they linked.
    await storage.links.saveLink({
      orgCode: 'U10001',
      purpose: 'checklist',
      teamId: '19:team@thread.tacv2',
      channelId: '19:channel@thread.tacv2',
      linkedBy: PERSON,
      linkedAt: now().toISOString(),
      active: true,
    });
  });
  after(async () => {
    await azurite?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('exports everything stored about a person as JSON', async () => {
    const { code, out, err } = await admin('export-person', PERSON.toUpperCase());
    assert.equal(code, 0, err);
    const found = JSON.parse(out) as PersonExport;
    assert.equal(found.entraObjectId, PERSON);
    assert.deepEqual(found.names, [NAME]);
    assert.deepEqual(
      {
        roles: found.counts['roles'],
        conversations: found.counts['conversations'],
        preferences: found.counts['preferences'],
        outbox: found.counts['outbox'],
        links: found.counts['links'],
        rosters: found.counts['rosters'],
      },
      // Two grants of theirs, two index rows and two change records each; and the grant they
      // gave, its two rows and its two change records.
      { roles: 12, conversations: 1, preferences: 2, outbox: 3, links: 2, rosters: 1 },
    );
    const items = found.records['items']!.map((r) => r.fields);
    assert.equal(
      items.filter((f) => f['by'] === PERSON).length,
      2,
      'both status changes they made',
    );
    assert.ok(items.some((f) => f['updatedBy'] === PERSON && f['status'] === 'blocked'));
    assert.ok(
      found.records['orgCounts']!.some(
        (r) => r.fields['byName'] === NAME && r.fields['blocked'] === true,
      ),
      'the blocked row',
    );
    assert.ok(
      items.some((f) => String(f['note']).includes(NAME)),
      "a colleague's note naming them",
    );
    const outbox = found.records['outbox']!.map((r) => r.fields);
    assert.ok(
      outbox.some((f) => (f['target'] as { userAadObjectId?: string }).userAadObjectId === PERSON),
    );

    // Everything in storage that mentions them is in the export, and nothing else.
    const total = Object.values(found.counts).reduce((a, b) => a + b, 0);
    assert.equal(total, mentioningPerson(await dumpAllTables()).length);
  });

  it('writes nothing in a dry run of erase-person', async () => {
    const before = await dumpAllTables();
    const { code, out, err } = await admin('erase-person', PERSON, '--dry-run');
    assert.equal(code, 0, err);
    assert.match(out, /Dry run, nothing written: would erase/);
    // Deleted: their grants' rows and the records in their own partition; anonymised: the
    // organisation's records of their grants, and the rows and records of the grant they gave.
    assert.match(out, /roles: 6 deleted, 6 anonymised/);
    assert.deepEqual(await dumpAllTables(), before);
  });

  it('erases the person from every table, keeping history and its counts', async () => {
    const countKinds = async () => {
      const rows = await dumpAllTables();
      return {
        events: rows.filter((r) => r.table === 'Items' && r.text.includes('"rowKey":"event|'))
          .length,
        items: rows.filter((r) => r.table === 'Items' && r.text.includes('"rowKey":"item|')).length,
        outbox: rows.filter((r) => r.table === 'Outbox' && r.text.includes('"rowKey":"e|')).length,
        links: rows.filter((r) => r.table === 'Links').length,
      };
    };
    const before = await countKinds();
    const { code, out, err } = await admin('erase-person', PERSON);
    assert.equal(code, 0, err);
    assert.match(out, /^Erased c0ffee00-aaaa/);

    assert.deepEqual(mentioningPerson(await dumpAllTables()), [], 'no trace of the id or the name');
    assert.deepEqual(await countKinds(), before, 'history keeps its counts');
    const events = await storage.items.listEvents({
      campaignId,
      orgCode: 'B81001',
      actionId: 'PRAC-01',
      icbCode: 'QZ1',
    });
    assert.deepEqual(
      events.map((e) => [e.to, e.by, e.byName]),
      [
        ['in_progress', 'Erased person', 'Erased person'],
        ['blocked', 'Erased person', 'Erased person'],
      ],
    );
    const note = await storage.items.getItem({
      campaignId,
      orgCode: 'B81001',
      actionId: 'PRAC-02',
      icbCode: 'QZ1',
    });
    assert.equal(note?.note, 'Checked with Erased person on Monday');
    assert.deepEqual(await storage.roles.listRolesOfUser(PERSON), [], 'their roles are gone');
    assert.deepEqual(
      (await storage.roles.listRolesOfUser(OTHER)).map((g) => [g.role, g.grantedBy]),
      [['practice_staff', 'Erased person']],
      'a role they gave stays, without their name',
    );
    assert.deepEqual(
      (await storage.roles.listRoleChanges('B81001', 10))
        .map((c) => [c.action, c.userId, c.userName, c.by, c.byName])
        .sort((a, b) => String(a[3]).localeCompare(String(b[3]))),
      [
        ['granted', OTHER, 'Sam Jones', 'Erased person', 'Erased person'],
        ['granted', 'Erased person', undefined, 'operator:test', 'test'],
      ],
      'the records of changes stay, without their id or name',
    );
    assert.equal(await storage.conversations.findPersonal(TENANT, PERSON), undefined);
    assert.equal(await storage.rosters.getPerson(PERSON), undefined, 'their roster row is gone');
    assert.equal((await storage.rosters.listTeams()).length, 1, 'the team stays');
    assert.deepEqual(await storage.preferences.getNudgePreferences(PERSON), {
      nonUrgentOff: false,
      snoozedUntil: {},
    });
    assert.equal(
      (
        await storage.items.listEvents({
          campaignId,
          orgCode: 'B81001',
          actionId: 'PRAC-02',
          icbCode: 'QZ1',
        })
      )[0]?.byName,
      'Sam Jones',
    );

    const again = await admin('erase-person', PERSON);
    assert.equal(again.code, 0);
    assert.match(again.out, /Nothing is stored about c0ffee00-aaaa/);
  });

  it('exits 2 for something that is not an Entra object id', async () => {
    for (const command of ['export-person', 'erase-person']) {
      const { code, err } = await admin(command, 'priya.shah@nhs.net');
      assert.equal(code, 2);
      assert.match(err, /not an Entra object id/);
    }
  });
});
