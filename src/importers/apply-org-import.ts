import {
  isSameOrganisation,
  type Organisation,
  type OrganisationStore,
} from '../domain/access/organisations';

/** What an organisation import changed (or, in a dry run, would change). */
export interface OrgImportReport {
  total: number;
  added: number;
  updated: number;
  /** Organisations that were open and are now recorded as closed. */
  closed: number;
  unchanged: number;
  /**
   * Open practices in the store that the file does not list: left open, or closed (and counted
   * here, not in `closed`) when the import was asked to close them.
   */
  missing: { count: number; examples: { code: string; name: string }[]; closed: boolean };
}

/** Options for applyOrgImport. */
export interface ApplyOrgImportOptions {
  dryRun?: boolean;
  /** Close the open practices the file does not list (only for a file covering all of England). */
  closeMissing?: boolean;
  onProgress?: (done: number, total: number) => void;
}

// Enough to recognise what would be closed without flooding the report.
const MISSING_EXAMPLES = 3;

/**
 * Writes the organisations that are new or different from what is stored, and nothing else, so
 * a second run of the same file reports 0 changes. Open practices missing from the file are
 * counted and left open (a file may cover only part of England), or closed with `closeMissing`.
 */
export async function applyOrgImport(
  store: OrganisationStore,
  incoming: readonly Organisation[],
  options: ApplyOrgImportOptions = {},
): Promise<OrgImportReport> {
  const stored = new Map((await store.listAll()).map((o) => [o.code, o]));
  const changed: Organisation[] = [];
  const moved: { code: string; oldParent: string | undefined }[] = [];
  const report: OrgImportReport = {
    total: incoming.length,
    added: 0,
    updated: 0,
    closed: 0,
    unchanged: 0,
    missing: { count: 0, examples: [], closed: options.closeMissing === true },
  };
  for (const org of incoming) {
    const before = stored.get(org.code);
    if (!before) {
      report.added += 1;
    } else if (isSameOrganisation(before, org)) {
      report.unchanged += 1;
      continue;
    } else if (before.open && !org.open) {
      report.closed += 1;
    } else {
      report.updated += 1;
    }
    if (before && before.parentCode !== org.parentCode)
      moved.push({ code: org.code, oldParent: before.parentCode });
    changed.push(org);
  }
  // Only practices: a national file lists every practice but, without a lookup, not today's
  // ICBs, so a missing ICB or PCN says nothing about whether it still exists.
  const listed = new Set(incoming.map((org) => org.code));
  const missing = [...stored.values()]
    .filter((org) => org.level === 'practice' && org.open && !listed.has(org.code))
    .sort((a, b) => a.code.localeCompare(b.code));
  report.missing.count = missing.length;
  report.missing.examples = missing
    .slice(0, MISSING_EXAMPLES)
    .map(({ code, name }) => ({ code, name }));
  if (options.closeMissing) changed.push(...missing.map((org) => ({ ...org, open: false })));
  if (options.dryRun || changed.length === 0) return report;
  await store.saveOrganisations(changed, (done) => options.onProgress?.(done, changed.length));
  for (const { code, oldParent } of moved) await store.removeFromParent(code, oldParent);
  return report;
}
