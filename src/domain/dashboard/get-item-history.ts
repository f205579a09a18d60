import { canUpdateItems } from '../access/authorise';
import { formatOrgName } from '../access/display-name';
import { loadActions } from '../cards/plan-cards';
import { requireReader } from '../channels/require-reader';
import { groupCodeOf, type StatusEvent, type TrackedItem } from '../items/tracked-items';
import { NotFoundError } from '../shared/errors';
import { parseOdsCode } from '../access/ods-codes';
import type { DashboardDeps } from './dashboard-deps';

/** One item with its whole history, newest change first. */
export interface ItemHistory {
  org: { code: string; name: string };
  campaign: { id: string; name: string; status: string };
  title: string;
  item: Omit<TrackedItem, 'etag' | 'lastChangeId' | 'updatedBy'>;
  events: Omit<StatusEvent, 'by'>[];
  canUpdate: boolean;
}

/** An item's history for a person who may read its organisation (the same rule as cards). */
export async function getItemHistory(
  deps: DashboardDeps,
  request: { userId: string; campaignId: unknown; orgCode: unknown; actionId: unknown },
): Promise<ItemHistory> {
  const code = parseOdsCode(request.orgCode);
  const org = await deps.organisations.getOrganisation(code);
  if (!org)
    throw new NotFoundError(`There is no organisation with ODS code ${code}. Check the code.`);
  await requireReader(deps, { userId: request.userId }, org);
  const campaign =
    typeof request.campaignId === 'string'
      ? await deps.campaigns.getCampaign(request.campaignId)
      : undefined;
  const actionId = typeof request.actionId === 'string' ? request.actionId : '';
  const key = { campaignId: campaign?.id ?? '', orgCode: org.code, actionId };
  const item = campaign
    ? await deps.items.getItem({ ...key, icbCode: groupCodeOf(org) })
    : undefined;
  if (!campaign || !item)
    throw new NotFoundError(
      `${org.name} has no action ${actionId.slice(0, 20)} in that campaign. Open it from the dashboard.`,
    );
  const [events, actions, grants] = await Promise.all([
    deps.items.listEvents({ ...key, icbCode: groupCodeOf(org) }),
    loadActions(deps, campaign),
    deps.roles.listRolesOfUser(request.userId),
  ]);
  // Entra object ids stay on the server: the tab shows names.
  const { etag: _e, lastChangeId: _c, updatedBy: _b, ...shown } = item;
  return {
    org: { code: org.code, name: formatOrgName(org.name) },
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status },
    title: actions.get(item.actionId)?.title ?? item.actionId,
    item: shown,
    events: events.reverse().map(({ by: _by, ...e }) => e),
    canUpdate: campaign.status === 'running' && canUpdateItems(grants, org),
  };
}
