import { redrawCopiesAfter, type StatusChangeDeps } from '../status/press-status';
import { changeStatus, type Actor } from '../status/set-status';
import { InvalidInputError } from '../shared/errors';

/** A status change made on the tab: the version the person saw is required, as on a card. */
export interface TabStatusChange {
  actor: Actor;
  campaignId: unknown;
  orgCode: unknown;
  actionId: unknown;
  status: unknown;
  note?: unknown;
  version: unknown;
}

/**
 * Changes an item's status from the tab through the same use case as a card press (role check,
 * version check, one conditional write with its history event), then redraws the card's posted
 * copies in their channels. Throws ConflictError when someone changed it since the tab read it.
 */
export async function updateFromTab(
  deps: StatusChangeDeps,
  change: TabStatusChange,
): Promise<{ outcome: string; version: number; status: string; note: string }> {
  const text = (value: unknown, what: string): string => {
    if (typeof value !== 'string' || value === '' || value.length > 64)
      throw new InvalidInputError(`Say which ${what} to change.`);
    return value;
  };
  if (typeof change.version !== 'number' || !Number.isInteger(change.version) || change.version < 1)
    throw new InvalidInputError(
      'Send the version of the item you saw (a whole number), so a change made since is not overwritten.',
    );
  const result = await changeStatus(deps, {
    campaignId: text(change.campaignId, 'campaign'),
    orgCode: text(change.orgCode, 'organisation'),
    actionId: text(change.actionId, 'action'),
    status: change.status,
    note: change.note,
    expectedVersion: change.version,
    surface: 'tab',
    actor: change.actor,
  });
  redrawCopiesAfter(deps, result);
  return {
    outcome: result.outcome,
    version: result.item.version,
    status: result.item.status,
    note: result.item.note,
  };
}
