import { escapeMarkdown } from '../shared/escape-markdown';
import type { Campaign, CampaignStore } from '../checklists/campaigns';
import { ConflictError, InvalidInputError } from '../shared/errors';
import { retryAtOnce, type Retry } from '../shared/retry';
import type { Organisation, OrganisationStore } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import { openForChange, requireItem } from './open-item';
import {
  ITEM_STATUSES,
  MAX_NOTE_LENGTH,
  STATUS_LABELS,
  type ItemStatus,
  type Surface,
  type TrackedItem,
  groupCodeOf,
} from '../items/tracked-items';
import { type ItemStore } from '../items/item-store';

// A save that met another change of the same item (412) is re-read and re-checked, at most this
// many times: a change without a version applies on top; one with a stale version is a conflict.
const MAX_REREADS = 20;

/** Who is making a change. */
export interface Actor {
  /** Entra object id. */
  userId: string;
  name?: string;
}

/** A request to change one item's status, as it arrives from a card, chat, the tab or the CLI. */
export interface StatusChange {
  campaignId: string;
  orgCode: string;
  actionId: string;
  status: unknown;
  note?: unknown;
  /** The version the person saw; a different stored version means someone changed it since. */
  expectedVersion?: number;
  /** Identifies this request (the Teams activity id), so a repeated delivery changes nothing. */
  changeId?: string;
  surface: Surface;
  actor: Actor;
}

/** The stores setStatus needs. */
export interface SetStatusDeps {
  organisations: OrganisationStore;
  campaigns: CampaignStore;
  items: ItemStore;
  roles: RoleStore;
  now: () => Date;
  /**
   * How a change that met another change of the same item is re-read and tried again: the app
   * waits a growing, jittered while between tries (src/app/retry-with-jitter.ts). Without it,
   * at once.
   */
  retryOnConflict?: Retry;
}

/** Validates a status value from outside; throws InvalidInputError naming the allowed values. */
export function parseStatus(value: unknown): ItemStatus {
  const text =
    typeof value === 'string'
      ? value
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      : '';
  const match = ITEM_STATUSES.find(
    (s) => s === text || STATUS_LABELS[s].toLowerCase().replace(/\s+/g, '_') === text,
  );
  if (!match) {
    throw new InvalidInputError(
      `"${escapeMarkdown(String(value).slice(0, 30))}" is not a status. Use one of: ${ITEM_STATUSES.map((s) => STATUS_LABELS[s].toLowerCase()).join(', ')}.`,
    );
  }
  return match;
}

/** Validates a note: text of at most 500 characters (patient details must not be entered). */
export function parseNote(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new InvalidInputError('The note must be text.');
  const note = value.trim();
  if (note.length > MAX_NOTE_LENGTH) {
    throw new InvalidInputError(
      `The note is ${note.length} characters; the limit is ${MAX_NOTE_LENGTH}. Please shorten it.`,
    );
  }
  // Control characters (other than line breaks) would break cards and CSV exports.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(note)) {
    throw new InvalidInputError(
      'The note contains characters that cannot be stored. Please retype it.',
    );
  }
  return note;
}

/** What a status change did, with what the caller needs to show the result. */
export interface StatusChangeResult {
  /** `changed`: written; `unchanged`: already so; `repeat`: the same change delivered again. */
  outcome: 'changed' | 'unchanged' | 'repeat';
  item: TrackedItem;
  org: Organisation;
  campaign: Campaign;
  /** Every item of the organisation in the campaign, as stored after the change. */
  orgItems: TrackedItem[];
  /**
   * A change without a version (chat) that was written over someone else's change of the last
   * few minutes: what it replaced, so the person can be told.
   */
  replaced?: { by: string; status: ItemStatus; at: string };
}

// A change by someone else this recent, overwritten by a change that named no version, is
// mentioned in the answer: the two people were probably working on the same thing at once.
const RECENT_MS = 2 * 60_000;

/**
 * Changes an item's status: checks the input, the person's role and the version they saw, then
 * writes the item and its history event together. Returns the stored item.
 */
export async function setStatus(deps: SetStatusDeps, change: StatusChange): Promise<TrackedItem> {
  return (await changeStatus(deps, change)).item;
}

/**
 * setStatus with everything the caller needs to redraw a card: reads what it must in parallel
 * (an invoke has about five seconds), writes once, and recognises a change delivered twice.
 */
