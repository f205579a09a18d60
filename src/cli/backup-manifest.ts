import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidInputError, NotFoundError } from '../domain/shared/errors';
import { TABLES } from '../storage/open-storage';

/** What a backup folder holds, written last so a backup cut short has none. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  /** When the backup started, in UTC (ISO 8601). */
  takenAt: string;
  appVersion: string;
  tables: { name: string; file: string; rows: number; sha256: string }[];
}

/** Names the layout of the files, so a later version can tell an old backup from a new one. */
export const BACKUP_FORMAT = 'access-recovery-bot-backup/1';
/** The manifest's file name in a backup folder. */
export const MANIFEST_FILE = 'manifest.json';

/** The SHA-256 of a file, in hex, read as a stream (backups can be large). */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Reads and checks a backup folder's manifest: the folder exists, the manifest parses and has
 * the expected shape, every table is one this version knows, and every file's checksum matches.
 */
export async function readCheckedManifest(folder: string): Promise<BackupManifest> {
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new NotFoundError(
      `There is no backup folder ${folder}. Give the folder that \`backup\` wrote (it holds ${MANIFEST_FILE}).`,
    );
  const manifestPath = path.join(folder, MANIFEST_FILE);
  if (!existsSync(manifestPath))
    throw new InvalidInputError(
      `${folder} has no ${MANIFEST_FILE}, so it is not a complete backup (a backup cut short writes none). Take the backup again.`,
    );
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const known = new Set<string>(TABLES);
  const unknown = manifest.tables.filter((t) => !known.has(t.name)).map((t) => t.name);
  if (unknown.length > 0)
    throw new InvalidInputError(
      `The backup holds ${unknown.length === 1 ? 'a table' : 'tables'} this version does not use: ${unknown.join(', ')}. Restore it with the version that took it (${manifest.appVersion}).`,
    );
  for (const table of manifest.tables) {
    const file = path.join(folder, table.file);
    if (!existsSync(file))
      throw new InvalidInputError(
        `${table.file} is missing from ${folder}. Copy the whole backup folder again.`,
      );
    if ((await hashFile(file)) !== table.sha256)
      throw new InvalidInputError(
        `${table.file} does not match its checksum in ${MANIFEST_FILE}: the file was changed or damaged after the backup. Nothing was restored; use an intact copy of the backup.`,
      );
  }
  return manifest;
}

function parseManifest(text: string, where: string): BackupManifest {
  const bad = (why: string) =>
    new InvalidInputError(`${where} is not a backup manifest (${why}). Take the backup again.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw bad(`not JSON: ${(error as Error).message}`);
  }
  const m = data as Partial<BackupManifest> | null;
  if (typeof m !== 'object' || m === null) throw bad('not an object');
  if (m.format !== BACKUP_FORMAT) throw bad(`format is ${String(m.format)}, not ${BACKUP_FORMAT}`);
  if (typeof m.takenAt !== 'string' || typeof m.appVersion !== 'string')
    throw bad('takenAt or appVersion missing');
  if (!Array.isArray(m.tables)) throw bad('tables missing');
  for (const t of m.tables as unknown[]) {
    const table = t as Partial<BackupManifest['tables'][number]> | null;
    if (
      typeof table?.name !== 'string' ||
      typeof table.rows !== 'number' ||
      typeof table.sha256 !== 'string' ||
      table.file !== `${table.name}.jsonl`
    )
      throw bad(`a table entry is incomplete: ${JSON.stringify(t)}`);
  }
  return m as BackupManifest;
}
