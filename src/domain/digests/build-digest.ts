import type { Campaign } from '../checklists/campaigns';
import { NotFoundError } from '../shared/errors';
import { countItems, countOverdue, type BlockedItem, type OrgCounts } from '../items/org-counts';
import type { OrgChild, OrganisationStore } from '../access/organisations';
import { ITEM_STATUSES, type ItemStatus, type TrackedItem } from '../items/tracked-items';
import { type ItemStore } from '../items/item-store';
import { compareNumeric } from '../shared/compare-text';

// The figures of a weekly regional digest. They are added up from the per-organisation counts
// kept with every status change and from the blocked index, so a region costs one range read per
// ICB (plus one for the region's own actions) of those rows, never a read of its items.
// `buildRegionDigestByScan` works the same figures out from the items themselves: the benchmark's
// yardstick, and a check that the counts tell the truth.

/** The stores a digest reads. */
export interface DigestDeps {
  organisations: OrganisationStore;
  items: ItemStore;
}

/** Items by status, with completion and overdue figures. */
export interface DigestFigures {
  total: number;
  byStatus: Record<ItemStatus, number>;
  /** Done or not applicable, as a whole percentage of all items (0 when there are none). */
  percentComplete: number;
  /** Unfinished items whose deadline is before the digest's day. */
  overdue: number;
}

/** One row of a digest: an ICB (or the region's own actions) and its figures. */
export interface DigestRow {
  code: string;
  name: string;
  figures: DigestFigures;
}

/** Progress in one checklist area ("1"–"4", "cross-cutting"); deadlines are not kept per area. */
export interface DigestArea {
  area: string;
  figures: Omit<DigestFigures, 'overdue'>;
}

/** A blocked item as the digest lists it. */
export interface DigestBlocked {
  orgCode: string;
  orgName: string;
  icbCode: string;
  icbName: string;
  actionId: string;
  note: string;
  /** When it was marked blocked (ISO time). */
  since: string;
  byName?: string;
}

/** The figures a run keeps, so next week's digest can say what changed. */
export interface DigestSnapshot {
  /** The UK date of the digest. */
  date: string;
  total: number;
  finished: number;
  percentComplete: number;
  blocked: number;
  overdue: number;
  /** Percentage complete per ICB code. */
  icbs: Record<string, number>;
}

/**
 * Everything a digest card shows, as numbers and names. A regional digest has a row per ICB; an
 * ICB's digest (`level: 'icb'`) is the same one level down: `region` is the ICB, `icbs` its PCNs
 * (and its practices outside a PCN together) and `regionOwn` the ICB's own actions.
 */
export interface RegionDigest {
  /** Absent for a regional digest. */
  level?: 'icb';
  campaign: Pick<Campaign, 'id' | 'name'>;
  region: { code: string; name: string };
  /** The UK date the figures are for (what is overdue is decided on it). */
  today: string;
  headline: DigestFigures;
  /** One row per ICB with items in the campaign, in the order the region lists them. */
  icbs: DigestRow[];
  /** The regional team's own actions, when the campaign gave it any. */
  regionOwn?: DigestRow;
  areas: DigestArea[];
  /** The items blocked longest, oldest first (at most TOP_BLOCKED). */
  blocked: DigestBlocked[];
  /** How many items are blocked in all. */
  blockedTotal: number;
  /** Last week's figures, when there was a digest then. */
  previous?: DigestSnapshot;
}

/** How many blocked items a digest lists. */
export const TOP_BLOCKED = 5;

/** What a regional digest is built for. */
export interface RegionDigestInput {
  campaign: Pick<Campaign, 'id' | 'name'>;
  regionCode: string;
  /** UK date (YYYY-MM-DD) the figures are for. */
  today: string;
  previous?: DigestSnapshot;
}

/** What an ICB's digest is built for. */
export interface IcbDigestInput {
  campaign: Pick<Campaign, 'id' | 'name'>;
  icbCode: string;
  /** UK date (YYYY-MM-DD) the figures are for. */
  today: string;
  previous?: DigestSnapshot;
}

/** The row that gathers an ICB's practices that belong to no PCN (not an ODS code). */
export const NO_PCN_ROW = 'no PCN';

/**
 * An ICB's digest, a row per PCN, from the counts projection and the blocked index: one read of
 * the ICB's counts (practices carry their PCN) and one of its blocked items.
 */
