import assert from 'node:assert/strict';
import { grantRole } from '../../src/domain/access/manage-roles';
import { ForbiddenError } from '../../src/domain/shared/errors';
import { getDeliveryHealth, retryFailedDeliveries } from '../../src/domain/outbox/delivery-health';
import type { OutboxRequest } from '../../src/domain/outbox/outbox';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { SAMPLE_ORGS } from '../support/sample-hierarchy';

// Delivery health is scoped: an administrator of one ICB sees and retries only the messages about
// organisations in that ICB; an England-wide administrator sees everything.

const ENGLAND_ADMIN = 'eeeeeeee-0000-4000-8000-000000000001';
const QZ1_ADMIN = 'eeeeeeee-0000-4000-8000-000000000002';
const PRACTICE_STAFF = 'eeeeeeee-0000-4000-8000-000000000003';

describe('delivery health, scoped to the administrator (real Azurite)', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  const now = () => new Date('2026-11-30T09:00:00Z');
  const deps = () => ({ ...storage, now });
  const JOB = 'nudges:2026-11-30';

  async function failed(dedupeKey: string, orgCode: string | undefined): Promise<void> {
    const request: OutboxRequest = {
      jobId: JOB,
      dedupeKey,
      kind: 'send',
      target: {
        kind: 'channel',
        teamId: '19:t@thread.tacv2',
        channelId: `19:${dedupeKey}@thread.tacv2`,
      },
      payload: { type: 'message', text: 'hello' },
      ...(orgCode ? { orgCode } : {}),
    };
    await storage.outbox.enqueue(request, { now: now() });
    const entry = await storage.outbox.getEntry(JOB, dedupeKey);
    const claimed = entry && (await storage.outbox.claim(entry, 'test', now(), 5_000));
    assert.ok(claimed);
    await storage.outbox.markFailed(
      claimed,
      { reason: 'bot_blocked_or_removed', status: 403 },
      now(),
    );
  }

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    await storage.organisations.saveOrganisations(SAMPLE_ORGS);
    const operator = { kind: 'operator', name: 'test' } as const;
    await grantRole(deps(), operator, {
      userId: ENGLAND_ADMIN,
      role: 'administrator',
      orgCode: 'ENGLAND',
    });
    await grantRole(deps(), operator, { userId: QZ1_ADMIN, role: 'administrator', orgCode: 'QZ1' });
    await grantRole(deps(), operator, {
      userId: PRACTICE_STAFF,
      role: 'practice_staff',
      orgCode: 'B81001',
    });
    await failed('in-qz1-pcn', 'U10001');
    await failed('in-qz1-practice', 'B81001');
    await failed('in-qz2', 'U20001');
    await failed('about-no-organisation', undefined);
  });
  after(() => azurite?.stop());

  it('shows an ICB administrator only the failures about organisations in their ICB', async () => {
    const [mine] = await getDeliveryHealth(deps(), QZ1_ADMIN);
    assert.equal(mine?.jobId, JOB);
    assert.equal(mine?.failed, 2);
    assert.deepEqual(mine?.failures.map((f) => f.dedupeKey).sort(), [
      'in-qz1-pcn',
      'in-qz1-practice',
    ]);
    const [all] = await getDeliveryHealth(deps(), ENGLAND_ADMIN);
    assert.equal(all?.failed, 4);
  });

  it('refuses anyone who administers nothing', async () => {
    await assert.rejects(getDeliveryHealth(deps(), PRACTICE_STAFF), ForbiddenError);
    await assert.rejects(retryFailedDeliveries(deps(), PRACTICE_STAFF, undefined), ForbiddenError);
  });

  it('retries only the failures in the administrator’s scope, for one job or every job', async () => {
    assert.equal(await retryFailedDeliveries(deps(), QZ1_ADMIN, JOB), 2);
    const state = async (key: string) => (await storage.outbox.getEntry(JOB, key))?.state;
    assert.equal(await state('in-qz1-pcn'), 'pending');
    assert.equal(await state('in-qz2'), 'failed');
    assert.equal(await state('about-no-organisation'), 'failed');
    assert.equal(await retryFailedDeliveries(deps(), QZ1_ADMIN, undefined), 0);
    assert.equal(await retryFailedDeliveries(deps(), ENGLAND_ADMIN, undefined), 2);
  });
});
