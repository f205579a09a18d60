import { canUpdateItems } from './authorise';
import type { Campaign } from './campaigns';
import type { ChecklistAction } from './checklists';
import { ForbiddenError, InvalidInputError, NotFoundError } from './errors';
import type { Organisation } from './organisations';
import { loadActions, type CardDeps } from './plan-cards';
import type { RoleStore } from './roles';
import { groupCodeOf, type ItemKey, type TrackedItem } from './tracked-items';

/** One item opened for updating, with its organisation, campaign and checklist action. */
export interface OpenedItem {
  org: Organisation;
  campaign: Campaign;
  item: TrackedItem;
  action: ChecklistAction | undefined;
}

/**
 * Opens an item for a person to update: the same checks as a status change (it exists, the
 * campaign is running, the person may update it), made before they choose, so nobody fills in
 * a form only to be refused.
 */
export async function openItem(
  deps: CardDeps & { roles: RoleStore },
  key: ItemKey,
  userId: string,
): Promise<OpenedItem> {
  const org = await deps.organisations.getOrganisation(key.orgCode);
  if (!org)
    throw new NotFoundError(
      `There is no organisation with ODS code ${key.orgCode}. Check the code.`,
    );
  const [campaign, grants, items] = await Promise.all([
    deps.campaigns.getCampaign(key.campaignId),
    deps.roles.listRolesOfUser(userId),
    deps.items.listItemsForOrg(key.campaignId, groupCodeOf(org), org.code),
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
  const item = items.find((i) => i.actionId === key.actionId);
  if (!item)
    throw new NotFoundError(
      `${org.name} has no action ${key.actionId} in "${campaign.name}". Check the action id.`,
    );
  const actions = await loadActions(deps, campaign);
  return { org, campaign, item, action: actions.get(item.actionId) };
}
