import { LRUCache } from 'lru-cache';
import type { ItemStore, ReadFreshness } from '../domain/items/item-store';
import type { TrackedItem } from '../domain/items/tracked-items';

/** How the write-through copy of organisations' items is bounded. */
export interface OrgItemsCacheOptions {
  /** Organisations kept (least recently used go first). */
  maxOrganisations: number;
  /**
   * How long a copy may answer a `cached` read. Writes are safe however old it is (each is
   * conditional on the item's ETag); this bounds how stale the *other* rows on an answered card
   * can be when another instance (or the admin CLI) changed them.
   */
  ttlMs: number;
}

/** The bounds the service uses: a busy morning of practices (about 12 MB at most), kept for half a minute. */
export const DEFAULT_ORG_ITEMS_CACHE: OrgItemsCacheOptions = {
  maxOrganisations: 1_000,
  ttlMs: 30_000,
};

/**
 * Wraps the item store with a write-through copy of each organisation's items (with their
 * ETags), so a press reads nothing before its one conditional write. The copy is filled by any
 * read of an organisation's items, updated by every change this instance saves, and dropped when
 * a save fails (a 412 means someone else changed the item: the retry reads storage). Bulk
 * writes (deadlines, launches) drop what they may have changed.
 */
export function cacheOrgItems(
  items: ItemStore,
  options: OrgItemsCacheOptions = DEFAULT_ORG_ITEMS_CACHE,
): ItemStore {
  const copies = new LRUCache<string, Promise<TrackedItem[]>>({
    max: options.maxOrganisations,
    ttl: options.ttlMs,
  });
  const keyOf = (campaignId: string, icbCode: string, orgCode: string) =>
    `${campaignId}|${icbCode}|${orgCode}`;
  const dropGroup = (campaignId: string, icbCode: string) => {
    for (const key of copies.keys())
      if (key.startsWith(`${campaignId}|${icbCode}|`)) copies.delete(key);
  };

  return Object.assign(Object.create(items) as ItemStore, {
    listItemsForOrg(
      campaignId: string,
      icbCode: string,
      orgCode: string,
      freshness?: ReadFreshness,
    ): Promise<TrackedItem[]> {
      const key = keyOf(campaignId, icbCode, orgCode);
      const hit = freshness?.cached ? copies.get(key) : undefined;
      if (hit) return hit;
      const read = items.listItemsForOrg(campaignId, icbCode, orgCode);
      copies.set(key, read);
      // A failed read is not remembered; a newer entry stored meanwhile is left alone.
      read.catch(() => {
        if (copies.peek(key) === read) copies.delete(key);
      });
      return read;
    },
    async saveChange(...args: Parameters<ItemStore['saveChange']>): Promise<TrackedItem> {
      const [item] = args;
      const key = keyOf(item.campaignId, item.icbCode, item.orgCode);
      let saved: TrackedItem;
      try {
        saved = await items.saveChange(...args);
      } catch (error) {
        // Someone else's change (412) or an unknown outcome: the next read goes to storage.
        copies.delete(key);
        throw error;
      }
      // The copy gets the saved row unless it already holds that version or a newer one (a read
      // after the write). Concurrent saves of other items of the organisation each apply theirs:
      // a copy replaced while this one waited is looked at again.
      for (let current = copies.peek(key); current;) {
        const list = await current.catch(() => undefined);
        if (copies.peek(key) !== current) {
          current = copies.peek(key);
          continue;
        }
        if (list)
          copies.set(
            key,
            Promise.resolve(
              list.map((i) =>
                i.actionId === saved.actionId && i.version < saved.version ? saved : i,
              ),
            ),
          );
        break;
      }
      return saved;
    },
    async setDueDates(...args: Parameters<ItemStore['setDueDates']>): Promise<number> {
      try {
        return await items.setDueDates(...args);
      } finally {
        dropGroup(args[0], args[1]);
      }
    },
    async createMissingItems(
      ...args: Parameters<ItemStore['createMissingItems']>
    ): Promise<number> {
      try {
        return await items.createMissingItems(...args);
      } finally {
        copies.clear();
      }
    },
  });
}
