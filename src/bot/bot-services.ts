import {
  bindUseCaseTable,
  type BoundUseCases,
  type UseCaseDeps,
} from '../domain/shared/bind-use-cases';
import type { CardJson } from '../cards/render-card';
import { listMyRoles } from '../domain/access/list-my-roles';
import { connectChannel } from '../domain/cards/connect-channel';
import { postCardsAgain } from '../domain/cards/post-cards-again';
import { redeliverChannel } from '../domain/cards/redeliver-channel';
import { listTeamLinks, unlinkChannel } from '../domain/channels/link-channel';
import {
  recordConversation,
  recordConversations,
  recordTeamDeleted,
} from '../domain/channels/record-conversation';
import { runDigestNow } from '../domain/digests/digest-now';
import { setDigestMentions } from '../domain/digests/digest-mentions';
import {
  grantRoleInTeams,
  listRoleHolders,
  revokeRoleInTeams,
} from '../domain/channels/team-roles';
import {
  forgetTeamRoster,
  removeTeamMembers,
  syncTeamRoster,
} from '../domain/channels/sync-roster';
import { chooseNudges, getNudgeChoices, snoozeNudge } from '../domain/nudges/choose-nudges';
import { retryFailedDeliveries } from '../domain/outbox/delivery-health';
import { getDeliveryReport } from '../domain/outbox/describe-delivery';
import { drawCard, drawEditCard } from '../domain/status/draw-card';
import { getMyActions } from '../domain/status/get-my-actions';
import { getMyProgress } from '../domain/status/get-my-progress';
import { getStatusReport } from '../domain/status/get-status-report';
import { pressStatus } from '../domain/status/press-status';
import { updateByChat } from '../domain/status/update-by-chat';

// The use cases handlers may call, and nothing else: handlers never see a store, so every read
// and write goes through the domain's checks. Each takes its dependencies first; the composition
// root binds them once (bindUseCases), and a handler calls `services.pressStatus(press)`.
const BOT_USE_CASES = {
  // Status: card presses, chat updates, and the cards that show them.
  pressStatus,
  updateByChat,
  drawCard,
  drawEditCard,
  getMyActions,
  getMyProgress,
  getStatusReport,
  // People and roles.
  listMyRoles,
  grantRoleInTeams,
  revokeRoleInTeams,
  listRoleHolders,
  // Channels: links, deliveries, and what Teams tells us about conversations.
  connectChannel,
  unlinkChannel,
  listTeamLinks,
  redeliverChannel,
  postCardsAgain,
  recordConversation,
  recordConversations,
  recordTeamDeleted,
  // Team rosters: who is in the teams the bot is in.
  syncTeamRoster,
  removeTeamMembers,
  forgetTeamRoster,
  // Digests, reminders, delivery health.
  runDigestNow,
  setDigestMentions,
  snoozeNudge,
  chooseNudges,
  getNudgeChoices,
  getDeliveryReport,
  retryFailedDeliveries,
} as const;

/** The use cases, bound to their dependencies: what a handler calls. */
export type BotUseCases = BoundUseCases<typeof BOT_USE_CASES>;

/** Everything the bound use cases need together (stores, composer, copy redraws, clock, …). */
export type BotUseCaseDeps = UseCaseDeps<typeof BOT_USE_CASES>;

/** Binds every use case handlers may call to its dependencies; done once by the composition root. */
export function bindUseCases(deps: BotUseCaseDeps): BotUseCases {
  return bindUseCaseTable(BOT_USE_CASES, deps);
}

/** What handlers get: the bound use cases, card rendering, the clock and the mode. */
export interface BotServices extends BotUseCases {
  renderCard(name: string, data: object): CardJson;
  now(): Date;
  /** Local demo mode (everyone who talks to the bot is given the demo roles). */
  demoMode: boolean;
}
