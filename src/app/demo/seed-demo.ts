import type { CampaignStore } from '../../domain/checklists/campaigns';
import type { Checklist, ChecklistStore } from '../../domain/checklists/checklists';
import { closeCampaign, createCampaign } from '../../domain/campaigns/create-campaign';
import type { ItemStore } from '../../domain/items/item-store';
import { launchCampaign } from '../../domain/campaigns/launch-campaign';
import {
  ROOT_PARENT,
  type Organisation,
  type OrganisationStore,
} from '../../domain/access/organisations';
import type { RoleStore } from '../../domain/access/roles';
import { addDays, todayInLondon } from '../../domain/shared/uk-dates';

/** The stores the demo needs. */
export interface DemoDeps {
  organisations: OrganisationStore;
  checklists: ChecklistStore;
  campaigns: CampaignStore;
  items: ItemStore;
  roles: RoleStore;
  now: () => Date;
}

// Days from today, cycled over the actions: a living checklist with some items overdue, some due
// this week and some later, whatever day the demo starts.
const DEMO_OFFSETS = [-21, -9, -2, 1, 3, 6, 12, 25, 45, 70];

/** Deadlines relative to `today` for every action of the checklist, in the checklist's own order of dates. */
export function planDemoDeadlines(checklist: Checklist, today: string): Record<string, string> {
  const ordered = [...checklist.actions].sort(
    (a, b) => (a.due ?? '9999').localeCompare(b.due ?? '9999') || a.id.localeCompare(b.id),
  );
  return Object.fromEntries(
    ordered.map((a, i) => [a.id, addDays(today, DEMO_OFFSETS[i % DEMO_OFFSETS.length] as number)]),
  );
}

/** What the demo seeding did. */
export interface DemoSeed {
  seeded: boolean;
  icbCode: string;
  /** The demo ICB's region: the widest scope demo roles are given over. */
  regionCode: string;
  practiceCode: string;
  campaignIds: string[];
}

/**
 * On an empty store, loads the demo organisations and the checklist, and launches two campaigns
 * over the demo ICB: one with deadlines relative to today (running), and one with the official
 * 2023 dates, closed at once as a record.
 * Does nothing when the store already has organisations.
 */
export async function seedDemo(
  deps: DemoDeps,
  data: { organisations: readonly Organisation[]; checklist: Checklist },
): Promise<DemoSeed> {
  const icb = data.organisations.find((o) => o.level === 'icb');
  const practice = data.organisations.find((o) => o.level === 'practice' && o.open);
  const regionCode = icb?.regionCode ?? icb?.parentCode;
  if (!icb || !practice || !regionCode)
    throw new Error('The demo organisations need an ICB in a region and an open practice');
  const demoId = `demo-${icb.code.toLowerCase()}`;
  const officialId = `${data.checklist.id}-${icb.code.toLowerCase()}`;
  const result = {
    icbCode: icb.code,
    regionCode,
    practiceCode: practice.code,
    campaignIds: [demoId, officialId],
  };
  if ((await deps.organisations.listChildren(ROOT_PARENT)).length > 0)
    return { seeded: false, ...result };

  await deps.organisations.saveOrganisations(data.organisations);
  await deps.checklists.saveChecklist(data.checklist);
  // The official 2023 deadlines, kept as a closed record (read-only), so the demo campaign is the
  // one people work in: its cards are the ones delivered, and chat updates go to it.
  await createCampaign(deps, {
    checklistId: data.checklist.id,
    scopeCode: icb.code,
    id: officialId,
    name: 'The 2023 checklist with its official 2023 deadlines (a record)',
  });
  await launchCampaign(deps, officialId);
  await closeCampaign(deps, officialId);
  await createCampaign(deps, {
    checklistId: data.checklist.id,
    scopeCode: icb.code,
    id: demoId,
    name: 'Demo: access recovery checklist (deadlines set relative to today)',
    deadlines: planDemoDeadlines(data.checklist, todayInLondon(deps.now())),
  });
  await launchCampaign(deps, demoId);
  return { seeded: true, ...result };
}

/**
 * Local mode only: gives someone with no roles the demo roles (administrator of the demo's region
 * and staff of one demo practice) so every feature can be tried by hand. Never England-wide, so
 * real organisations loaded beside the demo stay out of reach. Production never calls this.
 */
export async function grantDemoRoles(
  deps: { roles: RoleStore; now: () => Date },
  userId: string,
  demo: { practiceCode: string; regionCode: string },
): Promise<boolean> {
  const { practiceCode, regionCode } = demo;
  if ((await deps.roles.listRolesOfUser(userId)).length > 0) return false;
  const grantedAt = deps.now().toISOString();
  await deps.roles.saveGrant({
    userId,
    role: 'administrator',
    orgCode: regionCode,
    grantedBy: 'local-demo',
    grantedAt,
  });
  await deps.roles.saveGrant({
    userId,
    role: 'practice_staff',
    orgCode: practiceCode,
    grantedBy: 'local-demo',
    grantedAt,
  });
  return true;
}
