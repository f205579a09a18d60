import { LRUCache } from 'lru-cache';
import type { Campaign } from '../checklists/campaigns';
import { AREA_NAMES, type ChecklistAction } from '../checklists/checklists';
import { summariseProgress, type Progress } from '../items/get-progress';
import {
  isFinished,
  STATUS_LABELS,
  ITEM_STATUSES,
  type ItemStatus,
  type TrackedItem,
} from '../items/tracked-items';
import { formatOrgName } from '../access/display-name';
import type { Organisation } from '../access/organisations';
import { describeDue, formatUkDateTime, formatUkDay } from '../shared/uk-dates';
import { cutAtWord, escapeMarkdown, escapeShortened } from '../shared/escape-markdown';
import { describeConfidence } from './describe-source';
import { compareNumeric } from '../shared/compare-text';

// View models for the checklist cards: plain data that cards/*.json templates bind to. Pure:
// loading happens in plan-cards.ts, rendering in src/cards, sending in src/proactive. Teams reads
// these strings as markdown, so every name and note in them goes through escapeMarkdown.

/** Which card a person is looking at; carried by the card's refresh action and its buttons. */
export type CardRef =
  | { view: 'items'; campaignId: string; orgCode: string; area?: string }
  | { view: 'overview'; campaignId: string; orgCode: string }
  | { view: 'mine' };

/** The data of a status button: everything the handler needs to make the change. */
export interface StatusButtonData {
  campaignId: string;
  orgCode: string;
  actionId: string;
  status: ItemStatus;
  /** The item version the card showed; a newer stored version means someone changed it since. */
  version: number;
  /** The card to show after the change (the one the person came from). */
  card: CardRef;
}

/** The data of a row's "Update" button: which item, and the card to come back to. */
export interface EditButtonData {
  campaignId: string;
  orgCode: string;
  actionId: string;
  card: CardRef;
}

/** One action row of a checklist card. */
export interface ItemRowView {
  actionId: string;
  heading: string;
  dueText: string;
  dueColor: 'Default' | 'Accent' | 'Attention' | 'Good';
  /** The status in words with its mark; who set it and when is in `history`. */
  statusText: string;
  /** Id of the row's hidden details container, unique on the card (the "Details" toggle's target). */
  detailsId: string;
  /**
   * Behind the row's "Details" toggle, one paragraph each: the action's detail, who set the status
   * and when, the note, and the source in words with a link. Detail and note are cut at a word (the
   * update card shows them whole). One TextBlock: twelve rows of four would not fit the size budget.
   */
  details: string;
  updateTitle: string;
  canUpdate: boolean;
  edit: EditButtonData;
}

/** The card one person sees while updating one item: the action in full and a button per status. */
export interface EditCardView {
  title: string;
  subtitle: string;
  notice: string;
  detail: string;
  dueText: string;
  dueColor: ItemRowView['dueColor'];
  statusText: string;
  note: string;
  sourceText: string;
  choices: { label: string; data: StatusButtonData }[];
  back: { card: CardRef };
}

/** A checklist card: an organisation's actions (or a person's), grouped. */
export interface ChecklistCardView {
  title: string;
  subtitle: string;
  summary: string;
  notice: string;
  sections: { heading: string; rows: ItemRowView[] }[];
  refresh: CardRef;
}

/** One organisation's line on an overview card. */
export interface OverviewRowView {
  name: string;
  summary: string;
  percent: string;
}

/** An overview card: the organisations under a PCN or an ICB, with their progress. */
export interface OverviewCardView {
  title: string;
  subtitle: string;
  summary: string;
  notice: string;
  rows: OverviewRowView[];
  refresh: CardRef;
}

/** Cards show at most this much of a note; the whole note is kept and shown in history. */
export const CARD_NOTE_CHARS = 140;

/** A checklist row shows less of a note, behind its "Details"; the update card shows it whole. */
export const ROW_NOTE_CHARS = 80;

