import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import pLimit from 'p-limit';
import {
  CodedError,
  ConflictError,
  ErrorCode,
  InvalidInputError,
} from '../../domain/shared/errors';
import { PROJECT_ROOT } from '../../paths';
import { TABLES } from '../../storage/open-storage';
import {
  describeBadProperty,
  hasRows,
  readRawRows,
  upsertRawRows,
  type RawRow,
} from '../../storage/raw-rows';
import type { StorageTarget } from '../../storage/create-table-client';
import {
  BACKUP_FORMAT,
  MANIFEST_FILE,
  readCheckedManifest,
  type BackupManifest,
} from '../backup-manifest';
import type { CliContext } from '../cli-context';
import { startProgress } from '../show-progress';

// Partitions written at once during a restore: enough to hide round trips, few enough for a
// shared account (each is a transaction of up to 100 rows).
const RESTORE_CONCURRENCY = 8;

/** Registers backup and restore. */
export function registerBackupCommands(
  program: Command,
  run: (work: (ctx: CliContext) => Promise<void>) => Promise<void>,
): void {
  program
    .command('backup')
    .description(
      'Copy every table, rows with their exact types, to <folder>: one <Table>.jsonl per table and a manifest.json with row counts and SHA-256 checksums.',
    )
    .argument('<folder>', 'a new or empty folder')
    .action((folder: string) => run((ctx) => backUpTables(ctx, folder)));

  program
    .command('restore')
    .description(
      'Write the rows of a backup folder back into the tables (checks its checksums first; the tables must be empty unless --into-non-empty).',
    )
    .argument('<folder>', 'a folder written by backup')
    .option(
      '--into-non-empty',
      'write into tables that already hold rows, replacing rows with the same keys (rows not in the backup stay)',
    )
    .action((folder: string, opts: { intoNonEmpty?: boolean }) =>
      run((ctx) => restoreTables(ctx, folder, Boolean(opts.intoNonEmpty))),
    );
}

