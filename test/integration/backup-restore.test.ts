import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { adminCli } from '../support/admin-cli';
import { setStatus } from '../../src/domain/status/set-status';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, TABLES, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.join(ROOT, 'data');
const USER = 'c0ffee00-1234-4abc-8def-0123456789ab';
// Beyond Number.MAX_SAFE_INTEGER: survives only if it stays text typed Int64 all the way.
const BIG = '9007199254740993';

/** Every row of a table, read raw (types kept), keyed "PartitionKey/RowKey", without service columns. */
async function readTable(connectionString: string, name: string) {
  const table = TableClient.fromConnectionString(connectionString, name, {
    allowInsecureConnection: true,
  });
  const rows = new Map<string, Record<string, unknown>>();
  for await (const entity of table.listEntities<Record<string, unknown>>({
    disableTypeConversion: true,
  })) {
    const { etag: _etag, timestamp: _timestamp, ...rest } = entity;
    rows.set(`${entity.partitionKey}/${entity.rowKey}`, rest);
  }
  return rows;
}

describe('admin backup and restore, between two real Table Storage accounts', function () {
  this.timeout(120_000);
  let source: EmbeddedAzurite;
  let target: EmbeddedAzurite;
  let storage: Storage;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'arb-backup-'));
  const folder = path.join(tmp, 'backup');
  let sourceEnv: NodeJS.ProcessEnv;
  let targetEnv: NodeJS.ProcessEnv;
  const fromSource = adminCli(() => sourceEnv);
  const intoTarget = adminCli(() => targetEnv);

  before(async () => {
    [source, target] = await Promise.all([
      startAzurite({ logger: createLogger('silent') }),
      startAzurite({ logger: createLogger('silent') }),
    ]);
    storage = await openStorage(source.connectionString);
    const env = { DATA_DIR: tmp, LOG_LEVEL: 'silent' };
    sourceEnv = { ...env, STORAGE_CONNECTION_STRING: source.connectionString };
    targetEnv = { ...env, STORAGE_CONNECTION_STRING: target.connectionString };

    // Seed through the service's own stores and commands: organisations, a checklist, a
    // campaign launched onto a linked channel (items, counts, outbox), a role, a status change.
    for (const argv of [
      ['import-orgs', path.join(DATA, 'demo-organisations.json')],
      ['import-checklist', path.join(DATA, 'checklist-2023.json')],
    ]) {
      const r = await fromSource(...argv);
      assert.equal(r.code, 0, r.err);
    }
    const pcn = (await storage.organisations.listAll()).find((o) => o.level === 'pcn');
    assert.ok(pcn, 'the demo organisations have a PCN');
    await storage.links.saveLink({
      orgCode: pcn.code,
      purpose: 'checklist',
      teamId: '19:backup-team@thread.tacv2',
      channelId: '19:backup-channel@thread.tacv2',
      linkedBy: USER,
      linkedAt: new Date().toISOString(),
      active: true,
    });
    const launch = await fromSource(
      'launch-campaign',
      'recovering-access-2023',
      '--scope',
      'QZ1',
      '--id',
      'backup-test',
    );
    assert.equal(launch.code, 0, launch.err);
    const grant = await fromSource('grant-role', USER, 'pcn_lead', pcn.code);
    assert.equal(grant.code, 0, grant.err);
    const item = (await storage.items.listItemsForIcb('backup-test', 'QZ1')).find(
      (i) => i.orgCode === pcn.code,
    )!;
    await setStatus(
      { ...storage, now: () => new Date() },
      {
        campaignId: 'backup-test',
        orgCode: item.orgCode,
        actionId: item.actionId,
        status: 'done',
        note: 'Restored?',
        surface: 'cli',
        actor: { userId: USER },
      },
    );
    // The service itself stores text and small numbers; a row with every EDM type shows the
    // backup keeps what it does not know about too.
    await TableClient.fromConnectionString(source.connectionString, 'Preferences', {
      allowInsecureConnection: true,
    }).createEntity({
      partitionKey: 'backup-test',
      rowKey: 'every-type',
      big: { type: 'Int64', value: BIG },
      small: 42,
      negative: -7,
      when: { type: 'DateTime', value: '2026-03-29T01:30:00.1234567Z' },
      bytes: { type: 'Binary', value: Buffer.from([0, 1, 254, 255]).toString('base64') },
      id: { type: 'Guid', value: '0f8fad5b-d9cb-469f-a165-70867728950e' },
      ratio: 1.5,
      wholeDouble: { type: 'Double', value: '2' },
      yes: true,
      no: false,
      text: '12',
    });
  });
  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('backs up every table with counts and checksums, and restores it into an empty account row for row, type for type', async () => {
    const backup = await fromSource('backup', folder);
    assert.equal(backup.code, 0, backup.err);
    assert.match(backup.out, /Backed up [\d,]+ rows of 13 tables/);
    assert.match(backup.err, /Backing up tables: 13 of 13 \(100%\)/, 'progress on stderr');
    const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as {
      takenAt: string;
      appVersion: string;
      tables: { name: string; rows: number; sha256: string }[];
    };
    assert.match(manifest.takenAt, /^\d{4}-\d\d-\d\dT.*Z$/);
    assert.equal(manifest.appVersion, '0.1.0');
    assert.deepEqual(
      manifest.tables.map((t) => t.name),
      [...TABLES],
    );
    for (const t of manifest.tables)
      assert.equal(t.rows, (await readTable(source.connectionString, t.name)).size, t.name);
    for (const name of ['Organisations', 'Items', 'Roles', 'Outbox', 'OrgCounts'])
      assert.ok(manifest.tables.find((t) => t.name === name)!.rows > 0, `${name} has rows`);

    const restore = await intoTarget('restore', folder);
    assert.equal(restore.code, 0, restore.err);
    assert.match(restore.out, /Items: [\d,]+ rows restored/);
    assert.match(restore.err, /Restoring rows: ([\d,]+) of \1 \(100%\)/, 'progress on stderr');
    assert.match(restore.out, /npm run admin -- recount/);

    for (const name of TABLES) {
      const before = await readTable(source.connectionString, name);
      const after = await readTable(target.connectionString, name);
      assert.deepEqual(after, before, name);
    }
    const row = (await readTable(target.connectionString, 'Preferences')).get(
      'backup-test/every-type',
    );
    assert.deepEqual(row?.big, { type: 'Int64', value: BIG });
    assert.deepEqual(row?.when, { type: 'DateTime', value: '2026-03-29T01:30:00.1234567Z' });
    assert.deepEqual(row?.ratio, { type: 'Double', value: '1.5' });
    assert.deepEqual(row?.small, { type: 'Int32', value: '42' });
    assert.deepEqual(row?.bytes, { type: 'Binary', value: 'AAH+/w==' });
    assert.deepEqual(row?.id, { type: 'Guid', value: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    // The known limit (docs/deployment.md): the service sends a Double without its type, so one
    // holding a whole number reads back, and is restored, as an Int32. The service stores none.
    assert.deepEqual(row?.wholeDouble, { type: 'Int32', value: '2' });
    assert.deepEqual(row?.yes, { type: 'Boolean', value: 'true' });
    assert.deepEqual(row?.text, { type: 'String', value: '12' });
  });

  it('restores what the service reads back: the changed status and its history', async () => {
    const restored = await openStorage(target.connectionString);
    // ETags are the service's own (new on every write), so they differ; everything else is equal.
    const withoutEtags = (list: { etag?: string }[]) =>
      list.map(({ etag: _etag, ...rest }) => rest);
    const items = await restored.items.listItemsForIcb('backup-test', 'QZ1');
    assert.deepEqual(
      withoutEtags(items),
      withoutEtags(await storage.items.listItemsForIcb('backup-test', 'QZ1')),
    );
    const done = items.find((i) => i.note === 'Restored?');
    assert.equal(done?.status, 'done');
    const events = await restored.items.listEvents({ ...done!, icbCode: 'QZ1' });
    assert.ok(
      events.some((e) => e.to === 'done'),
      JSON.stringify(events),
    );
    assert.deepEqual(
      await restored.roles.listRolesOnOrg(done!.orgCode),
      await storage.roles.listRolesOnOrg(done!.orgCode),
    );
    assert.deepEqual(
      withoutEtags(await restored.outbox.listEntries('cards:backup-test')),
      withoutEtags(await storage.outbox.listEntries('cards:backup-test')),
    );
  });

  it('refuses to restore into tables that hold rows, and with --into-non-empty replaces them idempotently', async () => {
    const refused = await intoTarget('restore', folder);
    assert.equal(refused.code, 4);
    assert.match(refused.err, /Nothing was restored: .*Items.* already hold rows/);
    assert.match(refused.err, /--into-non-empty/);
    const again = await intoTarget('restore', folder, '--into-non-empty');
    assert.equal(again.code, 0, again.err);
    for (const name of TABLES)
      assert.deepEqual(
        await readTable(target.connectionString, name),
        await readTable(source.connectionString, name),
        name,
      );
  });

  it('refuses a tampered file, a missing folder, a missing or malformed manifest and an unknown table', async () => {
    const tampered = path.join(tmp, 'tampered');
    cpSync(folder, tampered, { recursive: true });
    const items = path.join(tampered, 'Items.jsonl');
    writeFileSync(items, readFileSync(items, 'utf8').replace('"done"', '"blocked"'));
    const changed = await intoTarget('restore', tampered, '--into-non-empty');
    assert.equal(changed.code, 2);
    assert.match(changed.err, /Items\.jsonl does not match its checksum/);

    const missing = await intoTarget('restore', path.join(tmp, 'no-such-folder'));
    assert.equal(missing.code, 3);
    assert.match(missing.err, /There is no backup folder/);

    const empty = mkdtempSync(path.join(tmp, 'empty-'));
    const noManifest = await intoTarget('restore', empty);
    assert.equal(noManifest.code, 2);
    assert.match(noManifest.err, /has no manifest\.json/);

    writeFileSync(path.join(empty, 'manifest.json'), '{"format": ');
    const malformed = await intoTarget('restore', empty);
    assert.equal(malformed.code, 2);
    assert.match(malformed.err, /is not a backup manifest \(not JSON/);

    const future = path.join(tmp, 'future');
    cpSync(folder, future, { recursive: true });
    const manifestPath = path.join(future, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      tables: { name: string; file: string; rows: number; sha256: string }[];
    };
    manifest.tables.push({ name: 'Ghosts', file: 'Ghosts.jsonl', rows: 0, sha256: '' });
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const unknown = await intoTarget('restore', future, '--into-non-empty');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /does not use: Ghosts/);

    const overwrite = await fromSource('backup', folder);
    assert.equal(overwrite.code, 4);
    assert.match(overwrite.err, /already holds a backup/);
  });

  it('names the table and partition of a batch the service refuses, and says how to finish', async () => {
    const broken = path.join(tmp, 'broken');
    mkdirSync(broken);
    const row = (partition: string, text: string) =>
      JSON.stringify({
        PartitionKey: partition,
        RowKey: 'r1',
        properties: { text: { type: 'String', value: text } },
      });
    // Over the service's 64 KiB limit for one property: the second partition's transaction fails.
    const lines = `${row('fine', 'ok')}\n${row('too-big', 'x'.repeat(70_000))}\n`;
    writeFileSync(path.join(broken, 'Conversations.jsonl'), lines);
    writeFileSync(
      path.join(broken, 'manifest.json'),
      JSON.stringify({
        format: 'access-recovery-bot-backup/1',
        takenAt: new Date().toISOString(),
        appVersion: '0.1.0',
        tables: [
          {
            name: 'Conversations',
            file: 'Conversations.jsonl',
            rows: 2,
            sha256: createHash('sha256').update(lines).digest('hex'),
          },
        ],
      }),
    );
    const failed = await intoTarget('restore', broken, '--into-non-empty');
    assert.equal(failed.code, 2);
    assert.match(failed.err, /^Restore stopped/m);
    assert.match(failed.err, /writing table Conversations, partition "too-big" failed/);
    assert.match(failed.err, /the restore is not complete/);
    assert.match(failed.err, /run the same restore again with --into-non-empty/);
    assert.doesNotMatch(failed.out, /Restored/);
  });
});
