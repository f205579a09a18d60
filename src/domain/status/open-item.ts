import { canUpdateItems } from '../access/authorise';
import type { Campaign } from '../checklists/campaigns';
import type { ChecklistAction } from '../checklists/checklists';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../shared/errors';
import type { Organisation } from '../access/organisations';
import { loadActions, type CardDeps } from '../cards/plan-cards';
import type { RoleStore } from '../access/roles';
import type { ReadFreshness } from '../items/item-store';
import { groupCodeOf, type ItemKey, type TrackedItem } from '../items/tracked-items';

/** One item opened for updating, with its organisation, campaign and checklist action. */
export interface OpenedItem {
  org: Organisation;
  campaign: Campaign;
  item: TrackedItem;
  action: ChecklistAction | undefined;
}

/** An organisation's items in a running campaign, for a person allowed to change them. */
export interface ChangeScope {
  org: Organisation;
  campaign: Campaign;
  items: TrackedItem[];
}

/**
 * Reads what a change to one organisation's items needs and checks it may happen: the
 * organisation and the campaign exist, the campaign is running, and the person's roles reach
 * the organisation. The items and counts are read in the same round trip as the roles.
 */
export async function openForChange(
  deps: Pick<CardDeps, 'organisations' | 'campaigns' | 'items'> & { roles: RoleStore },
  key: Pick<ItemKey, 'campaignId' | 'orgCode'>,
  userId: string,
  freshness?: ReadFreshness,
): Promise<ChangeScope> {
  const org = await deps.organisations.getOrganisation(key.orgCode);
  if (!org)
    throw new NotFoundError(
      `There is no organisation with ODS code ${key.orgCode}. Check the code.`,
    );
  const [campaign, grants, read] = await Promise.all([
    deps.campaigns.getCampaign(key.campaignId),
    deps.roles.listRolesOfUser(userId),
    deps.items.listItemsForOrg(key.campaignId, groupCodeOf(org), org.code, freshness),
  ]);
  if (!campaign) throw new NotFoundError(`There is no campaign "${key.campaignId}".`);
  if (campaign.status !== 'running')
    throw new InvalidInputError(
      `The campaign "${campaign.name}" is ${campaign.status}, so its items cannot be changed.`,
    );
  if (!canUpdateItems(grants, org))
    throw new ForbiddenError(
      `You do not have a role that lets you update ${org.name} (${org.code}). Ask your ICB's administrator to grant you one.`,
    );
  return { org, campaign, items: read };
}

/** The one item a person asked for, or a NotFoundError that says how to find the right one. */
export function requireItem(scope: ChangeScope, actionId: string): TrackedItem {
  const item = scope.items.find((i) => i.actionId === actionId);
  if (!item)
    throw new NotFoundError(
      `${scope.org.name} has no action ${actionId} in "${scope.campaign.name}". Check the action id.`,
    );
  return item;
}

/**
 * Opens an item for a person to update: the same checks as a status change, made before they
 * choose, so nobody fills in a form only to be refused.
 */
export async function openItem(
  deps: CardDeps & { roles: RoleStore },
  key: ItemKey,
  userId: string,
): Promise<OpenedItem> {
  const scope = await openForChange(deps, key, userId);
  const item = requireItem(scope, key.actionId);
  const actions = await loadActions(deps, scope.campaign);
  return { org: scope.org, campaign: scope.campaign, item, action: actions.get(item.actionId) };
}
