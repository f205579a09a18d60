import assert from 'node:assert/strict';
import { createCampaign, closeCampaign } from '../../src/domain/campaigns/create-campaign';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '../../src/domain/shared/errors';
import { getProgress, listItemsForOrganisation } from '../../src/domain/items/get-progress';
import { launchCampaign, planItems } from '../../src/domain/campaigns/launch-campaign';
import { grantRole, revokeRole } from '../../src/domain/access/manage-roles';
import { setStatus, type StatusChange } from '../../src/domain/status/set-status';
import { setDeadline } from '../../src/domain/campaigns/set-deadline';
import { findDueItems } from '../../src/domain/items/find-due-items';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { SAMPLE_CHECKLIST, SAMPLE_ORGS } from '../support/sample-hierarchy';

const ADMIN = 'aaaaaaaa-0000-4000-8000-000000000001';
const STAFF = 'aaaaaaaa-0000-4000-8000-000000000002';
const LEAD = 'aaaaaaaa-0000-4000-8000-000000000003';
const STRANGER = 'aaaaaaaa-0000-4000-8000-000000000004';
const HEAD = 'aaaaaaaa-0000-4000-8000-000000000005';
const operator = { kind: 'operator', name: 'test' } as const;

describe('the domain on real Table Storage', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let clock = new Date('2026-11-25T09:00:00Z');
  const deps = () => ({ ...storage, now: () => clock });
  let campaignId: string;

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    await storage.organisations.saveOrganisations(SAMPLE_ORGS);
    await storage.checklists.saveChecklist(SAMPLE_CHECKLIST);
    await grantRole(deps(), operator, { userId: ADMIN, role: 'administrator', orgCode: 'ENGLAND' });
    await grantRole(deps(), operator, { userId: STAFF, role: 'practice_staff', orgCode: 'B81001' });
    await grantRole(deps(), operator, { userId: LEAD, role: 'pcn_lead', orgCode: 'U10001' });
    await grantRole(deps(), operator, { userId: HEAD, role: 'regional_head', orgCode: 'Y63' });
  });
  after(() => azurite?.stop());

  const change = (over: Partial<StatusChange>): StatusChange => ({
    campaignId,
    orgCode: 'B81001',
    actionId: 'PRAC-01',
    status: 'in_progress',
    surface: 'chat',
    actor: { userId: STAFF, name: 'Priya Shah' },
    ...over,
  });

  describe('organisations and checklists', () => {
    it('reads an organisation by code and lists the members of a PCN', async () => {
      assert.equal(
        (await storage.organisations.getOrganisation('B81002'))?.name,
        'Mill Lane Medical Centre',
      );
      const members = await storage.organisations.listChildren('U10001');
      assert.deepEqual(members.map((m) => m.code).sort(), ['B81001', 'B81002']);
    });

    it('stores a checklist version once and reports a second identical save as unchanged', async () => {
      assert.equal(await storage.checklists.saveChecklist(SAMPLE_CHECKLIST), 'unchanged');
      const read = await storage.checklists.getChecklist('sample');
      assert.deepEqual(read, SAMPLE_CHECKLIST);
    });

    it('refuses different content under an existing checklist version', async () => {
      const changed = { ...SAMPLE_CHECKLIST, title: 'Something else' };
      await assert.rejects(storage.checklists.saveChecklist(changed), ConflictError);
    });
  });

  describe('campaigns', () => {
    it('launches a campaign: one item per open organisation in scope per action at its level', async () => {
      const { campaign } = await createCampaign(deps(), {
        checklistId: 'sample',
        scopeCode: 'Y63',
      });
      campaignId = campaign.id;
      assert.equal(campaign.status, 'draft');
      const result = await launchCampaign(deps(), campaign.id);
      // region: 1 action × 1; ICB: 1 × 2; PCN: 1 × 3; practice: 2 × 3 open practices (B81003 is closed)
      assert.equal(result.planned, 1 + 2 + 3 + 6);
      assert.equal(result.created, result.planned);
      assert.equal(result.campaign.status, 'running');
      const { items } = await listItemsForOrganisation(storage, campaign.id, 'B81001');
      assert.deepEqual(
        items.map((i) => [i.actionId, i.status, i.dueDate, i.pcnCode]),
        [
          ['PRAC-01', 'not_started', '2023-10-31', 'U10001'],
          ['PRAC-02', 'not_started', undefined, 'U10001'],
        ],
      );
      assert.deepEqual(
        (await listItemsForOrganisation(storage, campaign.id, 'B81003')).items,
        [],
        'closed practices get nothing',
      );
    });

    it('changes nothing when launched again, even after statuses were set', async () => {
      await setStatus(deps(), change({ actionId: 'PRAC-02', status: 'done' }));
      const again = await launchCampaign(deps(), campaignId);
      assert.equal(again.created, 0);
      const { items } = await listItemsForOrganisation(storage, campaignId, 'B81001');
      assert.equal(items.find((i) => i.actionId === 'PRAC-02')?.status, 'done');
    });

    it('finishes a first launch that stopped half-way: creates only what is missing, keeps what is there, counts right', async () => {
      const { campaign } = await createCampaign(deps(), {
        checklistId: 'sample',
        scopeCode: 'Y63',
        id: 'sample-y63-resumed',
      });
      assert.equal(campaign.status, 'draft');
      const checklist = await storage.checklists.getChecklist('sample');
      const planned = planItems(campaign, checklist!, await storage.organisations.listAll());
      // What a launch killed part-way leaves: some items (one already updated since), no counts
      // for them, and the campaign still a draft.
      const [first, second] = planned.filter((i) => i.orgCode === 'B81001');
      await storage.items.createMissingItems([
        { ...first!, status: 'done', version: 2 },
        { ...second! },
      ]);
      const result = await launchCampaign(deps(), campaign.id);
      assert.equal(result.campaign.status, 'running');
      assert.equal(result.created, planned.length - 2);
      const { items } = await listItemsForOrganisation(storage, campaign.id, 'B81001');
      assert.equal(items.find((i) => i.actionId === first!.actionId)?.status, 'done');
      // Every group's counts already match a full recount of its items.
      for (const group of new Set(planned.map((i) => i.icbCode)))
        assert.equal(await storage.items.recountGroup(campaign.id, group), 0, group);
      const counts = await storage.items.listCountsForGroup(campaign.id, first!.icbCode);
      assert.equal(counts.find((c) => c.orgCode === 'B81001')?.byStatus.done, 1);
    });

    it('shifts deadlines so the earliest falls the given number of days from today, keeping the gaps', async () => {
      const { campaign } = await createCampaign(deps(), {
        checklistId: 'sample',
        scopeCode: 'QZ2',
        dueOffsetDays: 7,
      });
      assert.equal(campaign.deadlines['PCN-01'], '2026-12-02');
      assert.equal(campaign.deadlines['ICB-01'], '2026-12-03');
      assert.equal(
        campaign.deadlines['PRAC-01'],
        '2027-04-04',
        '123 days after PCN-01, as in the checklist',
      );
    });

    it('refuses a campaign scoped to a practice', async () => {
      await assert.rejects(
        createCampaign(deps(), { checklistId: 'sample', scopeCode: 'B81001' }),
        /goes to England, a region or an ICB/,
      );
    });
  });

  describe('setting a status', () => {
    it('writes the item and a history event together', async () => {
      const item = await setStatus(
        deps(),
        change({ status: 'blocked', note: 'Waiting for the supplier' }),
      );
      assert.equal(item.status, 'blocked');
      assert.equal(item.version, 2);
      const events = await storage.items.listEvents({
        campaignId,
        orgCode: 'B81001',
        actionId: 'PRAC-01',
        icbCode: 'QZ1',
      });
      assert.equal(events.length, 1);
      assert.deepEqual(
        [events[0]?.from, events[0]?.to, events[0]?.note, events[0]?.by, events[0]?.surface],
        ['not_started', 'blocked', 'Waiting for the supplier', STAFF, 'chat'],
      );
    });

    it('accepts status words as people type them', async () => {
      const item = await setStatus(deps(), change({ status: 'In progress' }));
      assert.equal(item.status, 'in_progress');
    });

    it('lets a PCN lead update a member practice, but not practice staff of another practice', async () => {
      await setStatus(
        deps(),
        change({ orgCode: 'B81002', actor: { userId: LEAD }, status: 'done' }),
      );
      await assert.rejects(
        setStatus(deps(), change({ orgCode: 'B81002', status: 'done' })),
        ForbiddenError,
      );
    });

    it('refuses someone with no role, and a regional head (who reads but does not update)', async () => {
      await assert.rejects(
        setStatus(deps(), change({ actor: { userId: STRANGER } })),
        /do not have a role.*Ask your ICB's administrator/,
      );
      await assert.rejects(setStatus(deps(), change({ actor: { userId: HEAD } })), ForbiddenError);
    });

    it('refuses unknown statuses, long notes, unknown organisations and actions, changing nothing', async () => {
      const before = await storage.items.getItem({
        campaignId,
        orgCode: 'B81001',
        actionId: 'PRAC-01',
        icbCode: 'QZ1',
      });
      await assert.rejects(
        setStatus(deps(), change({ status: 'finished' })),
        (e: unknown) =>
          e instanceof InvalidInputError &&
          /not a status. Use one of: not started, in progress, done, blocked, not applicable/.test(
            e.message,
          ),
      );
      await assert.rejects(
        setStatus(deps(), change({ note: 'x'.repeat(501) })),
        /501 characters; the limit is 500/,
      );
      await assert.rejects(setStatus(deps(), change({ orgCode: 'Z99999' })), NotFoundError);
      await assert.rejects(setStatus(deps(), change({ actionId: 'PRAC-99' })), NotFoundError);
      const after = await storage.items.getItem({
        campaignId,
        orgCode: 'B81001',
        actionId: 'PRAC-01',
        icbCode: 'QZ1',
      });
      assert.deepEqual(after, before);
    });

    it('refuses a change based on an old version and says who changed it, or that it was you', async () => {
      const current = await storage.items.getItem({
        campaignId,
        orgCode: 'B81001',
        actionId: 'PRAC-01',
        icbCode: 'QZ1',
      });
      const stale = (current?.version ?? 0) - 1;
      await assert.rejects(
        setStatus(
          deps(),
          change({ status: 'done', expectedVersion: stale, actor: { userId: ADMIN, name: 'Ann' } }),
        ),
        /changed by Priya Shah since you looked/,
      );
      // Priya made the last change herself: never tell her someone changed it behind her back.
      await assert.rejects(
        setStatus(deps(), change({ status: 'done', expectedVersion: stale })),
        (error: Error) =>
          /^You already changed PRAC-01 in another window/.test(error.message) &&
          !/since you looked|Priya Shah/.test(error.message),
      );
    });

    it('treats a repeat of the same change as done already, without a second event', async () => {
      const key = { campaignId, orgCode: 'B81001', actionId: 'PRAC-01', icbCode: 'QZ1' };
      const current = await storage.items.getItem(key);
      const eventsBefore = (await storage.items.listEvents(key)).length;
      const again = await setStatus(
        deps(),
        change({ status: current?.status, note: current?.note }),
      );
      assert.equal(again.version, current?.version);
      assert.equal((await storage.items.listEvents(key)).length, eventsBefore);
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of 50 simultaneous changes carrying the same version win; 49 get a clear conflict', async () => {
      const key = { campaignId, orgCode: 'B82001', actionId: 'PRAC-01', icbCode: 'QZ2' };
      const start = await storage.items.getItem(key);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          setStatus(
            deps(),
            change({
              ...key,
              actor: { userId: ADMIN, name: `Admin ${i}` },
              status: i % 2 ? 'done' : 'blocked',
              note: `change ${i}`,
              expectedVersion: start?.version ?? 1,
            }),
          ),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 49);
      assert.ok(
        lost.every((r) => r.reason instanceof ConflictError),
        'every loser gets a ConflictError',
      );
      assert.equal((await storage.items.listEvents(key)).length, 1);
    });

    it('records all 50 of 50 simultaneous changes that re-read on conflict; the final state is the last event', async () => {
      const key = { campaignId, orgCode: 'B81002', actionId: 'PRAC-01', icbCode: 'QZ1' };
      const before = (await storage.items.listEvents(key)).length;
      const statuses = ['in_progress', 'done', 'blocked', 'not_applicable'] as const;
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          for (let attempt = 0; ; attempt += 1) {
            const current = await storage.items.getItem(key);
            try {
              // Each writer picks a status other than the one it read, so no change is a no-op.
              let next: string = statuses[i % 4] as string;
              if (next === current?.status) next = statuses[(i + 1) % 4] as string;
              await setStatus(
                deps(),
                change({
                  ...key,
                  actor: { userId: ADMIN, name: `Writer ${i}` },
                  status: next,
                  note: `writer ${i}`,
                  expectedVersion: current?.version ?? 1,
                }),
              );
              return;
            } catch (error) {
              if (!(error instanceof ConflictError) || attempt > 200) throw error;
            }
          }
        }),
      );
      const events = await storage.items.listEvents(key);
      assert.equal(events.length - before, 50);
      const final = await storage.items.getItem(key);
      const last = events[events.length - 1];
      assert.equal(final?.status, last?.to);
      assert.equal(final?.note, last?.note);
      assert.equal(final?.version, last?.version);
      // History is a chain: each event starts where the previous one ended.
      for (let i = 1; i < events.length; i += 1) assert.equal(events[i]?.from, events[i - 1]?.to);
    });
  });

  describe('progress', () => {
    it('adds up a PCN with its practices, an ICB, and a region with its ICBs', async () => {
      const today = '2026-11-25';
      const pcn = await getProgress(storage, campaignId, 'U10001', today);
      assert.equal(pcn.progress.total, 1 + 2 * 2, 'PCN action plus two practices × two actions');
      const icb = await getProgress(storage, campaignId, 'QZ1', today);
      assert.equal(icb.progress.total, 1 + 2 + 4);
      const region = await getProgress(storage, campaignId, 'Y63', today);
      assert.equal(region.progress.total, 12);
      assert.ok(region.progress.overdue > 0, 'the 2023 deadlines are past');
      assert.equal(
        region.progress.byStatus.not_started +
          region.progress.byStatus.in_progress +
          region.progress.byStatus.done +
          region.progress.byStatus.blocked +
          region.progress.byStatus.not_applicable,
        12,
      );
    });
  });

  describe('roles', () => {
    it('lets an administrator grant and revoke, and refuses everyone else', async () => {
      const userId = 'bbbbbbbb-0000-4000-8000-000000000009';
      await grantRole(
        deps(),
        { kind: 'user', userId: ADMIN },
        { userId, role: 'PCN lead', orgCode: 'U20001' },
      );
      assert.deepEqual(
        (await storage.roles.listRolesOfUser(userId)).map((g) => [g.role, g.orgCode]),
        [['pcn_lead', 'U20001']],
      );
      assert.deepEqual(
        (await storage.roles.listRolesOnOrg('U20001')).map((g) => g.userId),
        [userId],
      );
      // The daily run's one read of every grant says the same, organisation by organisation.
      const byOrg = await storage.roles.listRolesByOrg();
      assert.deepEqual(byOrg.get('U20001'), await storage.roles.listRolesOnOrg('U20001'));
      for (const [orgCode, grants] of byOrg)
        assert.deepEqual(grants, await storage.roles.listRolesOnOrg(orgCode), orgCode);
      await assert.rejects(
        grantRole(
          deps(),
          { kind: 'user', userId: LEAD },
          { userId, role: 'icb_lead', orgCode: 'QZ1' },
        ),
        ForbiddenError,
      );
      assert.equal(
        await revokeRole(
          deps(),
          { kind: 'user', userId: ADMIN },
          { userId, role: 'pcn_lead', orgCode: 'U20001' },
        ),
        true,
      );
      assert.deepEqual(await storage.roles.listRolesOfUser(userId), []);
    });

    it('revokes exactly the grant over the code given, never an England-wide one', async () => {
      const userId = 'bbbbbbbb-0000-4000-8000-00000000000a';
      await grantRole(deps(), operator, { userId, role: 'administrator', orgCode: 'england' });
      await grantRole(deps(), operator, { userId, role: 'pcn_lead', orgCode: ' u20001 ' });
      // A mistyped code and a code nobody holds a grant over remove nothing.
      for (const orgCode of ['U2OOO1', 'QQ9', 'not a code'])
        assert.equal(
          await revokeRole(deps(), operator, { userId, role: 'administrator', orgCode }),
          false,
          orgCode,
        );
      // Codes are read the same way as when granting: lower case and spaces are fine.
      assert.equal(
        await revokeRole(deps(), operator, { userId, role: 'pcn_lead', orgCode: 'u20001 ' }),
        true,
      );
      assert.deepEqual(
        (await storage.roles.listRolesOfUser(userId)).map((g) => [g.role, g.orgCode]),
        [['administrator', 'ENGLAND']],
      );
      // An administrator of one ICB cannot revoke a grant over a code that is not loaded.
      const icbAdmin = 'bbbbbbbb-0000-4000-8000-00000000000b';
      await grantRole(deps(), operator, {
        userId: icbAdmin,
        role: 'administrator',
        orgCode: 'QZ1',
      });
      await assert.rejects(
        revokeRole(
          deps(),
          { kind: 'user', userId: icbAdmin },
          { userId, role: 'administrator', orgCode: 'QQ9' },
        ),
        ForbiddenError,
      );
      assert.equal(
        await revokeRole(deps(), operator, {
          userId: userId.toUpperCase(),
          role: 'administrator',
          orgCode: 'England',
        }),
        true,
      );
    });

    it('refuses a role over the wrong level of organisation, a bad user id and an unknown role', async () => {
      await assert.rejects(
        grantRole(deps(), operator, { userId: STAFF, role: 'pcn_lead', orgCode: 'B81001' }),
        /PCN lead is held over a PCN/,
      );
      await assert.rejects(
        grantRole(deps(), operator, { userId: 'priya', role: 'pcn_lead', orgCode: 'U10001' }),
        /not an Entra object id/,
      );
      await assert.rejects(
        grantRole(deps(), operator, { userId: STAFF, role: 'overlord', orgCode: 'U10001' }),
        /not a role/,
      );
    });

    it('refuses forbidden key characters before they reach storage', async () => {
      await assert.rejects(storage.organisations.getOrganisation('B81/001'), InvalidInputError);
    });
  });

  describe('deadlines', () => {
    it("moves an action's deadline for the campaign, keeping statuses and ICB overrides", async () => {
      const key = { campaignId, orgCode: 'B81001', actionId: 'PRAC-01', icbCode: 'QZ1' };
      const before = await storage.items.getItem(key);
      const override = await setDeadline(storage, {
        campaignId,
        actionId: 'PRAC-01',
        date: '2027-01-15',
        icbCode: 'QZ2',
      });
      assert.equal(override.itemsUpdated, 1, 'the one open practice in QZ2');
      const all = await setDeadline(storage, {
        campaignId,
        actionId: 'PRAC-01',
        date: '2027-02-01',
      });
      assert.equal(all.itemsUpdated, 2, 'the two open practices in QZ1; QZ2 keeps its own date');
      const after = await storage.items.getItem(key);
      assert.equal(after?.dueDate, '2027-02-01');
      assert.equal(after?.status, before?.status);
      assert.equal(after?.version, before?.version, 'a deadline is not a status change');
      const qz2 = await storage.items.getItem({ ...key, orgCode: 'B82001', icbCode: 'QZ2' });
      assert.equal(qz2?.dueDate, '2027-01-15');
      await setDeadline(storage, { campaignId, actionId: 'PRAC-02', date: undefined });
      assert.equal(
        (await storage.items.getItem({ ...key, actionId: 'PRAC-02' }))?.dueDate,
        undefined,
      );
    });

    it('refuses a date that is not a date and an action not in the checklist', async () => {
      await assert.rejects(
        setDeadline(storage, { campaignId, actionId: 'PRAC-01', date: '31/03/2027' }),
        /write it as YYYY-MM-DD/,
      );
      await assert.rejects(
        setDeadline(storage, { campaignId, actionId: 'PRAC-77', date: '2027-03-31' }),
        NotFoundError,
      );
    });
  });

  describe('due items', () => {
    it('finds the items due in a date range, reading only the groups that can hold them', async () => {
      const due = await findDueItems(storage, campaignId, { from: '2023-06-01', to: '2023-06-30' });
      assert.deepEqual(
        due.map((i) => [i.orgCode, i.actionId, i.dueDate]),
        [
          ['U10001', 'PCN-01', '2023-06-30'],
          ['U10002', 'PCN-01', '2023-06-30'],
          ['U20001', 'PCN-01', '2023-06-30'],
        ],
      );
      const overridden = await findDueItems(storage, campaignId, {
        from: '2027-01-01',
        to: '2027-01-31',
        includeFinished: true,
      });
      assert.deepEqual(
        overridden.map((i) => [i.orgCode, i.actionId]),
        [['B82001', 'PRAC-01']],
        "QZ2's own date for PRAC-01",
      );
      assert.deepEqual(
        await findDueItems(storage, campaignId, { from: '2030-01-01', to: '2030-12-31' }),
        [],
      );
    });

    it('leaves out finished items unless asked', async () => {
      await setStatus(
        deps(),
        change({ orgCode: 'U10001', actionId: 'PCN-01', status: 'done', actor: { userId: LEAD } }),
      );
      const due = await findDueItems(storage, campaignId, { from: '2023-06-01', to: '2023-06-30' });
      assert.deepEqual(
        due.map((i) => i.orgCode),
        ['U10002', 'U20001'],
      );
    });
  });

  describe('closing', () => {
    it('refuses status changes once a campaign is closed', async () => {
      await closeCampaign(deps(), campaignId);
      await assert.rejects(
        setStatus(deps(), change({ status: 'done' })),
        /is closed, so its items cannot be changed/,
      );
      clock = new Date();
    });
  });
});
