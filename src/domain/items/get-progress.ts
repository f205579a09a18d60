import type { CampaignStore } from '../checklists/campaigns';
import { NotFoundError } from '../shared/errors';
import type { Organisation, OrganisationStore } from '../access/organisations';
import {
  ITEM_STATUSES,
  groupCodeOf,
  isFinished,
  type ItemStatus,
  type TrackedItem,
} from './tracked-items';
import { type ItemStore } from './item-store';
import { compareNumeric } from '../shared/compare-text';

/** Counts of items by status, with completion and overdue figures. */
export interface Progress {
  total: number;
  byStatus: Record<ItemStatus, number>;
  /** Done or not applicable, as a whole percentage of all items (0 when there are none). */
  percentComplete: number;
  /** Past their deadline and neither done nor not applicable. */
  overdue: number;
}

/** The stores the progress queries need. */
export interface ProgressDeps {
  organisations: OrganisationStore;
  campaigns: CampaignStore;
  items: ItemStore;
}

/** Adds up items into a Progress; `today` (YYYY-MM-DD) decides what is overdue. */
export function summariseProgress(items: readonly TrackedItem[], today: string): Progress {
  const byStatus = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<
    ItemStatus,
    number
  >;
  let overdue = 0;
  for (const item of items) {
    byStatus[item.status] += 1;
    if (!isFinished(item) && item.dueDate !== undefined && item.dueDate < today) overdue += 1;
  }
  const finished = byStatus.done + byStatus.not_applicable;
  return {
    total: items.length,
    byStatus,
    percentComplete: items.length ? Math.round((finished / items.length) * 100) : 0,
    overdue,
  };
}

/** The items of one organisation in a campaign, ordered by action id. */
export async function listItemsForOrganisation(
  deps: ProgressDeps,
  campaignId: string,
  orgCode: string,
): Promise<{ org: Organisation; items: TrackedItem[] }> {
  const org = await requireOrg(deps, orgCode);
  const items = await deps.items.listItemsForOrg(campaignId, groupCodeOf(org), org.code);
  return {
    org,
    items: items.sort((a, b) => compareNumeric(a.actionId, b.actionId)),
  };
}

/**
 * Every item an organisation answers for: its own, and those of the organisations under it
 * (a PCN's practices, an ICB's PCNs and practices, a region's ICBs and everything below).
 */
export async function listItemsUnder(
  deps: ProgressDeps,
  campaignId: string,
  orgCode: string,
): Promise<{ org: Organisation; items: TrackedItem[] }> {
  const org = await requireOrg(deps, orgCode);
  switch (org.level) {
    case 'practice':
      return {
        org,
        items: await deps.items.listItemsForOrg(campaignId, groupCodeOf(org), org.code),
      };
    case 'pcn': {
      const all = await deps.items.listItemsForIcb(campaignId, groupCodeOf(org));
      return { org, items: all.filter((i) => i.orgCode === org.code || i.pcnCode === org.code) };
    }
    case 'icb':
      return { org, items: await deps.items.listItemsForIcb(campaignId, org.code) };
    case 'region': {
      const icbs = (await deps.organisations.listChildren(org.code)).filter(
        (c) => c.level === 'icb',
      );
      const groups = await Promise.all(
        [org.code, ...icbs.map((i) => i.code)].map((code) =>
          deps.items.listItemsForIcb(campaignId, code),
        ),
      );
      return { org, items: groups.flat() };
    }
  }
}

/** Progress of one organisation, including the organisations under it. */
export async function getProgress(
  deps: ProgressDeps,
  campaignId: string,
  orgCode: string,
  today: string,
): Promise<{ org: Organisation; progress: Progress }> {
  const { org, items } = await listItemsUnder(deps, campaignId, orgCode);
  return { org, progress: summariseProgress(items, today) };
}

async function requireOrg(deps: ProgressDeps, code: string): Promise<Organisation> {
  const org = await deps.organisations.getOrganisation(code);
  if (!org)
    throw new NotFoundError(`There is no organisation with ODS code ${code}. Check the code.`);
  return org;
}
