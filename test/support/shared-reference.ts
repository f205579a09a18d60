import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * A file from the team's shared reference folder, which sits beside the repository (CI puts a
 * copy there too). Throws, rather than skipping, when it is missing: these tests must run.
 */
export function findSharedReference(...parts: string[]): string {
  const candidates = [
    path.resolve(ROOT, '..', 'shared', ...parts),
    path.join('/work/shared', ...parts),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new Error(`Shared reference file not found; looked in ${candidates.join(' and ')}`);
  return found;
}