/** Checklist cards show at most this much of an action's detail; the update card shows it all. */
export const CARD_DETAIL_CHARS = 90;

/** Cards show at most this much of a person's name (Teams does not bound display names). */
export const CARD_NAME_CHARS = 60;

/** A checklist card holds at most this many actions; beyond it, one card per area. */
export const MAX_ACTIONS_PER_CARD = 12;

// Words and a mark for each status, so meaning never rests on colour alone.
const STATUS_MARKS: Record<ItemStatus, string> = {
  not_started: '○',
  in_progress: '◑',
  done: '✔',
  blocked: '⛔',
  not_applicable: '—',
};

/** The status with its mark, e.g. "✔ Done". */
export function describeStatus(status: ItemStatus): string {
  return `${STATUS_MARKS[status]} ${STATUS_LABELS[status]}`;
}

/** "4 of 12 finished (33%) · 2 in progress · 1 blocked · 3 overdue". */
export function describeProgress(progress: Progress): string {
  const n = (count: number) => count.toLocaleString('en-GB');
  const finished = progress.byStatus.done + progress.byStatus.not_applicable;
  const parts = [`${n(finished)} of ${n(progress.total)} finished (${progress.percentComplete}%)`];
  if (progress.byStatus.in_progress) parts.push(`${n(progress.byStatus.in_progress)} in progress`);
  if (progress.byStatus.blocked) parts.push(`${n(progress.byStatus.blocked)} blocked`);
  if (progress.byStatus.not_started) parts.push(`${n(progress.byStatus.not_started)} not started`);
  if (progress.overdue) parts.push(`${n(progress.overdue)} overdue`);
  return parts.join(' · ');
}

/** The label a card uses for an area: "Area 2: Implementing modern general practice access". */
export function describeArea(area: string): string {
  return area === 'cross-cutting' ? 'Cross-cutting' : `Area ${area}: ${AREA_NAMES[area] ?? ''}`;
}

function findUrls(source: string): string[] {
  return source.match(/https?:\/\/[^\s;,)]+/g) ?? [];
}

function describeDeadline(item: TrackedItem, today: string) {
  let dueText = 'No deadline';
  let dueColor: ItemRowView['dueColor'] = 'Default';
  const finished = isFinished(item);
  if (item.dueDate) {
    const words = describeDue(item.dueDate, today);
    dueText = `Deadline ${formatUkDay(item.dueDate)}${finished ? '' : ` · ${words}`}`;
    if (!finished && item.dueDate < today) dueColor = 'Attention';
    // Accent, not Warning: Teams' light theme draws Warning pale yellow, hard to read on white.
    else if (!finished && item.dueDate <= addWeek(today)) dueColor = 'Accent';
  }
  return { dueText, dueColor };
}

/** "set by Dr Shah, Mon 5 Oct 2026 14:02", or empty when the status was never set. */
function describeSetter(item: TrackedItem): string {
  const who = item.updatedByName
    ? escapeShortened(item.updatedByName, CARD_NAME_CHARS)
    : item.updatedBy
      ? 'someone'
      : undefined;
  const when = item.updatedAt ? formatUkDateTime(item.updatedAt) : undefined;
  return who && when ? `set by ${who}, ${when}` : '';
}

// Where the action comes from, in words a practice manager reads ("From NHS England's published
// letters · [Source](…)"); the checklist's own confidence note stays with the checklist's editors.
// A card row links the first source; the update card links them all.
function describeSource(action: ChecklistAction | undefined, all: boolean): string {
  if (!action) return 'Not in this checklist version';
  const urls = findUrls(action.source);
  const links =
    urls.length === 0
      ? `Source: ${escapeShortened(action.source, all ? 500 : 80)}`
      : all && urls.length > 1
        ? urls.map((url, i) => `[Source ${i + 1}](${url})`).join(' · ')
        : `[Source](${urls[0]})`;
  return `${describeConfidence(action, all ? 'long' : 'short')} · ${links}`;
}

