import { canUpdateItems } from '../access/authorise';
import { formatOrgName } from '../access/display-name';
import { shortOrgName } from '../access/short-org-name';
import type { OrgLevel, Organisation } from '../access/organisations';
import { AREA_NAMES } from '../checklists/checklists';
import { loadActions } from '../cards/plan-cards';
import type { OrgCounts } from '../items/org-counts';
import { groupCodeOf, isFinished, type ItemStatus } from '../items/tracked-items';
import { todayInLondon } from '../shared/uk-dates';
import type { DashboardDeps } from './dashboard-deps';
import { sumAreas, sumFigures, type Figures } from './figures';
import { openDashboardOrg } from './open-dashboard-org';
import { isUnder, readCountsUnder } from './org-scope';
import { compareNumeric, comparePlain } from '../shared/compare-text';

/** An organisation as the dashboard names it. */
export interface OrgRef {
  code: string;
  name: string;
  /** The name without "NHS" and "Integrated Care Board", for narrow places. */
  shortName: string;
  level: OrgLevel;
}

/** One row of the "by organisation" table: a child of the organisation shown, and its figures. */
export interface ChildRow extends OrgRef {
  figures: Figures;
  /** False for a row that cannot be opened further (the organisation's own actions). */
  drillable: boolean;
}

/** One of the organisation's own actions, as the status table shows it. */
export interface OwnItem {
  actionId: string;
  title: string;
  area: string;
  status: ItemStatus;
  note: string;
  dueDate?: string;
  overdue: boolean;
  updatedByName?: string;
  updatedAt?: string;
  version: number;
}

/** Everything the dashboard screen of one organisation shows. */
export interface Dashboard {
  org: OrgRef;
  /** From the region down to the organisation's parent, for the breadcrumb. */
  ancestors: OrgRef[];
  campaign?: { id: string; name: string; status: string };
  campaigns: { id: string; name: string; status: string }[];
  today: string;
  figures: Figures;
  areas: { area: string; name: string; figures: Omit<Figures, 'overdue'> }[];
  /** Completion of each organisation directly under this one (plus its own actions). */
  children: ChildRow[];
  ownItems: OwnItem[];
  /** Whether the person may change this organisation's own items. */
  canUpdate: boolean;
}

function refOf(org: Pick<Organisation, 'code' | 'name' | 'level'>): OrgRef {
  return {
    code: org.code,
    name: formatOrgName(org.name),
    shortName: shortOrgName(org.name),
    level: org.level,
  };
}

/**
 * The dashboard of one organisation the person may read: completion by area and by organisation
 * under it, from the counts projection (never a read of every item), and its own actions.
 */
export async function getDashboard(
  deps: DashboardDeps,
  request: { userId: string; orgCode: unknown; campaignId?: unknown },
): Promise<Dashboard> {
  const { org, campaign, campaigns } = await openDashboardOrg(deps, request);
  const today = todayInLondon(deps.now());
  const ancestors = await listAncestors(deps, org);
  const summary = campaigns.map((c) => ({ id: c.id, name: c.name, status: c.status }));
  const grants = await deps.roles.listRolesOfUser(request.userId);
  const empty = sumFigures([], today);
  if (!campaign)
    return {
      org: refOf(org),
      ancestors,
      campaigns: summary,
      today,
      figures: empty,
      areas: [],
      children: [],
      ownItems: [],
      canUpdate: false,
    };
  const [counts, children, actions, own] = await Promise.all([
    readCountsUnder(deps.items, campaign.id, org),
    org.level === 'practice' ? Promise.resolve([]) : deps.organisations.listChildren(org.code),
    loadActions(deps, campaign),
    deps.items.listItemsForOrg(campaign.id, groupCodeOf(org), org.code),
  ]);
  const rows: ChildRow[] = children
    .filter((c) => c.open || counts.some((n) => n.orgCode === c.code))
    .map((child) => {
      const under = counts.filter((c) => isChildRow(child, c));
      return { ...refOf(child), figures: sumFigures(under, today), drillable: true };
    })
    .sort((a, b) => comparePlain(a.name, b.name));
  const ownCounts = counts.filter((c) => c.orgCode === org.code);
  if (rows.length > 0 && ownCounts.some((c) => c.total > 0))
    rows.unshift({
      code: org.code,
      name: `${org.name}: its own actions`,
      shortName: `${shortOrgName(org.name)}: own actions`,
      level: org.level,
      figures: sumFigures(ownCounts, today),
      drillable: false,
    });
  const ownItems = own
    .map((item): OwnItem => {
      const action = actions.get(item.actionId);
      return {
        actionId: item.actionId,
        title: action?.title ?? item.actionId,
        area: String(item.area),
        status: item.status,
        note: item.note,
        ...(item.dueDate ? { dueDate: item.dueDate } : {}),
        overdue: !isFinished(item) && item.dueDate !== undefined && item.dueDate < today,
        ...(item.updatedByName ? { updatedByName: item.updatedByName } : {}),
        ...(item.updatedAt ? { updatedAt: item.updatedAt } : {}),
        version: item.version,
      };
    })
    .sort((a, b) => compareNumeric(a.actionId, b.actionId));
  return {
    org: refOf(org),
    ancestors,
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status },
    campaigns: summary,
    today,
    figures: sumFigures(counts, today),
    areas: sumAreas(counts).map((a) => ({ ...a, name: AREA_NAMES[a.area] ?? a.area })),
    children: rows,
    ownItems,
    canUpdate: campaign.status === 'running' && canUpdateItems(grants, org),
  };
}

// A child's row adds up the child and everything under it.
function isChildRow(child: { code: string; level: OrgLevel }, c: OrgCounts): boolean {
  return isUnder({ code: child.code, level: child.level, name: '', open: true }, c);
}

async function listAncestors(deps: DashboardDeps, org: Organisation): Promise<OrgRef[]> {
  const codes = [org.regionCode, org.icbCode, org.level === 'practice' ? org.parentCode : undefined]
    .filter((c): c is string => c !== undefined && c !== org.code)
    .filter((c, i, all) => all.indexOf(c) === i);
  const found = await Promise.all(codes.map((c) => deps.organisations.getOrganisation(c)));
  return found.filter((o): o is Organisation => o !== undefined).map(refOf);
}
