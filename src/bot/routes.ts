import { retryFailedAction, sendDelivery } from './handlers/delivery';
import { sendHelp, showHelpAction } from './handlers/help';
import { sendProgress } from './handlers/progress';
import {
  recordBotAdded,
  recordBotRemoved,
  recordChannelEvent,
  recordInstallationAdded,
  recordTeamEvent,
} from './handlers/installation-events';
import { grantCommand, revokeCommand, rolesCommand } from './handlers/role-commands';
import { recordMembersAdded, recordMembersRemoved } from './handlers/roster-events';
import { answerUnknownInvoke, answerUnknownVerb, ignoreActivity } from './handlers/unknown-invoke';
import { sendHint } from './handlers/unknown-text';
import { sendWhoami } from './handlers/whoami';
import { deliverCommand } from './handlers/deliver-command';
import { digestCommand } from './handlers/digest-command';
import {
  linkChannelAction,
  linkCommand,
  linksCommand,
  unlinkCommand,
} from './handlers/link-commands';
import { sendMyActions } from './handlers/my-actions';
import { nudgesCommand, snoozeNudgeAction, stopNonUrgentAction } from './handlers/nudge-actions';
import { editItemAction, refreshCardAction, setStatusAction } from './handlers/status-actions';
import { statusCommand } from './handlers/status-command';
import { updateCommand } from './handlers/update-command';
import type { Route } from './router';
import { anyInvoke, card, install, message, teamEvent } from './select';

/** Card verbs this bot handles; every `verb` in cards/ must be here and the reverse (tested). */
export const CARD_VERBS = [
  'showHelp',
  'retryFailed',
  'setStatus',
  'refreshCard',
  'linkChannel',
  'editItem',
  'snoozeNudge',
  'stopNonUrgentNudges',
] as const;

/** The routing table, first match wins; the last rows are the fallbacks. */
export const ROUTES: readonly Route[] = [
  { name: 'help', select: message.command('help'), handler: sendHelp },
  { name: 'whoami', select: message.command('whoami'), handler: sendWhoami },
  { name: 'grant', select: message.command('grant'), handler: grantCommand },
  { name: 'revoke', select: message.command('revoke'), handler: revokeCommand },
  { name: 'roles', select: message.command('roles'), handler: rolesCommand },
  { name: 'progress', select: message.command('progress'), handler: sendProgress },
  { name: 'delivery', select: message.command('delivery'), handler: sendDelivery },
  { name: 'my actions', select: message.command('my'), handler: sendMyActions },
  { name: 'update', select: message.command('update'), handler: updateCommand },
  { name: 'status', select: message.command('status'), handler: statusCommand },
  { name: 'link', select: message.command('link'), handler: linkCommand },
  { name: 'unlink', select: message.command('unlink'), handler: unlinkCommand },
  { name: 'links', select: message.command('links'), handler: linksCommand },
  { name: 'deliver', select: message.command('deliver'), handler: deliverCommand },
  { name: 'digest', select: message.command('digest'), handler: digestCommand },
  { name: 'card.setStatus', select: card.action('setStatus'), handler: setStatusAction },
  { name: 'nudges', select: message.command('nudges'), handler: nudgesCommand },
  { name: 'card.snoozeNudge', select: card.action('snoozeNudge'), handler: snoozeNudgeAction },
  {
    name: 'card.stopNonUrgentNudges',
    select: card.action('stopNonUrgentNudges'),
    handler: stopNonUrgentAction,
  },
  { name: 'card.editItem', select: card.action('editItem'), handler: editItemAction },
  { name: 'card.refreshCard', select: card.action('refreshCard'), handler: refreshCardAction },
  { name: 'card.linkChannel', select: card.action('linkChannel'), handler: linkChannelAction },
  { name: 'card.showHelp', select: card.action('showHelp'), handler: showHelpAction },
  { name: 'card.retryFailed', select: card.action('retryFailed'), handler: retryFailedAction },
  { name: 'install.botAdded', select: install.botAdded(), handler: recordBotAdded },
  { name: 'install.botRemoved', select: install.botRemoved(), handler: recordBotRemoved },
  { name: 'team.membersAdded', select: install.membersAdded(), handler: recordMembersAdded },
  { name: 'team.membersRemoved', select: install.membersRemoved(), handler: recordMembersRemoved },
  { name: 'install.added', select: install.added(), handler: recordInstallationAdded },
  { name: 'install.removed', select: install.removed(), handler: recordBotRemoved },
  {
    name: 'channel.event',
    select: teamEvent('channelCreated', 'channelRenamed', 'channelDeleted', 'channelRestored'),
    handler: recordChannelEvent,
  },
  {
    name: 'team.event',
    select: teamEvent(
      'teamRenamed',
      'teamDeleted',
      'teamRestored',
      'teamArchived',
      'teamUnarchived',
    ),
    handler: recordTeamEvent,
  },
  { name: 'message.unknown', select: message.any(), handler: sendHint },
  { name: 'card.unknownVerb', select: card.any(), handler: answerUnknownVerb },
  { name: 'invoke.unknown', select: anyInvoke(), handler: answerUnknownInvoke },
  { name: 'ignored', select: () => true, handler: ignoreActivity },
];
