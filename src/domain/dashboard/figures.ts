import { ITEM_STATUSES, type ItemStatus } from '../items/tracked-items';
import { countOverdue, type OrgCounts } from '../items/org-counts';
import { compareNumeric } from '../shared/compare-text';

/** Items by status with completion and overdue figures, as the dashboard shows them. */
export interface Figures {
  total: number;
  /** Done or not applicable. */
  finished: number;
  /** Whole percentage of all items finished (0 when there are none). */
  percentComplete: number;
  byStatus: Record<ItemStatus, number>;
  /** Unfinished items past their deadline. */
  overdue: number;
}

/** Adds up organisations' counts; `today` (YYYY-MM-DD) decides what is overdue. */
export function sumFigures(counts: readonly OrgCounts[], today: string): Figures {
  const byStatus = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<
    ItemStatus,
    number
  >;
  let total = 0;
  let overdue = 0;
  for (const c of counts) {
    total += c.total;
    for (const s of ITEM_STATUSES) byStatus[s] += c.byStatus[s] ?? 0;
    overdue += countOverdue(c, today);
  }
  const finished = byStatus.done + byStatus.not_applicable;
  return {
    total,
    finished,
    percentComplete: total ? Math.round((finished / total) * 100) : 0,
    byStatus,
    overdue,
  };
}

/** Adds up organisations' counts per checklist area (no deadlines per area, so no overdue). */
export function sumAreas(
  counts: readonly OrgCounts[],
): { area: string; figures: Omit<Figures, 'overdue'> }[] {
  const areas = new Map<string, OrgCounts[]>();
  for (const c of counts)
    for (const [area, byStatus] of Object.entries(c.byArea)) {
      const total = ITEM_STATUSES.reduce((n, s) => n + (byStatus[s] ?? 0), 0);
      const list = areas.get(area) ?? [];
      list.push({ ...c, total, byStatus, unfinishedDue: {} });
      areas.set(area, list);
    }
  return [...areas.entries()]
    .sort(([a], [b]) => compareNumeric(a, b))
    .map(([area, list]) => {
      const { overdue: _none, ...figures } = sumFigures(list, '0000-00-00');
      return { area, figures };
    });
}