/** What one action row is drawn from. */
export interface ItemRowInput {
  item: TrackedItem;
  action: ChecklistAction | undefined;
  today: string;
  card: CardRef;
  canUpdate: boolean;
  /** Shown before the title on cards that mix organisations ("my actions"). */
  orgLabel?: string;
}

// A press redraws a whole checklist card but changes one row: the others are handed back as the
// same (frozen) objects, which also lets the renderer reuse their expanded JSON (src/cards). The
// key is everything a row is drawn from; the checklist action by identity, as a new checklist
// version brings new action objects.
const rowViews = new LRUCache<string, Readonly<ItemRowView>>({ max: 500 });
const actionSerials = new WeakMap<ChecklistAction, number>();
let lastActionSerial = 0;

/** Builds one action row: deadline in words, status with who and when, source, an Update button. */
export function buildItemRow(input: ItemRowInput): ItemRowView {
  let serial = 0;
  if (input.action) {
    serial = actionSerials.get(input.action) ?? ++lastActionSerial;
    actionSerials.set(input.action, serial);
  }
  const key = `${serial}\u0000${JSON.stringify([input.item, input.today, input.card, input.canUpdate, input.orgLabel ?? null])}`;
  let row = rowViews.get(key);
  if (!row) {
    row = drawItemRow(input);
    Object.freeze(row.edit);
    rowViews.set(key, Object.freeze(row));
  }
  return row;
}

function drawItemRow(input: ItemRowInput): ItemRowView {
  const { item, action, today } = input;
  return {
    actionId: item.actionId,
    heading:
      `${input.orgLabel ? `${escapeMarkdown(input.orgLabel)}: ` : ''}**${item.actionId}** ${action?.title ?? ''}`.trim(),
    ...describeDeadline(item, today),
    statusText: `**${describeStatus(item.status)}**`,
    // Unique on the card: a "my actions" card can list the same action for two organisations.
    detailsId: `${item.orgCode}-${item.actionId}`,
    details: [
      action ? escapeMarkdown(cutWithEllipsis(action.detail, CARD_DETAIL_CHARS)) : '',
      capitalise(describeSetter(item)),
      item.note ? `Note: ${escapeShortened(item.note, ROW_NOTE_CHARS)}` : '',
      describeSource(action, false),
    ]
      .filter(Boolean)
      .join('\n\n'),
    updateTitle: `Update ${item.actionId}`,
    canUpdate: input.canUpdate,
    edit: {
      campaignId: item.campaignId,
      orgCode: item.orgCode,
      actionId: item.actionId,
      card: input.card,
    },
  };
}

/** The card for updating one item: everything about it, and one button per other status. */
export function buildEditCard(input: {
  item: TrackedItem;
  action: ChecklistAction | undefined;
  org: Pick<Organisation, 'code' | 'name'>;
  campaign: Pick<Campaign, 'name'>;
  today: string;
  card: CardRef;
  notice?: string;
}): EditCardView {
  const { item, action } = input;
  return {
    title: `${item.actionId}: ${action?.title ?? 'an action no longer in the checklist'}`,
    subtitle: `${escapeMarkdown(formatOrgName(input.org.name))} (${input.org.code}) · ${escapeMarkdown(input.campaign.name)}`,
    notice: input.notice ?? '',
    detail: action?.detail ?? '',
    ...describeDeadline(item, input.today),
    statusText: `Now: **${describeStatus(item.status)}**${describeSetter(item) ? ` (${describeSetter(item)})` : ''}`,
    note: item.note ? `Note: ${escapeMarkdown(item.note)}` : 'No note.',
    sourceText: describeSource(action, true),
    choices: ITEM_STATUSES.filter((s) => s !== item.status).map((status) => ({
      label: `${STATUS_MARKS[status]} ${STATUS_LABELS[status]}`,
      data: {
        campaignId: item.campaignId,
        orgCode: item.orgCode,
        actionId: item.actionId,
        status,
        version: item.version,
        card: input.card,
      },
    })),
    back: { card: input.card },
  };
}

