import pLimit from 'p-limit';
import { ROOT_PARENT, type OrganisationStore } from '../access/organisations';
import type { CampaignStore } from '../checklists/campaigns';
import type { ItemStore } from './item-store';

/** What the counts projection reads and writes. */
export interface ProjectCountsDeps {
  items: ItemStore;
  campaigns: CampaignStore;
  organisations: OrganisationStore;
}

/** One organisation whose counts are to be projected. */
export interface CountsKey {
  campaignId: string;
  /** The group (ICB, or region for region-level items) its items are kept under. */
  icbCode: string;
  orgCode: string;
}

/** Reads in flight at once while draining: enough to hide latency, few enough to be polite. */
const PARALLEL_READS = 8;
/** Above this many marked organisations in one group, the whole group is projected in one go. */
const GROUP_AT_ONCE = 8;
/** Passes over one organisation before leaving it for the next drain (presses keep coming). */
const MAX_PASSES = 5;

/**
 * Projects one organisation's counts, again while presses keep arriving during the count, up to
 * a few passes. Returns true once its counts were written with no newer change pending.
 */
export async function projectOrganisation(
  deps: Pick<ProjectCountsDeps, 'items'>,
  key: CountsKey,
): Promise<boolean> {
  for (let pass = 0; pass < MAX_PASSES; pass += 1)
    if (await deps.items.projectCounts(key.campaignId, key.icbCode, key.orgCode)) return true;
  return false;
}

/**
 * Brings every organisation's counts up to date with its items: finds the organisations whose
 * "changed" mark is set (by a press whose projection has not run, e.g. before a crash) in every
 * group of every running campaign, and projects each. Run on start, before digests and nudges,
 * and by `admin recount`. Returns how many organisations it projected.
 */
export async function drainPendingCounts(deps: ProjectCountsDeps): Promise<number> {
  const campaigns = (await deps.campaigns.listCampaigns()).filter((c) => c.status === 'running');
  if (campaigns.length === 0) return 0;
  const regions = await deps.organisations.listChildren(ROOT_PARENT);
  const icbs = (
    await Promise.all(regions.map((r) => deps.organisations.listChildren(r.code)))
  ).flat();
  const groups = [...regions, ...icbs].map((o) => o.code);
  const limit = pLimit(PARALLEL_READS);
  const counted = await Promise.all(
    campaigns.flatMap((campaign) =>
      groups.map((icbCode) =>
        limit(async () => {
          const pending = await deps.items.listPendingCounts(campaign.id, icbCode);
          if (pending.length === 0) return 0;
          // Many at once (a bulk import, a long outage): one read of the group beats one per
          // organisation. A mark that moved meanwhile stays set for the next drain.
          if (pending.length > GROUP_AT_ONCE) {
            await deps.items.projectGroup(campaign.id, icbCode);
            return pending.length;
          }
          for (const orgCode of pending)
            await projectOrganisation(deps, { campaignId: campaign.id, icbCode, orgCode });
          return pending.length;
        }),
      ),
    ),
  );
  return counted.reduce((a, b) => a + b, 0);
}
