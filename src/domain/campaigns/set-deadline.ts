import { isInScope } from './launch-campaign';
import type { Campaign, CampaignStore } from '../checklists/campaigns';
import type { ChecklistStore } from '../checklists/checklists';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import { ROOT_PARENT, type OrganisationStore } from '../access/organisations';
import type { ItemStore } from '../items/item-store';
import { isIsoDate } from '../shared/uk-dates';

/** The stores setDeadline needs. */
export interface DeadlineDeps {
  campaigns: CampaignStore;
  checklists: ChecklistStore;
  organisations: OrganisationStore;
  items: ItemStore;
}

/** A deadline change: for everyone in the campaign, or (with icbCode) as one ICB's override. */
export interface DeadlineChange {
  campaignId: string;
  actionId: string;
  /** YYYY-MM-DD, or undefined to remove the deadline (or the ICB's override). */
  date: string | undefined;
  icbCode?: string;
}

/**
 * Sets an action's deadline in a campaign, or one ICB's override of it, and moves the deadline
 * of the items it applies to. Statuses and notes are untouched.
 */
export async function setDeadline(
  deps: DeadlineDeps,
  change: DeadlineChange,
  options: { dryRun?: boolean } = {},
): Promise<{ campaign: Campaign; itemsUpdated: number }> {
  if (change.date !== undefined && !isIsoDate(change.date))
    throw new InvalidInputError(
      `"${change.date}" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31.`,
    );
  const campaign = await deps.campaigns.getCampaign(change.campaignId);
  if (!campaign)
    throw new NotFoundError(`There is no campaign "${change.campaignId}". See list-campaigns.`);
  if (campaign.status === 'closed')
    throw new InvalidInputError(
      `Campaign "${campaign.name}" is closed; its deadlines are a record and cannot change.`,
    );
  const checklist = await deps.checklists.getChecklist(
    campaign.checklistId,
    campaign.checklistVersion,
  );
  const action = checklist?.actions.find((a) => a.id === change.actionId);
  if (!action)
    throw new NotFoundError(`Action ${change.actionId} is not in this campaign's checklist.`);

  const next: Campaign = {
    ...campaign,
    deadlines: { ...campaign.deadlines },
    icbOverrides: { ...campaign.icbOverrides },
  };
  let groups: string[];
  if (change.icbCode) {
    const icb = await deps.organisations.getOrganisation(change.icbCode.toUpperCase());
    if (!icb || icb.level !== 'icb')
      throw new NotFoundError(`There is no ICB with code ${change.icbCode}.`);
    if (!isInScope(icb, campaign.scope))
      throw new InvalidInputError(`${icb.name} is not in this campaign's scope.`);
    if (action.level === 'region')
      throw new InvalidInputError(
        `${action.id} is a regional action; ICBs cannot override its deadline.`,
      );
    const overrides = { ...(next.icbOverrides[icb.code] ?? {}) };
    if (change.date === undefined) delete overrides[action.id];
    else overrides[action.id] = change.date;
    next.icbOverrides[icb.code] = overrides;
    groups = [icb.code];
  } else {
    if (change.date === undefined) delete next.deadlines[action.id];
    else next.deadlines[action.id] = change.date;
    // ICBs that set their own date for this action keep it.
    groups = (await listGroups(deps.organisations, campaign, action.level === 'region')).filter(
      (code) => next.icbOverrides[code]?.[action.id] === undefined,
    );
  }
  if (!options.dryRun) await deps.campaigns.saveCampaign(next);
  let itemsUpdated = 0;
  for (const group of groups) {
    const due =
      (change.icbCode ? next.icbOverrides[group]?.[action.id] : undefined) ??
      next.deadlines[action.id];
    itemsUpdated += options.dryRun
      ? (await deps.items.listItemsForIcb(campaign.id, group)).filter(
          (i) => i.actionId === action.id && i.dueDate !== due,
        ).length
      : await deps.items.setDueDates(campaign.id, group, action.id, due);
  }
  return { campaign: options.dryRun ? campaign : next, itemsUpdated };
}

/** The item groups of a campaign: its regions (for regional actions) or its ICBs. */
async function listGroups(
  organisations: OrganisationStore,
  campaign: Campaign,
  regions: boolean,
): Promise<string[]> {
  if (campaign.scope.kind === 'icb') return regions ? [] : [campaign.scope.code];
  const regionCodes =
    campaign.scope.kind === 'region'
      ? [campaign.scope.code]
      : (await organisations.listChildren(ROOT_PARENT)).map((r) => r.code);
  if (regions) return regionCodes;
  const icbs = await Promise.all(regionCodes.map((code) => organisations.listChildren(code)));
  return icbs
    .flat()
    .filter((c) => c.level === 'icb')
    .map((c) => c.code);
}
