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
}

/**
 * Writes the organisations that are new or different from what is stored, and nothing else, so
 * a second run of the same file reports 0 changes. Organisations missing from the file are left
 * alone: a file may cover only part of England.
 */
export async function applyOrgImport(
  store: OrganisationStore,
  incoming: readonly Organisation[],
  options: { dryRun?: boolean; onProgress?: (done: number, total: number) => void } = {},
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
  if (options.dryRun || changed.length === 0) return report;
  await store.saveOrganisations(changed, (done) => options.onProgress?.(done, changed.length));
  for (const { code, oldParent } of moved) await store.removeFromParent(code, oldParent);
  return report;
}
