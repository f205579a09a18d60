import { formatOrgName } from '../access/display-name';
import { loadActions } from '../cards/plan-cards';
import { listItemsUnder } from '../items/get-progress';
import { isFinished, type ItemStatus } from '../items/tracked-items';
import { InvalidInputError } from '../shared/errors';
import { todayInLondon } from '../shared/uk-dates';
import type { DashboardDeps } from './dashboard-deps';
import { openDashboardOrg } from './open-dashboard-org';
import { isUnder } from './org-scope';
import { compareNumeric } from '../shared/compare-text';

/** Which list: unfinished items past their deadline, or items blocked now. */
export type AttentionKind = 'overdue' | 'blocked';

/** One overdue or blocked item, with its note and who changed it when. */
export interface AttentionRow {
  campaignId: string;
  orgCode: string;
  orgName: string;
  actionId: string;
  title: string;
  status: ItemStatus;
  dueDate?: string;
  note: string;
  updatedByName?: string;
  updatedAt?: string;
}

/** One page of a list, and where the next starts (absent on the last page). */
export interface AttentionPage {
  kind: AttentionKind;
  rows: AttentionRow[];
  total: number;
  next?: number;
}

/** The most rows one page holds. */
export const MAX_PAGE_SIZE = 200;

/**
 * The overdue or blocked items under an organisation the person may read, oldest deadline (or
 * longest blocked) first, one page at a time. Blocked items of a region come from the blocked
 * index; everything else reads the items of the groups involved.
 */
export async function listAttention(
  deps: DashboardDeps,
  request: {
    userId: string;
    orgCode: unknown;
    campaignId?: unknown;
    kind: AttentionKind;
    offset: number;
    limit: number;
  },
): Promise<AttentionPage> {
  if (!Number.isInteger(request.offset) || request.offset < 0)
    throw new InvalidInputError('The page must start at 0 or later.');
  if (!Number.isInteger(request.limit) || request.limit < 1 || request.limit > MAX_PAGE_SIZE)
    throw new InvalidInputError(`A page holds from 1 to ${MAX_PAGE_SIZE} rows.`);
  const { org, campaign } = await openDashboardOrg(deps, request);
  if (!campaign) return { kind: request.kind, rows: [], total: 0 };
  const today = todayInLondon(deps.now());
  const [{ items }, actions] = await Promise.all([
    listItemsUnder(deps, campaign.id, org.code),
    loadActions(deps, campaign),
  ]);
  const chosen = items
    .filter((i) => isUnder(org, i))
    .filter((i) =>
      request.kind === 'blocked'
        ? i.status === 'blocked'
        : !isFinished(i) && i.dueDate !== undefined && i.dueDate < today,
    )
    .sort((a, b) =>
      request.kind === 'blocked'
        ? (a.updatedAt ?? '').localeCompare(b.updatedAt ?? '')
        : (a.dueDate ?? '').localeCompare(b.dueDate ?? '') ||
          a.orgCode.localeCompare(b.orgCode) ||
          compareNumeric(a.actionId, b.actionId),
    );
  const page = chosen.slice(request.offset, request.offset + request.limit);
  const names = new Map<string, string>();
  await Promise.all(
    [...new Set(page.map((i) => i.orgCode))].map(async (code) => {
      const o = await deps.organisations.getOrganisation(code);
      names.set(code, o ? formatOrgName(o.name) : code);
    }),
  );
  const next = request.offset + page.length;
  return {
    kind: request.kind,
    total: chosen.length,
    ...(next < chosen.length ? { next } : {}),
    rows: page.map((i) => ({
      campaignId: i.campaignId,
      orgCode: i.orgCode,
      orgName: names.get(i.orgCode) ?? i.orgCode,
      actionId: i.actionId,
      title: actions.get(i.actionId)?.title ?? i.actionId,
      status: i.status,
      ...(i.dueDate ? { dueDate: i.dueDate } : {}),
      note: i.note,
      ...(i.updatedByName ? { updatedByName: i.updatedByName } : {}),
      ...(i.updatedAt ? { updatedAt: i.updatedAt } : {}),
    })),
  };
}