// The action's detail is our own text (no escaping needed to measure it), cut at a word.
function cutWithEllipsis(text: string, max: number): string {
  return text.length <= max ? text : `${cutAtWord(text, max - 1)}…`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function addWeek(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7);
  return d.toISOString().slice(0, 10);
}

/** Orders items for work: unfinished first, overdue and soonest deadlines first, then by id. */
export function compareUrgency(a: TrackedItem, b: TrackedItem): number {
  return (
    Number(isFinished(a)) - Number(isFinished(b)) ||
    (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') ||
    compareNumeric(a.actionId, b.actionId)
  );
}

/** The checklist card of one organisation (or one area of it) in one campaign. */
export function buildChecklistCard(input: {
  org: Organisation;
  campaign: Campaign;
  actions: ReadonlyMap<string, ChecklistAction>;
  items: readonly TrackedItem[];
  today: string;
  area?: string;
  notice?: string;
}): ChecklistCardView {
  const { org, campaign, today } = input;
  const card: CardRef = {
    view: 'items',
    campaignId: campaign.id,
    orgCode: org.code,
    ...(input.area ? { area: input.area } : {}),
  };
  const items = [...input.items]
    .filter((i) => input.area === undefined || String(i.area) === input.area)
    .sort((a, b) => compareNumeric(a.actionId, b.actionId));
  const byArea = new Map<string, TrackedItem[]>();
  for (const item of items) {
    const key = String(item.area);
    byArea.set(key, [...(byArea.get(key) ?? []), item]);
  }
  const sections = [...byArea.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([area, rows]) => ({
      heading: describeArea(area),
      rows: rows.map((item) =>
        buildItemRow({
          item,
          action: input.actions.get(item.actionId),
          today,
          card,
          canUpdate: campaign.status === 'running',
        }),
      ),
    }));
  const areaLabel = input.area ? ` · ${describeArea(input.area)}` : '';
  return {
    title: `${escapeMarkdown(formatOrgName(org.name))} (${org.code})`,
    subtitle: `${escapeMarkdown(campaign.name)}${areaLabel}`,
    summary:
      items.length === 0
        ? 'No actions for this organisation in this campaign.'
        : describeProgress(summariseProgress(items, today)),
    notice: input.notice ?? '',
    sections,
    refresh: card,
  };
}

/** The overview card of a PCN (its practices) or an ICB (its PCNs), with progress per organisation. */
export function buildOverviewCard(input: {
  org: Organisation;
  campaign: Campaign;
  /** The organisations listed, each with the items it answers for (its own and those under it). */
  members: readonly { org: Pick<Organisation, 'code' | 'name'>; items: readonly TrackedItem[] }[];
  today: string;
  notice?: string;
}): OverviewCardView {
  const { org, campaign, today } = input;
  const all = input.members.flatMap((m) => m.items);
  const noun = org.level === 'icb' ? 'PCNs' : 'practices';
  return {
    title: `${escapeMarkdown(formatOrgName(org.name))} (${org.code}): ${noun}`,
    subtitle: escapeMarkdown(campaign.name),
    summary:
      all.length === 0
        ? `No ${noun} have actions in this campaign.`
        : `All ${noun} together: ${describeProgress(summariseProgress(all, today))}`,
    notice: input.notice ?? '',
    rows: input.members.map((m) => {
      const progress = summariseProgress(m.items, today);
      return {
        name: `${escapeMarkdown(formatOrgName(m.org.name))} (${m.org.code})`,
        summary: m.items.length ? describeProgress(progress) : 'No actions',
        percent: `${progress.percentComplete}%`,
      };
    }),
    refresh: { view: 'overview', campaignId: campaign.id, orgCode: org.code },
  };
}