export async function buildIcbDigest(
  deps: DigestDeps,
  input: IcbDigestInput,
): Promise<RegionDigest> {
  const icb = await deps.organisations.getOrganisation(input.icbCode);
  if (!icb || icb.level !== 'icb')
    throw new NotFoundError(`There is no ICB with code ${input.icbCode}.`);
  const [children, counts, blocked] = await Promise.all([
    deps.organisations.listChildren(icb.code),
    deps.items.listCountsForGroup(input.campaign.id, icb.code),
    deps.items.listBlockedForGroup(input.campaign.id, icb.code),
  ]);
  const pcns = children.filter((c) => c.level === 'pcn');
  const pcnCodes = new Set(pcns.map((p) => p.code));
  // Each organisation's row: its PCN (a practice), itself (a PCN's own actions), the ICB's own
  // row, or the row of practices outside a PCN.
  const rowOf = new Map<string, string>();
  for (const c of counts) {
    const pcn = c.pcnCode ?? c.orgCode;
    rowOf.set(c.orgCode, pcnCodes.has(pcn) ? pcn : c.orgCode === icb.code ? icb.code : NO_PCN_ROW);
  }
  const byRow = new Map<string, OrgCounts[]>();
  for (const c of counts) {
    const row = rowOf.get(c.orgCode) ?? NO_PCN_ROW;
    byRow.set(row, [...(byRow.get(row) ?? []), c]);
  }
  const rows = [...pcns, { code: NO_PCN_ROW, name: 'Practices outside a PCN' }];
  const inRows = blocked.map((b) => ({ ...b, icbCode: rowOf.get(b.orgCode) ?? NO_PCN_ROW }));
  const top = await nameBlocked(deps.organisations, pickTopBlocked(inRows), icb, rows);
  return {
    level: 'icb',
    ...summariseRegionDigest({
      campaign: input.campaign,
      region: { code: icb.code, name: icb.name },
      icbs: rows,
      counts: byRow,
      blocked: top,
      blockedTotal: blocked.length,
      today: input.today,
      ...(input.previous ? { previous: input.previous } : {}),
    }),
  };
}

/** How a digest gets one group's counts and blocked items: from the running counts, or the items. */
interface GroupReader {
  read(group: string): Promise<{ counts: readonly OrgCounts[]; blocked: readonly BlockedItem[] }>;
}

/**
 * A region's digest from the counts projection and the blocked index: one read of the region's
 * partition of the small OrgCounts table, whatever the number of items.
 */
export async function buildRegionDigest(
  deps: DigestDeps,
  input: RegionDigestInput,
): Promise<RegionDigest> {
  // One read of the region's counts projection; the groups are split out of it in memory.
  const region = await deps.items.listCountsAndBlockedForRegion(
    input.campaign.id,
    input.regionCode,
  );
  return buildDigest(deps, input, {
    read: (group) =>
      Promise.resolve({
        counts: region.counts.filter((c) => c.icbCode === group),
        blocked: region.blocked.filter((b) => b.icbCode === group),
      }),
  });
}

/** The same digest worked out from every item of the region (slow; for comparison and checks). */
export async function buildRegionDigestByScan(
  deps: DigestDeps,
  input: RegionDigestInput,
): Promise<RegionDigest> {
  return buildDigest(deps, input, {
    read: async (group) => {
      const items = await deps.items.listItemsForIcb(input.campaign.id, group);
      return {
        counts: [...countItems(items).values()],
        blocked: items.filter((i) => i.status === 'blocked').map(toBlocked),
      };
    },
  });
}

async function buildDigest(
  deps: DigestDeps,
  input: RegionDigestInput,
  reader: GroupReader,
): Promise<RegionDigest> {
  const region = await deps.organisations.getOrganisation(input.regionCode);
  if (!region || region.level !== 'region')
    throw new NotFoundError(`There is no region with code ${input.regionCode}.`);
  const icbs = (await deps.organisations.listChildren(region.code)).filter(
    (c) => c.level === 'icb',
  );
  const groups = await Promise.all(
    [region.code, ...icbs.map((i) => i.code)].map(async (code) => ({
      code,
      ...(await reader.read(code)),
    })),
  );
  const blocked = groups.flatMap((g) => g.blocked);
  const top = await nameBlocked(deps.organisations, pickTopBlocked(blocked), region, icbs);
  return summariseRegionDigest({
    campaign: input.campaign,
    region: { code: region.code, name: region.name },
    icbs,
    counts: new Map(groups.map((g) => [g.code, g.counts])),
    blocked: top,
    blockedTotal: blocked.length,
    today: input.today,
    ...(input.previous ? { previous: input.previous } : {}),
  });
}

/**
 * Adds up a region's counts into its digest (pure). `counts` holds each group's counts: the
 * region's own code and each ICB's; ICBs without items in the campaign get no row.
 */
