import type { Activity } from 'botbuilder';
import { readCommand } from './read-command';

// Readable predicates for the routing table, after teams.ts's aliases (`card.action`, …).

type Select = (activity: Activity) => boolean;

interface ChannelData {
  eventType?: string;
  team?: { id?: string };
}

function channelData(activity: Activity): ChannelData {
  return (activity.channelData ?? {}) as ChannelData;
}

function includesBot(members: Activity['membersAdded'], activity: Activity): boolean {
  return (members ?? []).some((m) => m.id === activity.recipient?.id);
}

/** Message selectors. */
export const message = {
  /** A typed command whose first word is `name` (after @mention text is removed). */
  command:
    (name: string): Select =>
    (a) =>
      a.type === 'message' && a.value === undefined && readCommand(a).name === name,
  /** Any other text message. */
  any: (): Select => (a) => a.type === 'message',
};

/** Adaptive Card actions: `Action.Execute` invokes, and the `Action.Submit` fallback of old clients. */
export const card = {
  action:
    (verb: string): Select =>
    (a) =>
      (a.type === 'invoke' &&
        a.name === 'adaptiveCard/action' &&
        (a.value as { action?: { verb?: unknown } } | undefined)?.action?.verb === verb) ||
      (a.type === 'message' && (a.value as { verb?: unknown } | undefined)?.verb === verb),
  /** Any `adaptiveCard/action` invoke (for the unknown-verb answer). */
  any: (): Select => (a) => a.type === 'invoke' && a.name === 'adaptiveCard/action',
};

/** Installation selectors. */
export const install = {
  /** The bot itself was added to a team, group chat or personal scope. */
  botAdded: (): Select => (a) => a.type === 'conversationUpdate' && includesBot(a.membersAdded, a),
  /** The bot itself was removed. */
  botRemoved: (): Select => (a) =>
    a.type === 'conversationUpdate' && includesBot(a.membersRemoved, a),
  /** People (not the bot) joined a team. */
  membersAdded: (): Select => (a) =>
    a.type === 'conversationUpdate' &&
    (a.membersAdded ?? []).length > 0 &&
    !includesBot(a.membersAdded, a) &&
    channelData(a).team?.id !== undefined,
  /** People (not the bot) left a team. */
  membersRemoved: (): Select => (a) =>
    a.type === 'conversationUpdate' &&
    (a.membersRemoved ?? []).length > 0 &&
    !includesBot(a.membersRemoved, a) &&
    channelData(a).team?.id !== undefined,
  /** `installationUpdate` with action add / add-upgrade. */
  added: (): Select => (a) => a.type === 'installationUpdate' && /^add/.test(String(a.action)),
  /** `installationUpdate` with action remove / remove-upgrade. */
  removed: (): Select => (a) => a.type === 'installationUpdate' && /^remove/.test(String(a.action)),
};

/** Teams team and channel events (`conversationUpdate` with `channelData.eventType`). */
export const teamEvent =
  (...eventTypes: string[]): Select =>
  (a) =>
    a.type === 'conversationUpdate' && eventTypes.includes(channelData(a).eventType ?? '');

/** Any invoke at all (for the unknown-invoke answer). */
export const anyInvoke = (): Select => (a) => a.type === 'invoke';
