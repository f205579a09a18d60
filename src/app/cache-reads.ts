import { LRUCache } from 'lru-cache';
import type { CampaignStore } from '../domain/checklists/campaigns';
import type { ChecklistStore } from '../domain/checklists/checklists';
import type { OrganisationStore } from '../domain/access/organisations';
import type { RoleStore } from '../domain/access/roles';
import type { Storage } from '../storage/open-storage';

/** How long cached reads of reference data are trusted. */
export interface CacheTimes {
  /** Organisations change only on import. */
  organisationMs: number;
  /** A closed campaign must stop taking changes soon after. */
  campaignMs: number;
  /** A revoked role must stop working soon after; a new one may take this long to work. */
  roleMs: number;
}

/** The cache times the service uses. */
export const DEFAULT_CACHE_TIMES: CacheTimes = {
  organisationMs: 60_000,
  campaignMs: 5_000,
  roleMs: 10_000,
};

// Bounded: the least recently used entries go first (reference data reloads cheaply).
const MAX_ENTRIES = 20_000;

/**
 * A read-through cache of promises over lru-cache: a hit within `ttlMs` shares the first read;
 * failures and "not found" are not kept. `ttlMs` of Infinity keeps an entry until it is evicted.
 */
function createCache<T>(ttlMs: number, now: () => number) {
  const entries = new LRUCache<string, Promise<T>>({
    max: MAX_ENTRIES,
    ...(Number.isFinite(ttlMs) ? { ttl: ttlMs } : {}),
    // Read the clock on every look-up (the default keeps one reading for a millisecond), so an
    // injected clock is obeyed at once; lru-cache reads a time of 0 as "never stored", so the
    // clock is counted from 1.
    ttlResolution: 0,
    perf: { now: () => now() + 1 },
  });
  const read = (key: string, load: () => Promise<T>): Promise<T> => {
    const hit = entries.get(key);
    if (hit) return hit;
    const value = load();
    entries.set(key, value);
    // Something missing may be imported any moment; only what exists is remembered. A newer read
    // stored under the same key meanwhile is left alone.
    const forgetThis = () => {
      if (entries.peek(key) === value) entries.delete(key);
    };
    value.then((found) => {
      if (found === undefined) forgetThis();
    }, forgetThis);
    return value;
  };
  return Object.assign(read, { forget: (key: string) => entries.delete(key) });
}

/**
 * Wraps the stores a button press reads so reference data (organisations, campaigns, checklist
 * versions) is read from storage at most once per interval per instance: an invoke has about
 * five seconds, and these change rarely. A person's roles are kept for `roleMs` (ten seconds):
 * a revocation takes that long to reach every instance. Items are always read fresh.
 */
export function cacheReads(
  storage: Storage,
  times: CacheTimes = DEFAULT_CACHE_TIMES,
  now: () => number = Date.now,
): Storage {
  const orgs = createCache<Awaited<ReturnType<OrganisationStore['getOrganisation']>>>(
    times.organisationMs,
    now,
  );
  const campaigns = createCache<Awaited<ReturnType<CampaignStore['getCampaign']>>>(
    times.campaignMs,
    now,
  );
  // A stored checklist version never changes (saving different content is refused).
  const checklists = createCache<Awaited<ReturnType<ChecklistStore['getChecklist']>>>(
    Number.POSITIVE_INFINITY,
    now,
  );
  const roleGrants = createCache<Awaited<ReturnType<RoleStore['listRolesOfUser']>>>(
    times.roleMs,
    now,
  );
  const roles: RoleStore = Object.create(storage.roles);
  roles.listRolesOfUser = (userId) =>
    roleGrants(userId.toLowerCase(), () => storage.roles.listRolesOfUser(userId));
  // A grant or revocation made here is seen here at once (other instances within roleMs).
  roles.saveGrant = async (grant, change) => {
    await storage.roles.saveGrant(grant, change);
    roleGrants.forget(grant.userId.toLowerCase());
  };
  roles.deleteGrant = async (userId, role, orgCode, change) => {
    const existed = await storage.roles.deleteGrant(userId, role, orgCode, change);
    roleGrants.forget(userId.toLowerCase());
    return existed;
  };
  const organisations: OrganisationStore = Object.create(storage.organisations);
  organisations.getOrganisation = (code) =>
    orgs(code, () => storage.organisations.getOrganisation(code));
  const campaignStore: CampaignStore = Object.create(storage.campaigns);
  campaignStore.getCampaign = (id) => campaigns(id, () => storage.campaigns.getCampaign(id));
  const checklistStore: ChecklistStore = Object.create(storage.checklists);
  checklistStore.getChecklist = (id, version) =>
    version === undefined
      ? storage.checklists.getChecklist(id)
      : checklists(`${id}|${version}`, () => storage.checklists.getChecklist(id, version));
  return {
    ...storage,
    organisations,
    roles,
    campaigns: campaignStore,
    checklists: checklistStore,
  };
}