export function summariseRegionDigest(input: {
  campaign: Pick<Campaign, 'id' | 'name'>;
  region: { code: string; name: string };
  icbs: readonly Pick<OrgChild, 'code' | 'name'>[];
  counts: ReadonlyMap<string, readonly OrgCounts[]>;
  blocked: DigestBlocked[];
  blockedTotal: number;
  today: string;
  previous?: DigestSnapshot;
}): RegionDigest {
  const { today } = input;
  const all = [...input.counts.values()].flat();
  const icbs = input.icbs
    .map((icb) => ({
      code: icb.code,
      name: icb.name,
      figures: addUpCounts(input.counts.get(icb.code) ?? [], today),
    }))
    .filter((row) => row.figures.total > 0);
  const own = addUpCounts(input.counts.get(input.region.code) ?? [], today);
  return {
    campaign: { id: input.campaign.id, name: input.campaign.name },
    region: input.region,
    today,
    headline: addUpCounts(all, today),
    icbs,
    ...(own.total > 0
      ? { regionOwn: { code: input.region.code, name: input.region.name, figures: own } }
      : {}),
    areas: addUpAreas(all),
    blocked: input.blocked,
    blockedTotal: input.blockedTotal,
    ...(input.previous ? { previous: input.previous } : {}),
  };
}

/** The figures of many organisations' counts together. */
export function addUpCounts(counts: readonly OrgCounts[], today: string): DigestFigures {
  const byStatus = zero();
  let total = 0;
  let overdue = 0;
  for (const c of counts) {
    total += c.total;
    for (const status of ITEM_STATUSES) byStatus[status] += c.byStatus[status] ?? 0;
    overdue += countOverdue(c, today);
  }
  return { total, byStatus, percentComplete: percentFinished(byStatus, total), overdue };
}

function addUpAreas(counts: readonly OrgCounts[]): DigestArea[] {
  const byArea = new Map<string, Record<ItemStatus, number>>();
  for (const c of counts)
    for (const [area, statuses] of Object.entries(c.byArea)) {
      let sum = byArea.get(area);
      if (!sum) byArea.set(area, (sum = zero()));
      for (const status of ITEM_STATUSES) sum[status] += statuses[status] ?? 0;
    }
  return [...byArea.entries()]
    .map(([area, byStatus]) => {
      const total = ITEM_STATUSES.reduce((n, s) => n + byStatus[s], 0);
      return {
        area,
        figures: { total, byStatus, percentComplete: percentFinished(byStatus, total) },
      };
    })
    .filter((a) => a.figures.total > 0)
    .sort((a, b) => compareNumeric(a.area, b.area));
}

/** The blocked items to list: blocked longest first, then by organisation and action. */
export function pickTopBlocked(
  blocked: readonly BlockedItem[],
  limit = TOP_BLOCKED,
): BlockedItem[] {
  return [...blocked]
    .sort(
      (a, b) =>
        a.since.localeCompare(b.since) ||
        a.orgCode.localeCompare(b.orgCode) ||
        compareNumeric(a.actionId, b.actionId),
    )
    .slice(0, limit);
}

/** The figures a run stores for next week's comparison. */
export function snapshotDigest(digest: RegionDigest): DigestSnapshot {
  const { headline } = digest;
  return {
    date: digest.today,
    total: headline.total,
    finished: headline.byStatus.done + headline.byStatus.not_applicable,
    percentComplete: headline.percentComplete,
    blocked: headline.byStatus.blocked,
    overdue: headline.overdue,
    icbs: Object.fromEntries(digest.icbs.map((r) => [r.code, r.figures.percentComplete])),
  };
}

async function nameBlocked(
  organisations: OrganisationStore,
  blocked: readonly BlockedItem[],
  region: { code: string; name: string },
  icbs: readonly Pick<OrgChild, 'code' | 'name'>[],
): Promise<DigestBlocked[]> {
  const groupNames = new Map([
    [region.code, region.name],
    ...icbs.map((i) => [i.code, i.name] as const),
  ]);
  // At most TOP_BLOCKED point reads (cached on the request path).
  const orgs = await Promise.all(blocked.map((b) => organisations.getOrganisation(b.orgCode)));
  return blocked.map((b, i) => ({
    orgCode: b.orgCode,
    orgName: orgs[i]?.name ?? b.orgCode,
    icbCode: b.icbCode,
    icbName: groupNames.get(b.icbCode) ?? b.icbCode,
    actionId: b.actionId,
    note: b.note,
    since: b.since,
    ...(b.byName ? { byName: b.byName } : {}),
  }));
}

function toBlocked(item: TrackedItem): BlockedItem {
  return {
    campaignId: item.campaignId,
    orgCode: item.orgCode,
    actionId: item.actionId,
    icbCode: item.icbCode,
    note: item.note,
    since: item.updatedAt ?? '',
    ...(item.updatedByName ? { byName: item.updatedByName } : {}),
  };
}

function zero(): Record<ItemStatus, number> {
  return Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>;
}

// The same rule as get-progress.ts's summariseProgress: done or not applicable is finished.
function percentFinished(byStatus: Record<ItemStatus, number>, total: number): number {
  return total ? Math.round(((byStatus.done + byStatus.not_applicable) / total) * 100) : 0;
}
