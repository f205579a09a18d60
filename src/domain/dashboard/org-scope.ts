import type { Organisation } from '../access/organisations';
import type { OrgCounts } from '../items/org-counts';
import { groupCodeOf } from '../items/tracked-items';
import type { ItemStore } from '../items/item-store';

/** True when counts (or an item) of `row` belong to `org` or an organisation under it. */
export function isUnder(
  org: Organisation,
  row: { orgCode: string; icbCode: string; regionCode?: string; pcnCode?: string },
): boolean {
  switch (org.level) {
    case 'region':
      return row.regionCode === org.code || row.icbCode === org.code || row.orgCode === org.code;
    case 'icb':
      return row.icbCode === org.code;
    case 'pcn':
      return row.orgCode === org.code || row.pcnCode === org.code;
    case 'practice':
      return row.orgCode === org.code;
  }
}

/**
 * The counts of every organisation under `org` (itself included) from the counts projection: one
 * read of the region's rows for a region, one read of the ICB's for anything in an ICB.
 */
export async function readCountsUnder(
  items: Pick<ItemStore, 'listCountsAndBlockedForRegion' | 'listCountsForGroup'>,
  campaignId: string,
  org: Organisation,
): Promise<OrgCounts[]> {
  const counts =
    org.level === 'region'
      ? (await items.listCountsAndBlockedForRegion(campaignId, org.code)).counts
      : await items.listCountsForGroup(campaignId, groupCodeOf(org));
  return counts.filter((c) => isUnder(org, c));
}
