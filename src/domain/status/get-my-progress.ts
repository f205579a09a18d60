import type { CampaignStore } from '../checklists/campaigns';
import type { Organisation, OrganisationStore } from '../access/organisations';
import { listItemsUnder, summariseProgress, type Progress } from '../items/get-progress';
import { isFinished, type TrackedItem } from '../items/tracked-items';
import { ENGLAND, type RoleStore } from '../access/roles';
import type { ItemStore } from '../items/item-store';

/** One organisation's standing in one running campaign, for the person asking. */
export interface MyProgress {
  org: Organisation;
  campaignId: string;
  campaignName: string;
  progress: Progress;
  /** Unfinished items, soonest deadline first (overdue first of all). */
  next: TrackedItem[];
}

/** How many organisations and next items a chat answer shows. */
const MAX_ORGS = 3;
const MAX_NEXT = 5;

/** Progress of the organisations the person holds roles over, in every running campaign. */
export async function getMyProgress(
  deps: {
    organisations: OrganisationStore;
    campaigns: CampaignStore;
    items: ItemStore;
    roles: RoleStore;
  },
  userId: string,
  today: string,
): Promise<{ results: MyProgress[]; englandOnly: boolean }> {
  const grants = await deps.roles.listRolesOfUser(userId);
  const codes = [...new Set(grants.map((g) => g.orgCode).filter((c) => c !== ENGLAND))].slice(
    0,
    MAX_ORGS,
  );
  const campaigns = (await deps.campaigns.listCampaigns()).filter((c) => c.status === 'running');
  const results: MyProgress[] = [];
  for (const code of codes) {
    for (const campaign of campaigns) {
      const { org, items } = await listItemsUnder(deps, campaign.id, code).catch(() => ({
        org: undefined,
        items: [] as TrackedItem[],
      }));
      if (!org || items.length === 0) continue;
      const next = items
        .filter((i) => !isFinished(i) && i.orgCode === org.code)
        .sort(
          (a, b) =>
            (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') ||
            a.actionId.localeCompare(b.actionId),
        )
        .slice(0, MAX_NEXT);
      results.push({
        org,
        campaignId: campaign.id,
        campaignName: campaign.name,
        progress: summariseProgress(items, today),
        next,
      });
    }
  }
  return { results, englandOnly: codes.length === 0 && grants.length > 0 };
}
