import {
  resolveDeadline,
  type Campaign,
  type CampaignScope,
  type CampaignStore,
} from '../checklists/campaigns';
import type { Checklist, ChecklistStore } from '../checklists/checklists';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import type { Organisation, OrganisationStore } from '../access/organisations';
import { groupCodeOf, type TrackedItem } from '../items/tracked-items';
import { type ItemStore } from '../items/item-store';

/** The stores a launch needs. */
export interface LaunchDeps {
  organisations: OrganisationStore;
  checklists: ChecklistStore;
  campaigns: CampaignStore;
  items: ItemStore;
  now: () => Date;
}

/** What a launch did. */
export interface LaunchResult {
  campaign: Campaign;
  /** Items the campaign should have. */
  planned: number;
  /** Items created by this run (0 on a relaunch). */
  created: number;
}

/** True when `org` is inside `scope`. */
export function isInScope(org: Organisation, scope: CampaignScope): boolean {
  if (scope.kind === 'england') return true;
  if (scope.kind === 'region') return org.code === scope.code || org.regionCode === scope.code;
  return org.code === scope.code || org.icbCode === scope.code;
}

/** One item per open organisation in scope per action at that organisation's level. */
export function planItems(
  campaign: Campaign,
  checklist: Checklist,
  orgs: readonly Organisation[],
): TrackedItem[] {
  const items: TrackedItem[] = [];
  // (Map.groupBy would do, but it arrived in Node 21.)
  const byLevel = new Map<string, Checklist['actions']>();
  for (const action of checklist.actions)
    byLevel.set(action.level, [...(byLevel.get(action.level) ?? []), action]);
  for (const org of orgs) {
    if (!org.open || !isInScope(org, campaign.scope)) continue;
    // An ICB-scoped campaign does not give the region itself anything to do.
    if (campaign.scope.kind === 'icb' && org.level === 'region') continue;
    const groupCode = groupCodeOf(org);
    for (const action of byLevel.get(org.level) ?? []) {
      const item: TrackedItem = {
        campaignId: campaign.id,
        orgCode: org.code,
        actionId: action.id,
        level: action.level,
        area: action.area,
        icbCode: groupCode,
        regionCode: org.regionCode ?? org.code,
        status: 'not_started',
        note: '',
        version: 1,
      };
      if (org.level === 'practice' && org.parentCode && org.parentCode !== org.icbCode)
        item.pcnCode = org.parentCode;
      const due = resolveDeadline(
        campaign,
        action.id,
        org.level === 'region' ? undefined : groupCode,
      );
      if (due) item.dueDate = due;
      items.push(item);
    }
  }
  return items;
}

/**
 * Creates the items of a campaign for every organisation in scope and marks it running.
 * Safe to run again: existing items are left as they are, so a relaunch changes nothing.
 */
export async function launchCampaign(
  deps: LaunchDeps,
  campaignId: string,
  onProgress?: (done: number, total: number) => void,
): Promise<LaunchResult> {
  const campaign = await deps.campaigns.getCampaign(campaignId);
  if (!campaign) throw new NotFoundError(`There is no campaign "${campaignId}". Create it first.`);
  if (campaign.status === 'closed')
    throw new InvalidInputError(
      `Campaign "${campaign.name}" is closed and cannot be launched again.`,
    );
  const checklist = await deps.checklists.getChecklist(
    campaign.checklistId,
    campaign.checklistVersion,
  );
  if (!checklist) {
    throw new NotFoundError(
      `Checklist ${campaign.checklistId} version ${campaign.checklistVersion} is not loaded. Import it first.`,
    );
  }
  const items = planItems(campaign, checklist, await deps.organisations.listAll());
  const created = await deps.items.createMissingItems(items, (done) =>
    onProgress?.(done, items.length),
  );
  let saved = campaign;
  if (campaign.status === 'draft') {
    saved = { ...campaign, status: 'running', launchedAt: deps.now().toISOString() };
    await deps.campaigns.saveCampaign(saved);
  }
  return { campaign: saved, planned: items.length, created };
}