async function backUpTables(ctx: CliContext, folder: string): Promise<void> {
  if (existsSync(path.join(folder, MANIFEST_FILE)))
    throw new ConflictError(
      `${folder} already holds a backup (${MANIFEST_FILE}). Give a new folder, so no backup is overwritten.`,
    );
  mkdirSync(folder, { recursive: true });
  const target = await ctx.target();
  const takenAt = ctx.now().toISOString();
  const progress = startProgress('Backing up tables', TABLES.length, ctx);
  const tables: BackupManifest['tables'] = [];
  try {
    for (const name of TABLES) {
      tables.push({ name, file: `${name}.jsonl`, ...(await backUpTable(target, name, folder)) });
      progress.update(tables.length);
    }
  } finally {
    progress.stop();
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    takenAt,
    appVersion: readAppVersion(),
    tables,
  };
  // Written last: a folder without a manifest is a backup that did not finish.
  await writeFile(path.join(folder, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const t of tables) ctx.out(`${t.name}: ${t.rows.toLocaleString('en-GB')} rows`);
  const total = tables.reduce((sum, t) => sum + t.rows, 0);
  ctx.out(
    `Backed up ${total.toLocaleString('en-GB')} rows of ${tables.length} tables to ${folder} (taken at ${takenAt}). Keep the folder whole: restore checks every file against ${MANIFEST_FILE}.`,
  );
}

/** Streams one table to `<folder>/<name>.jsonl`, a page at a time, hashing what it writes. */
async function backUpTable(
  target: StorageTarget,
  name: string,
  folder: string,
): Promise<{ rows: number; sha256: string }> {
  const file = createWriteStream(path.join(folder, `${name}.jsonl`));
  const hash = createHash('sha256');
  let rows = 0;
  try {
    for await (const page of readRawRows(target, name)) {
      for (const row of page) {
        const line = `${JSON.stringify(row)}\n`;
        hash.update(line);
        // Wait for the disk when its buffer is full, so a large table is never held in memory.
        if (!file.write(line)) await once(file, 'drain');
        rows += 1;
      }
    }
  } finally {
    file.end();
    await once(file, 'close');
  }
  return { rows, sha256: hash.digest('hex') };
}

async function restoreTables(ctx: CliContext, folder: string, intoNonEmpty: boolean) {
  const manifest = await readCheckedManifest(folder);
  const target = await ctx.target();
  if (!intoNonEmpty) {
    const holding: string[] = [];
    for (const t of manifest.tables) if (await hasRows(target, t.name)) holding.push(t.name);
    if (holding.length > 0)
      throw new ConflictError(
        `Nothing was restored: ${holding.join(', ')} already ${holding.length === 1 ? 'holds' : 'hold'} rows. Restore into a new storage account, or add --into-non-empty to replace rows with the same keys (rows not in the backup stay).`,
      );
  }
  const total = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
  ctx.err(
    `Restoring ${total.toLocaleString('en-GB')} rows of ${manifest.tables.length} tables from the backup taken at ${manifest.takenAt} (version ${manifest.appVersion}).`,
  );
  const progress = startProgress('Restoring rows', total, ctx);
  let done = 0;
  const written: { name: string; rows: number }[] = [];
  try {
    for (const t of manifest.tables) {
      const rows = await restoreTable(target, t.name, path.join(folder, t.file), (n) => {
        done += n;
        progress.update(done);
      });
      written.push({ name: t.name, rows });
    }
  } finally {
    progress.stop();
  }
  for (const t of written) ctx.out(`${t.name}: ${t.rows.toLocaleString('en-GB')} rows restored`);
  ctx.out(
    `Restored ${done.toLocaleString('en-GB')} rows. Next: run \`npm run admin -- recount\` to bring the organisation counts up to date with the items, then start the service.`,
  );
}

/**
 * Streams one file into its table: rows of a partition are together in the file (tables list
 * in key order), so each partition is sent as it ends, with a few partitions in flight at once.
 */
async function restoreTable(
  target: StorageTarget,
  name: string,
  file: string,
  onRows: (n: number) => void,
): Promise<number> {
  const limit = pLimit(RESTORE_CONCURRENCY);
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  let rows = 0;
  const send = async (partition: RawRow[]) => {
    const p = limit(() => upsertRawRows(target, name, partition)).then(
      () => onRows(partition.length),
      (error: unknown) => {
        failure ??= describeBatchFailure(name, partition[0]!.PartitionKey, error);
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    // Read on only while the queue is short, so memory stays bounded on any table size.
    if (inFlight.size >= RESTORE_CONCURRENCY * 2) await Promise.race(inFlight);
  };
  let partition: RawRow[] = [];
  let lineNumber = 0;
  const input = createReadStream(file);
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNumber += 1;
      if (failure) break;
      if (line.trim() === '') continue;
      const row = parseRow(line, `${path.basename(file)} line ${lineNumber}`);
      // A long partition goes in chunks; upsertRawRows splits each into transactions of 100.
      if (
        partition.length > 0 &&
        (partition[0]!.PartitionKey !== row.PartitionKey || partition.length >= 1_000)
      ) {
        await send(partition);
        partition = [];
      }
      partition.push(row);
      rows += 1;
    }
    if (partition.length > 0 && !failure) await send(partition);
  } finally {
    input.destroy();
    // Even when a line cannot be read, let the writes already started finish before reporting.
    await Promise.all(inFlight);
  }
  if (failure) throw failure;
  return rows;
}

function parseRow(line: string, where: string): RawRow {
  let row: Partial<RawRow>;
  try {
    row = JSON.parse(line) as Partial<RawRow>;
  } catch {
    throw new InvalidInputError(`${where} is not JSON. Use an intact copy of the backup.`);
  }
  if (
    typeof row.PartitionKey !== 'string' ||
    typeof row.RowKey !== 'string' ||
    typeof row.properties !== 'object' ||
    row.properties === null
  )
    throw new InvalidInputError(`${where} is not a row (PartitionKey, RowKey, properties).`);
  for (const [name, property] of Object.entries(row.properties)) {
    const bad = describeBadProperty(property);
    if (bad) throw new InvalidInputError(`${where}: property ${name} is not typed (${bad}).`);
  }
  return row as RawRow;
}

// Says what was and was not written, and that running again is safe (upserts replace whole rows).
// Storage not answering keeps its exit code (5); a row the service refuses is invalid input (2).
function describeBatchFailure(table: string, partitionKey: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  const code =
    error instanceof CodedError && error.code !== ErrorCode.Unknown
      ? error.code
      : ErrorCode.InvalidInput;
  return new CodedError(
    code,
    `Restore stopped: writing table ${table}, partition ${JSON.stringify(partitionKey)} failed (${reason}). Rows already written stay; the restore is not complete. Fix the cause and run the same restore again with --into-non-empty: it replaces rows with the same keys, so running it twice is safe.`,
    { cause: error },
  );
}

function readAppVersion(): string {
  const json = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    version?: string;
  };
  return json.version ?? 'unknown';
}
