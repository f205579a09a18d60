import type { Organisation } from '../access/organisations';
import { parseOdsCode } from '../access/ods-codes';
import { campaignCovers } from '../cards/plan-cards';
import type { Campaign } from '../checklists/campaigns';
import { requireReader } from '../channels/require-reader';
import { NotFoundError } from '../shared/errors';
import type { DashboardDeps } from './dashboard-deps';

/** An organisation the person may read, with the campaign the dashboard shows and the others on offer. */
export interface OpenedOrg {
  org: Organisation;
  campaign: Campaign | undefined;
  /** Campaigns that cover the organisation, running ones first. */
  campaigns: Campaign[];
}

/**
 * Reads the organisation, checks the person may read it (the same rule as cards: a role that
 * reaches it), and picks the campaign: the one asked for, or the newest running one covering it.
 * The tab never passes a channel: its context is not proof of where the person is.
 */
export async function openDashboardOrg(
  deps: DashboardDeps,
  request: { userId: string; orgCode: unknown; campaignId?: unknown },
): Promise<OpenedOrg> {
  const code = parseOdsCode(request.orgCode);
  const org = await deps.organisations.getOrganisation(code);
  if (!org)
    throw new NotFoundError(`There is no organisation with ODS code ${code}. Check the code.`);
  await requireReader(deps, { userId: request.userId }, org);
  // A region's dashboard also shows campaigns sent to one of its ICBs (a region-wide view of
  // what its ICBs run).
  const icbsOfRegion =
    org.level === 'region'
      ? new Set((await deps.organisations.listChildren(org.code)).map((c) => c.code))
      : new Set<string>();
  const covers = (c: Campaign) =>
    campaignCovers(c, org) || (c.scope.kind === 'icb' && icbsOfRegion.has(c.scope.code));
  const campaigns = (await deps.campaigns.listCampaigns())
    .filter((c) => c.status !== 'draft' && covers(c))
    .sort(
      (a, b) =>
        Number(b.status === 'running') - Number(a.status === 'running') ||
        (b.launchedAt ?? b.createdAt).localeCompare(a.launchedAt ?? a.createdAt),
    );
  let campaign: Campaign | undefined = campaigns[0];
  if (request.campaignId !== undefined && request.campaignId !== '') {
    campaign = campaigns.find((c) => c.id === request.campaignId);
    if (!campaign)
      throw new NotFoundError(
        `That campaign does not cover ${org.name} (${org.code}). Pick one from the list.`,
      );
  }
  return { org, campaign, campaigns };
}
