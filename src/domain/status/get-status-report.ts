import { escapeMarkdown } from '../shared/escape-markdown';
import { parseOdsCode } from '../access/ods-codes';
import type { Organisation } from '../access/organisations';
import { describeProgress } from '../cards/card-views';
import { campaignCovers, type CardDeps } from '../cards/plan-cards';
import type { RoleStore } from '../access/roles';
import type { LinkStore } from '../channels/channel-links';
import { requireReader } from '../channels/require-reader';
import { getProgress } from '../items/get-progress';
import { NotFoundError } from '../shared/errors';
import { todayInLondon } from '../shared/uk-dates';

/** Where `status` was asked: the channel (if any) decides the organisation when none is typed. */
export interface StatusRequest {
  code: unknown;
  userId: string | undefined;
  place?: { teamId: string; channelId: string };
}

/** The progress card's content for one organisation, or `mine` for the person's own progress. */
export type StatusReport =
  | { kind: 'mine' }
  | {
      kind: 'organisation';
      org: Organisation;
      intro: string;
      sections: { heading: string; campaign: string; summary: string; next: never[] }[];
    };

/**
 * `status [ODS code]`: the progress of an organisation (with everything under it) in each running
 * campaign. Without a code: the channel's linked organisation, or else the person's own.
 */
export async function getStatusReport(
  deps: CardDeps & { links: LinkStore; roles: RoleStore },
  request: StatusRequest,
): Promise<StatusReport> {
  let code = request.code === undefined ? undefined : parseOdsCode(request.code);
  if (!code) {
    const link = request.place
      ? await deps.links.findLinkOfChannel(request.place.teamId, request.place.channelId)
      : undefined;
    if (!link?.active) return { kind: 'mine' };
    code = link.orgCode;
  }
  const org = await deps.organisations.getOrganisation(code);
  if (!org)
    throw new NotFoundError(`There is no organisation with ODS code ${code}. Check the code.`);
  await requireReader(deps, request, org);
  const today = todayInLondon(deps.now());
  const campaigns = (await deps.campaigns.listCampaigns()).filter(
    (c) => c.status === 'running' && campaignCovers(c, org),
  );
  const sections = [];
  for (const campaign of campaigns) {
    const { progress } = await getProgress(deps, campaign.id, org.code, today);
    sections.push({
      heading: `${escapeMarkdown(org.name)} (${org.code})`,
      campaign: escapeMarkdown(campaign.name),
      summary: describeProgress(progress),
      next: [],
    });
  }
  const intro =
    sections.length > 0
      ? `Progress of ${escapeMarkdown(org.name)} and everything under it, in each running campaign.`
      : `No running campaign covers ${escapeMarkdown(org.name)}.`;
  return { kind: 'organisation', org, intro, sections };
}
