import type { ActionLevel, Area } from '../checklists/checklists';

/** The statuses an item can have, in the order users meet them. */
export const ITEM_STATUSES = [
  'not_started',
  'in_progress',
  'done',
  'blocked',
  'not_applicable',
] as const;
/** One item status. */
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Plain-English labels for statuses. */
export const STATUS_LABELS: Record<ItemStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  done: 'Done',
  blocked: 'Blocked',
  not_applicable: 'Not applicable',
};

/** Notes are short, and never hold patient details. */
export const MAX_NOTE_LENGTH = 500;

/** Where a change was made. */
export type Surface = 'card' | 'chat' | 'tab' | 'cli';

/** One action for one organisation in one campaign. */
export interface TrackedItem {
  campaignId: string;
  orgCode: string;
  actionId: string;
  level: ActionLevel;
  area: Area;
  /** The ICB the organisation belonged to at launch (the region for region-level items). */
  icbCode: string;
  regionCode: string;
  /** Parent PCN for practice items, for PCN roll-ups. */
  pcnCode?: string;
  dueDate?: string;
  status: ItemStatus;
  note: string;
  updatedBy?: string;
  updatedByName?: string;
  updatedAt?: string;
  /** Starts at 1 and goes up by one with every change; cards carry it to detect stale updates. */
  version: number;
  /** Id of the request that made the last change (a Teams activity id), to spot repeats. */
  lastChangeId?: string;
  /** Opaque concurrency token from storage, set on items read from it. */
  etag?: string;
}

/** An append-only record of one status change. */
export interface StatusEvent {
  campaignId: string;
  orgCode: string;
  actionId: string;
  /** The item version this change produced. */
  version: number;
  at: string;
  by: string;
  byName?: string;
  from: ItemStatus;
  to: ItemStatus;
  note: string;
  surface: Surface;
}

/** True when an item needs no more work. */
export function isFinished(item: Pick<TrackedItem, 'status'>): boolean {
  return item.status === 'done' || item.status === 'not_applicable';
}

/** How to find one item. */
export interface ItemKey {
  campaignId: string;
  orgCode: string;
  actionId: string;
}

/**
 * The code items of an organisation are grouped under: its ICB, or itself for an ICB or a region.
 * Storage keeps each group together, so one ICB's items are read in one go.
 */
export function groupCodeOf(org: { code: string; level: string; icbCode?: string }): string {
  if (org.level === 'region' || org.level === 'icb') return org.code;
  if (!org.icbCode)
    throw new Error(`Organisation ${org.code} has no ICB; resolve the hierarchy first`);
  return org.icbCode;
}
