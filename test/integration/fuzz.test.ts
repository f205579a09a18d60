import assert from 'node:assert/strict';
import { createSeededRandom } from '../../src/importers/create-seeded-random';
import { createTableClient } from '../../src/storage/create-table-client';
import { TABLES } from '../../src/storage/open-storage';
import { LEASES_TABLE } from '../../src/storage/lease-table';
import { FakeConnector } from '../support/fake-connector';
import {
  introduceWithoutRoles,
  removeDataDir,
  startTestService,
  type TestService,
} from '../support/start-test-service';
import {
  OTHER_USER,
  USER,
  channelCardAction,
  channelMention,
  personalMessage,
} from '../support/teams-activities';

type Json = Record<string, unknown>;

// 10,000 malformed or tampered card presses and commands against the real endpoint. The users
// are a stranger (no role), a practice's staff member (one practice only) and the administrator
// (only malformed input from them: their valid requests would rightly be allowed).
const TOTAL = Number(process.env['FUZZ_TOTAL'] ?? 10_000);
const CONCURRENCY = 8;
const PRACTICE_STAFF = {
  id: '29:1PracticeStaffOnlyUserQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kH',
  name: 'Alex Green',
  aadObjectId: '4d3c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a',
};

describe(`fuzzing the bot with ${TOTAL} malformed or tampered requests`, function () {
  this.timeout(300_000);
  let connector: FakeConnector;
  let service: TestService;

  before(async () => {
    // Teams' rate limits would only slow the replies down here; they are tested elsewhere.
    connector = await new FakeConnector({ enforceLimits: false }).start();
    service = await startTestService({ LOG_LEVEL: 'warn' });
    // whoami reads the administrator's roles, which is when local mode gives the demo ones.
    await service.post({ ...personalMessage(connector.url, 'whoami'), from: { ...USER } });
    for (const user of [OTHER_USER, PRACTICE_STAFF])
      await introduceWithoutRoles(service, connector.url, user);
    await service.storage.roles.saveGrant({
      userId: PRACTICE_STAFF.aadObjectId,
      role: 'practice_staff',
      orgCode: 'X99002',
      grantedBy: 'test',
      grantedAt: new Date().toISOString(),
    });
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  async function snapshot(): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const name of TABLES) {
      const rows: string[] = [];
      for await (const row of createTableClient(service.storageTarget, name).listEntities())
        // The instance's own heartbeat is rewritten every few seconds, whatever arrives.
        if (!(name === LEASES_TABLE && row.partitionKey === 'instance'))
          rows.push(`${row.partitionKey}/${row.rowKey}/${row.etag}`);
      result[name] = rows.sort().join('\n');
    }
    return result;
  }

  it('answers every one without a 5xx or a crash, and writes nothing', async () => {
    const random = createSeededRandom(20_261_125);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const junk = (): unknown =>
      pick([
        undefined,
        null,
        '',
        0,
        -1,
        1.5,
        true,
        [],
        {},
        'x'.repeat(Math.floor(random() * 2_000)),
        '../../etc/passwd',
        "'; DROP TABLE Items; --",
        '${title}',
        'U99901/../X',
        '\u0000\u0007',
        '💥'.repeat(50),
        { nested: { deeper: [1, 2, { x: 'y' }] } },
        Number.MAX_SAFE_INTEGER,
        'PRAC-01',
        'X99001',
        'demo-qz1',
        'done',
      ]);
    const validRef = { view: 'items', campaignId: 'demo-qz1', orgCode: 'X99001' };
    const validPress = () => ({
      campaignId: 'demo-qz1',
      orgCode: 'X99001',
      actionId: `PRAC-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}`,
      status: pick(['done', 'in_progress', 'blocked', 'not_applicable', 'not_started']),
      version: 1 + Math.floor(random() * 3),
      card: validRef,
    });
    // Valid in shape, so only the role check stands between them and a write: strangers and
    // another practice's staff only.
    const tampered = (): { verb: string; data: Json; user: typeof USER } => ({
      verb: pick(['setStatus', 'editItem']),
      data: { ...validPress(), note: pick(['', 'fine', 'x'.repeat(400)]) },
      user: pick([OTHER_USER, PRACTICE_STAFF]),
    });
    const malformed = (): { verb: string; data: Json; user: typeof USER } => {
      const data: Json = { ...validPress(), note: junk() };
      const field = pick(Object.keys(data).concat(['extra', 'card']));
      const mutation = random();
      if (mutation < 0.3) delete data[field];
      else if (mutation < 0.6) data[field] = junk();
      else if (mutation < 0.7) data['status'] = pick(['finished', 'DONE!', 'complete', 7]);
      else if (mutation < 0.8) data['note'] = 'n'.repeat(501 + Math.floor(random() * 500));
      else if (mutation < 0.9)
        data['card'] = { view: pick(['items', 'mine', 'x']), orgCode: junk() };
      else data['version'] = pick([0, -3, 'one', 1.5, null]);
      const user = pick([USER, OTHER_USER, PRACTICE_STAFF]);
      // The administrator may do anything valid, so what they send is always broken: a version
      // no schema accepts (and Update buttons never carry a status or version at all).
      if (user === USER) data['version'] = pick([0, -3, 'one', 1.5, null]);
      return {
        verb: pick(['setStatus', 'editItem', 'refreshCard', 'linkChannel', 'retryFailed', 'nope']),
        data: random() < 0.1 ? (junk() as Json) : data,
        user,
      };
    };
    const command = (): { text: string; user: typeof USER; where: 'chat' | 'channel' } => {
      const name = pick([
        'update',
        'link',
        'unlink',
        'links',
        'status',
        'my',
        'deliver',
        'delivery',
      ]);
      const args = Array.from({ length: Math.floor(random() * 5) }, () => String(junk() ?? ''));
      return {
        text: `${name} ${args.join(' ')}`,
        // Practice staff may rightly update their own practice, so only strangers type update.
        user: name === 'update' ? OTHER_USER : pick([OTHER_USER, PRACTICE_STAFF]),
        where: pick(['chat', 'channel']),
      };
    };
    const adminCommand = (): { text: string; user: typeof USER; where: 'chat' | 'channel' } => ({
      // Shapes no command accepts, from the one person who could change things.
      text: pick([
        'update',
        'update PRAC-01',
        'update PRAC-01 finished',
        'update nope done',
        `update PRAC-01 done ${'x'.repeat(600)}`,
        'link',
        'link X99001',
        'link U99901 digest',
        'link Q12 nonsense words',
        'status U99901 QZ1',
        'my things',
        'unlink now',
        'links please',
        'deliver everything',
      ]),
      user: USER,
      where: pick(['chat', 'channel']),
    });

    const before = await snapshot();
    const statuses = new Map<number, number>();
    let sent = 0;
    const worker = async () => {
      while (sent < TOTAL) {
        sent += 1;
        const kind = random();
        let activity: Json;
        if (kind < 0.35) {
          const p = malformed();
          activity = channelCardAction(connector.url, p.verb, p.data, p.user);
        } else if (kind < 0.6) {
          const p = tampered();
          activity = channelCardAction(connector.url, p.verb, p.data, p.user);
        } else {
          const c = kind < 0.8 ? command() : adminCommand();
          const base =
            c.where === 'chat'
              ? personalMessage(connector.url, c.text)
              : channelMention(connector.url, c.text);
          activity = { ...base, from: { ...c.user } };
        }
        const { status } = await service.post(activity);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const fives = [...statuses.entries()].filter(([s]) => s >= 500);
    assert.deepEqual(fives, [], `statuses: ${JSON.stringify([...statuses])}`);
    const health = await fetch(`${service.url}/healthz`);
    assert.equal(health.status, 200, 'the service is still up');
    const failures = service.logs.filter((l) => Number(l['level']) >= 50);
    assert.deepEqual(
      failures.map((l) => l['msg']),
      [],
      'no unexpected errors were logged',
    );
    await service.copies.flush();
    const after = await snapshot();
    for (const name of TABLES) {
      const was = new Set((before[name] ?? '').split('\n'));
      const changed = (after[name] ?? '').split('\n').filter((row) => !was.has(row));
      assert.deepEqual(changed, [], `nothing written to ${name}`);
    }
    assert.ok(connector.rejected.length === 0, 'every reply reached Teams');
  });
});