export async function changeStatus(
  deps: SetStatusDeps,
  change: StatusChange,
): Promise<StatusChangeResult> {
  const status = parseStatus(change.status);
  const note = parseNote(change.note);
  // The first read may be this instance's copy of the organisation's items: a write is checked
  // by the item's ETag anyway, and anything concluded without writing is confirmed from storage.
  const { org, campaign, ...read } = await openForChange(deps, change, change.actor.userId, {
    cached: true,
  });
  let orgItems = read.items;
  let fromCopy = true;
  const readStorage = async () => {
    orgItems = await deps.items.listItemsForOrg(campaign.id, groupCodeOf(org), org.code);
    fromCopy = false;
  };
  const result = (outcome: StatusChangeResult['outcome'], item: TrackedItem) => ({
    outcome,
    item,
    org,
    campaign,
    orgItems: orgItems.map((i) => (i.actionId === item.actionId ? item : i)),
  });
  let reread = false;
  const attempt = async (): Promise<StatusChangeResult> => {
    if (reread) await readStorage();
    reread = true;
    // Missing, a repeat, a stale version or no change: said only of what storage holds now.
    if (fromCopy && !wouldWrite(orgItems, change, status, note)) await readStorage();
    const current = requireItem({ org, campaign, items: orgItems }, change.actionId);
    // Teams may deliver the same button press twice: the second finds its own change stored.
    if (change.changeId && current.lastChangeId === change.changeId)
      return result('repeat', current);
    if (change.expectedVersion !== undefined && change.expectedVersion !== current.version) {
      const now = STATUS_LABELS[current.status];
      // Often the person themselves changed it from another window or copy of the card.
      throw new ConflictError(
        current.updatedBy && current.updatedBy === change.actor.userId
          ? `You already changed ${change.actionId} in another window or on another copy of this card (it is now "${now}"). Nothing more was saved; look at the latest status and change it again if you need to.`
          : `${change.actionId} was changed by ${current.updatedByName ? escapeMarkdown(current.updatedByName) : 'someone else'} since you looked (it is now "${now}"). Nothing was saved; look at the latest status and try again.`,
      );
    }
    if (current.status === status && current.note === note) return result('unchanged', current);

    const at = deps.now().toISOString();
    const next: TrackedItem = {
      ...current,
      status,
      note,
      version: current.version + 1,
      updatedBy: change.actor.userId,
      updatedAt: at,
    };
    if (change.actor.name) next.updatedByName = change.actor.name;
    else delete next.updatedByName;
    if (change.changeId) next.lastChangeId = change.changeId;
    else delete next.lastChangeId;
    let stored: TrackedItem;
    try {
      stored = await deps.items.saveChange(next, {
        campaignId: campaign.id,
        orgCode: org.code,
        actionId: change.actionId,
        version: next.version,
        at,
        by: change.actor.userId,
        ...(change.actor.name ? { byName: change.actor.name } : {}),
        from: current.status,
        to: status,
        note,
        surface: change.surface,
      });
    } catch (error) {
      // This item changed between the read and the write: read again. The fresh read says what
      // to do (the version check above, or a change made over the other one).
      throw error instanceof ConflictError ? new ItemMoved(error) : error;
    }
    const { etag: _stored, ...saved } = stored;
    orgItems = orgItems.map((i) => (i.actionId === saved.actionId ? saved : i));
    const replaced =
      change.expectedVersion === undefined &&
      current.updatedBy &&
      current.updatedBy !== change.actor.userId &&
      Date.parse(at) - Date.parse(current.updatedAt ?? '') <= RECENT_MS
        ? {
            by: current.updatedByName ?? 'someone else',
            status: current.status,
            at: current.updatedAt ?? at,
          }
        : undefined;
    return { ...result('changed', saved), ...(replaced ? { replaced } : {}) };
  };
  try {
    return await (deps.retryOnConflict ?? retryAtOnce)(attempt, {
      retries: MAX_REREADS,
      isRetryable: (error) => error instanceof ItemMoved,
    });
  } catch (error) {
    throw error instanceof ItemMoved ? error.conflict : error;
  }
}

/** Whether this change, judged on `items`, would be written (rather than refused or skipped). */
function wouldWrite(
  items: readonly TrackedItem[],
  change: StatusChange,
  status: ItemStatus,
  note: string,
): boolean {
  const current = items.find((i) => i.actionId === change.actionId);
  return (
    current !== undefined &&
    !(change.changeId && current.lastChangeId === change.changeId) &&
    (change.expectedVersion === undefined || change.expectedVersion === current.version) &&
    !(current.status === status && current.note === note)
  );
}

/**
 * The item changed between the read and the write (412): re-read and re-check. A person who
 * named the version they saw then gets the conflict; a change without one applies on top.
 */
class ItemMoved extends Error {
  constructor(readonly conflict: ConflictError) {
    super('the item changed meanwhile');
  }
}
