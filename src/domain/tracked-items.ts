import type { ActionLevel, Area } from './checklists';
import type { BlockedItem, OrgCounts } from './org-counts';

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

/** How to find one item. */
export interface ItemKey {
  campaignId: string;
  orgCode: string;
  actionId: string;
}

/** Port: where items and their history are kept. */
export interface ItemStore {
  getItem(key: ItemKey & { icbCode: string }): Promise<TrackedItem | undefined>;
  /** Items of one organisation in a campaign. */
  listItemsForOrg(campaignId: string, icbCode: string, orgCode: string): Promise<TrackedItem[]>;
  /** Items of every organisation in one ICB (or a region's own items, by region code). */
  listItemsForIcb(campaignId: string, icbCode: string): Promise<TrackedItem[]>;
  /** Items of one organisation with its counts (undefined before the first count), in one read. */
  listItemsForOrgWithCounts(
    campaignId: string,
    icbCode: string,
    orgCode: string,
  ): Promise<{ items: TrackedItem[]; counts: OrgCounts | undefined }>;
  /** The counts of every organisation in one group (ICB or region): a digest's input. */
  listCountsForGroup(campaignId: string, icbCode: string): Promise<OrgCounts[]>;
  /** Items of one group that are blocked now, with their notes. */
  listBlockedForGroup(campaignId: string, icbCode: string): Promise<BlockedItem[]>;
  /** Both of the above in one read (a digest reads every group of a region this way). */
  listCountsAndBlockedForGroup(
    campaignId: string,
    icbCode: string,
  ): Promise<{ counts: OrgCounts[]; blocked: BlockedItem[] }>;
  /**
   * Recounts one group from its items and stores counts that differ (after a launch or a
   * deadline change, and to repair); returns how many organisations' counts were corrected.
   */
  recountGroup(campaignId: string, icbCode: string): Promise<number>;
  /** History of one item, oldest first. */
  listEvents(key: ItemKey & { icbCode: string }): Promise<StatusEvent[]>;
  /**
   * Writes the changed item, its event and its organisation's new counts together, only if the
   * stored item (and counts) are unchanged since read; throws ConflictError otherwise.
   */
  saveChange(
    item: TrackedItem,
    event: StatusEvent,
    counts?: { before: OrgCounts | undefined; after: OrgCounts },
  ): Promise<void>;
  /** Sets (or clears) the deadline of one action's items in one group; returns how many changed. */
  setDueDates(
    campaignId: string,
    icbCode: string,
    actionId: string,
    dueDate: string | undefined,
  ): Promise<number>;
  /** Creates the items that do not exist yet (never touches existing ones); returns how many were created. */
  createMissingItems(
    items: readonly TrackedItem[],
    onProgress?: (done: number) => void,
  ): Promise<number>;
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
