import type {
  ConversationRecord,
  ConversationStore,
  DeliveryAddress,
} from '../domain/channels/conversations';
import type { RosterPerson, RosterStore } from '../domain/channels/rosters';
import type { ConnectorClient, ConnectorResult } from './connector-client';
import type { GraphClient, GraphResult } from './graph-client';

/** How a person's 1:1 chat with the bot was found: stored, started from the roster, or made by a Graph install. */
export type ReachRoute = 'stored' | 'roster' | 'graph';

/** What trying to reach a person 1:1 came to. */
export type ReachOutcome =
  /** A 1:1 chat exists now, and is stored as the person's conversation. */
  | { kind: 'reached'; route: 'roster' | 'graph'; address: DeliveryAddress }
  /** No way to reach them 1:1 that trying again would change; `detail` says why, for delivery health. */
  | { kind: 'unreachable'; detail: string; status?: number }
  /** A passing failure (429, 5xx, network, 401): the caller retries as it retries sends. */
  | { kind: 'wait'; source: 'teams' | 'graph'; result: ConnectorResult };

/** What reaching a person needs: the rosters, where to store the chat, and Graph when enabled. */
export interface ReachDeps {
  rosters: Pick<RosterStore, 'getPerson'>;
  conversations: ConversationStore;
  client: Pick<ConnectorClient, 'createPersonalConversation'>;
  /** Set only when an administrator enabled GRAPH_INSTALL_FOR_USERS. */
  graph?: {
    client: Pick<GraphClient, 'installApp' | 'findInstallation' | 'getInstallationChat'>;
    catalogAppId: string;
  };
  now: () => Date;
}

/**
 * Makes the one call to the Bot Connector under the caller's terms (the outbox's claim and rate
 * limit); undefined when the caller could not make it (stopping, or another sender has the entry).
 */
export type CallTeams = (
  conversationKey: string,
  call: () => Promise<ConnectorResult>,
) => Promise<ConnectorResult | undefined>;

/**
 * Finds a way to message a person 1:1 who has no stored personal chat with the bot: their Teams
 * user id from the team rosters, a new 1:1 conversation through the Bot Connector and, when
 * Teams refuses because the app is not installed for them and an administrator allowed it, an
 * installation of the app through Microsoft Graph. The chat is stored (as a personal chat opened
 * by the person would be) only once it really exists; nothing is stored otherwise.
 */
export async function reachPerson(
  deps: ReachDeps,
  userAadObjectId: string,
  callTeams: CallTeams,
): Promise<ReachOutcome | undefined> {
  const person = await deps.rosters.getPerson(userAadObjectId);
  if (!person)
    return {
      kind: 'unreachable',
      detail: 'They have never opened the bot and are in no team the bot is in.',
    };
  const team = await findTeamAddress(deps.conversations, person);
  if (!team)
    return {
      kind: 'unreachable',
      detail: 'They have never opened the bot, and the bot has left the teams they were in.',
    };
  const created = await callTeams(`create:${person.teamsUserId}`, () =>
    deps.client.createPersonalConversation(
      team.serviceUrl,
      team.botId,
      person.teamsUserId,
      person.tenantId,
    ),
  );
  if (!created) return undefined;
  const { status } = created;
  if (status >= 200 && status < 300) {
    if (!created.id)
      return { kind: 'unreachable', status, detail: 'Teams started a chat but gave no id for it.' };
    return store(deps, person, 'roster', { ...team, conversationId: created.id });
  }
  if (status === 403 && deps.graph) return installWithGraph(deps, deps.graph, person, team);
  if (status === 403)
    return {
      kind: 'unreachable',
      status,
      detail: `Teams would not start a 1:1 chat (403${created.error ? ` ${created.error}` : ''}): the app is not installed for them, and installing it through Microsoft Graph is off.`,
    };
  if (status === 404)
    return {
      kind: 'unreachable',
      status,
      detail: `Teams does not know this person (404${created.error ? ` ${created.error}` : ''}): they may have left the organisation.`,
    };
  return { kind: 'wait', source: 'teams', result: created };
}

/** The bot's address in one of the person's teams still active: its service URL and bot id. */
async function findTeamAddress(
  conversations: ConversationStore,
  person: RosterPerson,
): Promise<Omit<DeliveryAddress, 'conversationId' | 'tenantId'> | undefined> {
  for (const teamId of person.teamIds) {
    const team = (await conversations.listTeam(teamId)).find(
      (r: ConversationRecord) => r.kind === 'team' && r.active,
    );
    if (team) return { serviceUrl: team.address.serviceUrl, botId: team.address.botId };
  }
  return undefined;
}

/**
 * Installs the app for the person (409: it already is), finds the installation and its chat. A
 * 429, 5xx or network failure waits to be tried again; any other refusal means Graph will not
 * help (no permission, no such user or app) and is reported with what it said.
 */
async function installWithGraph(
  deps: ReachDeps,
  graph: NonNullable<ReachDeps['graph']>,
  person: RosterPerson,
  team: Omit<DeliveryAddress, 'conversationId' | 'tenantId'>,
): Promise<ReachOutcome> {
  const user = person.userAadObjectId;
  const installed = await graph.client.installApp(user, graph.catalogAppId);
  if (installed.status !== 409) {
    const failed = judgeGraph(installed, 'install the app for them');
    if (failed) return failed;
  }
  const found = await graph.client.findInstallation(user, graph.catalogAppId);
  const notFound = judgeGraph(found, 'find the app it installed for them');
  if (notFound) return notFound;
  if (!found.id)
    // Just installed but not listed yet (Graph is eventually consistent): try again shortly.
    return {
      kind: 'wait',
      source: 'graph',
      result: { status: 0, error: 'the new installation is not listed yet' },
    };
  const chat = await graph.client.getInstallationChat(user, found.id);
  const noChat = judgeGraph(chat, 'give the chat of the installation');
  if (noChat) return noChat;
  if (!chat.id)
    return { kind: 'unreachable', status: chat.status, detail: 'Microsoft Graph gave no chat id.' };
  return store(deps, person, 'graph', { ...team, conversationId: chat.id });
}

/** Undefined when a Graph call succeeded; otherwise whether to wait or give up, and why. */
function judgeGraph(result: GraphResult, what: string): ReachOutcome | undefined {
  const { status } = result;
  if (status >= 200 && status < 300) return undefined;
  if (status === 0 || status === 408 || status === 429 || status >= 500)
    return { kind: 'wait', source: 'graph', result };
  const said = result.error ? ` ${result.error}` : '';
  const hint =
    status === 401 || status === 403
      ? ': grant the bot the Graph application permission TeamsAppInstallation.ReadWriteSelfForUser.All with admin consent'
      : status === 404
        ? ': check TEAMS_CATALOG_APP_ID, and that the person still exists'
        : '';
  return {
    kind: 'unreachable',
    status,
    detail: `Microsoft Graph would not ${what} (${status}${said})${hint}.`,
  };
}

async function store(
  deps: ReachDeps,
  person: RosterPerson,
  route: 'roster' | 'graph',
  address: Omit<DeliveryAddress, 'tenantId'>,
): Promise<ReachOutcome> {
  const full: DeliveryAddress = { ...address, tenantId: person.tenantId };
  await deps.conversations.saveConversation({
    kind: 'personal',
    userAadObjectId: person.userAadObjectId,
    userName: person.name,
    address: full,
    active: true,
    healthy: true,
    unhealthyReason: '',
    lastEvent: route === 'roster' ? 'created:roster' : 'created:graph',
    updatedAt: deps.now().toISOString(),
  });
  return { kind: 'reached', route, address: full };
}
