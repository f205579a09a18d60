import type { Activity } from 'botbuilder';
import { z } from 'zod';
import type { CardRef, EditButtonData, StatusButtonData } from '../domain/cards/card-views';
import { isOdsCode } from '../domain/access/ods-codes';
import { InvalidInputError } from '../domain/shared/errors';
import { ITEM_STATUSES } from '../domain/items/tracked-items';

// Card data comes back from the client and can be anything: every field is checked here, once,
// at the edge, and handlers get typed values.

const code = z.string().refine((value) => isOdsCode(value), 'not an ODS code');
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);

const cardRefSchema = z.discriminatedUnion('view', [
  z.strictObject({
    view: z.literal('items'),
    campaignId: id,
    orgCode: code,
    area: z.enum(['1', '2', '3', '4', 'cross-cutting']).optional(),
  }),
  z.strictObject({ view: z.literal('overview'), campaignId: id, orgCode: code }),
  z.strictObject({ view: z.literal('mine') }),
]);

const statusButtonSchema = z.strictObject({
  campaignId: id,
  orgCode: code,
  actionId: id,
  status: z.enum(ITEM_STATUSES),
  version: z.number().int().positive().max(1_000_000),
  card: cardRefSchema,
});

const snoozeButtonSchema = z.strictObject({ campaignId: id, orgCode: code, actionId: id });

const editButtonSchema = z.strictObject({
  campaignId: id,
  orgCode: code,
  actionId: id,
  card: cardRefSchema,
});

/** The data of a pressed button: `Action.Execute` data, or the `Action.Submit` fallback's value. */
export function readActionData(activity: Activity): Record<string, unknown> {
  const value = activity.value as unknown;
  const data =
    activity.type === 'invoke'
      ? (value as { action?: { data?: unknown } } | undefined)?.action?.data
      : value;
  return data !== null && typeof data === 'object' && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : {};
}

const OUTDATED =
  'This card is out of date or damaged, so nothing was changed. Type **my actions** in a chat with me, or ask for the card again with **deliver**.';

/** A status button's data and the note typed beside it; throws InvalidInputError otherwise. */
export function readStatusPress(activity: Activity): StatusButtonData & { note: unknown } {
  const raw = readActionData(activity);
  const parsed = statusButtonSchema.safeParse(buttonFields(activity, raw, ['note']));
  if (!parsed.success) throw new InvalidInputError(OUTDATED);
  return { ...parsed.data, note: raw['note'] ?? '' } as StatusButtonData & { note: unknown };
}

/** A row's "Update" button: which item to open for editing. */
export function readEditPress(activity: Activity): EditButtonData {
  const parsed = editButtonSchema.safeParse(buttonFields(activity, readActionData(activity), []));
  if (!parsed.success) throw new InvalidInputError(OUTDATED);
  return parsed.data as EditButtonData;
}

/**
 * The button's own fields. Execute merges the card's inputs into its data (dropped here by
 * name); the Action.Submit fallback wraps the button data in `item`, inputs beside it.
 */
function buttonFields(activity: Activity, raw: Record<string, unknown>, inputs: string[]): unknown {
  const fields = activity.type === 'invoke' ? raw : raw['item'];
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return {};
  return Object.fromEntries(Object.entries(fields).filter(([k]) => !inputs.includes(k)));
}

/** The card a refresh (or a button) names; throws InvalidInputError otherwise. */
export function readCardRef(activity: Activity): CardRef {
  const parsed = cardRefSchema.safeParse(readActionData(activity)['card']);
  if (!parsed.success) throw new InvalidInputError(OUTDATED);
  return parsed.data as CardRef;
}

/** A reminder's "Snooze 3 days" button: which item. */
export function readSnoozePress(activity: Activity): {
  campaignId: string;
  orgCode: string;
  actionId: string;
} {
  const parsed = snoozeButtonSchema.safeParse(buttonFields(activity, readActionData(activity), []));
  if (!parsed.success) throw new InvalidInputError(OUTDATED);
  return parsed.data;
}
