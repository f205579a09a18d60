import type { Page, PageRequest } from '../shared/pages';
import type { BlockedItem, OrgCounts } from './org-counts';
import type { ItemKey, StatusEvent, TrackedItem } from './tracked-items';

/** How fresh a read must be. */
export interface ReadFreshness {
  /**
   * A copy this instance keeps (filled by its own reads and writes) may answer. Only for reads
   * whose result is checked again by a conditional write (the ETag), or re-read before anything
   * is concluded from it: another instance may have changed the item since.
   */
  cached?: boolean;
}

/** Port: where items and their history are kept. */
export interface ItemStore {
  getItem(key: ItemKey & { icbCode: string }): Promise<TrackedItem | undefined>;
  /** Items of one organisation in a campaign (from storage unless `cached` allows a copy). */
  listItemsForOrg(
    campaignId: string,
    icbCode: string,
    orgCode: string,
    freshness?: ReadFreshness,
  ): Promise<TrackedItem[]>;
  /** Items of every organisation in one ICB (or a region's own items, by region code). */
  listItemsForIcb(campaignId: string, icbCode: string): Promise<TrackedItem[]>;
  /** The counts of every organisation in one group (ICB or region): a digest's input. */
  listCountsForGroup(campaignId: string, icbCode: string): Promise<OrgCounts[]>;
  /** Items of one group that are blocked now, with their notes. */
  listBlockedForGroup(campaignId: string, icbCode: string): Promise<BlockedItem[]>;
  /** The counts and blocked items of every group of one region, in one read: a digest's input. */
  listCountsAndBlockedForRegion(
    campaignId: string,
    regionCode: string,
  ): Promise<{ counts: OrgCounts[]; blocked: BlockedItem[] }>;
  /**
   * Recounts one group from its items and stores counts that differ (after a launch or a
   * deadline change, and to repair); returns how many organisations' counts were corrected.
   */
  recountGroup(campaignId: string, icbCode: string): Promise<number>;
  /** History of one item, oldest first. */
  listEvents(key: ItemKey & { icbCode: string }): Promise<StatusEvent[]>;
  /**
   * Writes the changed item and its event together, only if the stored item is unchanged since
   * read (throws ConflictError otherwise), and marks its organisation's counts as changed.
   * Returns the item as stored, with its new ETag.
   */
  saveChange(item: TrackedItem, event: StatusEvent): Promise<TrackedItem>;
  /** Organisations of one group whose counts are marked changed and not yet projected. */
  listPendingCounts(campaignId: string, icbCode: string): Promise<string[]>;
  /**
   * Recounts one organisation from its items and stores its counts; clears its "changed" mark
   * only if no change came meanwhile. False when one did (project it again).
   */
  projectCounts(campaignId: string, icbCode: string, orgCode: string): Promise<boolean>;
  /**
   * projectCounts for every marked organisation of one group at once (a bulk catch-up: one read
   * of the group); marks that moved meanwhile stay set. Returns how many marks it cleared.
   */
  projectGroup(campaignId: string, icbCode: string): Promise<number>;
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

/** A status event with the group (ICB or region) it is stored under. */
export type StoredEvent = StatusEvent & { icbCode: string };

/** Port: a campaign's status history, worked through page by page by the retention purge. */
export interface EventHistory {
  /** One page of a campaign's status events, across all its groups. */
  listEventsPage(campaignId: string, page: PageRequest): Promise<Page<StoredEvent>>;
  /** Deletes events; events already gone are skipped. Returns how many went. */
  deleteEvents(events: readonly StoredEvent[]): Promise<number>;
}
