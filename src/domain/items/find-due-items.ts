import { resolveDeadline, type CampaignStore } from '../checklists/campaigns';
import type { ChecklistStore } from '../checklists/checklists';
import { NotFoundError } from '../shared/errors';
import { isFinished, type TrackedItem } from './tracked-items';
import { ROOT_PARENT, type OrganisationStore } from '../access/organisations';
import type { ItemStore } from './item-store';
import pLimit from 'p-limit';

/** Item groups read at once. */
const PARALLEL_GROUPS = 4;

/** The stores findDueItems needs. */
export interface DueDeps {
  campaigns: CampaignStore;
  checklists: ChecklistStore;
  organisations: OrganisationStore;
  items: ItemStore;
}

/**
 * Items of a campaign whose deadline falls between `from` and `to` (YYYY-MM-DD, inclusive),
 * not yet done or not applicable unless `includeFinished`. Deadlines belong to actions (and ICB
 * overrides), so the campaign record says which item groups can hold such items; only those
 * are read (see storage KEYS.md), never the whole table.
 */
export async function findDueItems(
  deps: DueDeps,
  campaignId: string,
  range: { from: string; to: string; includeFinished?: boolean },
): Promise<TrackedItem[]> {
  const campaign = await deps.campaigns.getCampaign(campaignId);
  if (!campaign) throw new NotFoundError(`There is no campaign "${campaignId}".`);
  const checklist = await deps.checklists.getChecklist(
    campaign.checklistId,
    campaign.checklistVersion,
  );
  if (!checklist) throw new NotFoundError(`Checklist ${campaign.checklistId} is not loaded.`);
  const inRange = (date: string | undefined) =>
    date !== undefined && date >= range.from && date <= range.to;

  const groups = await listGroups(deps.organisations, campaign.scope);
  const found: TrackedItem[] = [];
  // A few groups are read at once: over England that is 49 partition reads, one after another
  // otherwise. The sort below makes the order of arrival irrelevant (an organisation's items
  // all come from its own group).
  const limit = pLimit(PARALLEL_GROUPS);
  await Promise.all(
    groups.map(({ code, level }) =>
      limit(async () => {
        const actions = checklist.actions.filter(
          (a) =>
            (level === 'region') === (a.level === 'region') &&
            inRange(resolveDeadline(campaign, a.id, level === 'region' ? undefined : code)),
        );
        if (actions.length === 0) return; // nothing due here: this group is not read at all
        const wanted = new Set(actions.map((a) => a.id));
        const items = await deps.items.listItemsForIcb(campaign.id, code);
        found.push(
          ...items.filter(
            (i) =>
              wanted.has(i.actionId) &&
              inRange(i.dueDate) &&
              (range.includeFinished || !isFinished(i)),
          ),
        );
      }),
    ),
  );
  return found.sort(
    (a, b) =>
      (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || a.orgCode.localeCompare(b.orgCode),
  );
}

async function listGroups(
  organisations: OrganisationStore,
  scope: { kind: string; code?: string },
): Promise<{ code: string; level: 'region' | 'icb' }[]> {
  if (scope.kind === 'icb' && scope.code) return [{ code: scope.code, level: 'icb' }];
  const regions =
    scope.kind === 'region' && scope.code
      ? [scope.code]
      : (await organisations.listChildren(ROOT_PARENT)).map((r) => r.code);
  const icbs = (await Promise.all(regions.map((r) => organisations.listChildren(r))))
    .flat()
    .filter((c) => c.level === 'icb');
  return [
    ...regions.map((code) => ({ code, level: 'region' as const })),
    ...icbs.map((i) => ({ code: i.code, level: 'icb' as const })),
  ];
}
