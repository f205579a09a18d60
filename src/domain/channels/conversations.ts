/** Where the bot can post: enough to reach a conversation again without a live turn. */
export interface DeliveryAddress {
  serviceUrl: string;
  tenantId: string;
  botId: string;
  conversationId: string;
}

/** The kinds of place the bot can be installed in or talk to. */
export type ConversationKind = 'team' | 'channel' | 'personal' | 'groupChat';

/** A team, channel, personal chat or group chat the bot knows, as last reported by Teams. */
export interface ConversationRecord {
  kind: ConversationKind;
  /** Bot Framework team thread id (`19:…@thread.tacv2`) for teams and channels. */
  teamId?: string;
  /** Entra (Microsoft 365) group id of the team: a different id from `teamId`. */
  aadGroupId?: string;
  teamName?: string;
  channelId?: string;
  channelName?: string;
  /** Entra object id of the user, for personal chats. */
  userAadObjectId?: string;
  userName?: string;
  address: DeliveryAddress;
  /** False once the bot was removed or the channel deleted; records are never deleted. */
  active: boolean;
  /** False after Teams refused a proactive send (403/404); `unhealthyReason` says why. */
  healthy?: boolean;
  unhealthyReason?: string;
  /** What Teams last told us about it, e.g. `channelRenamed`. */
  lastEvent: string;
  updatedAt: string;
}

/** Changes to apply to a stored conversation; fields left out keep their stored values. */
export type ConversationUpdate = Partial<Omit<ConversationRecord, 'kind' | 'address'>> &
  Pick<ConversationRecord, 'kind' | 'lastEvent' | 'updatedAt'> & { address?: DeliveryAddress };

/** Port: durable store of the conversations the bot can reach. */
export interface ConversationStore {
  /** Creates or merges one record; fields not given keep their stored values. */
  saveConversation(update: ConversationUpdate): Promise<void>;
  /** Marks a team and every channel of it inactive (bot removed, team deleted). */
  deactivateTeam(teamId: string, lastEvent: string, at: string): Promise<void>;
  /** Lists the team record and the channel records of one team. */
  listTeam(teamId: string): Promise<ConversationRecord[]>;
  /** Lists the personal chats the bot has with users of one tenant. */
  findPersonal(tenantId: string, userAadObjectId: string): Promise<ConversationRecord | undefined>;
  /** Finds one channel of a team. */
  findChannel(teamId: string, channelId: string): Promise<ConversationRecord | undefined>;
  /** Finds the record of a group chat by its conversation id. */
  findGroupChat(conversationId: string): Promise<ConversationRecord | undefined>;
  /** Says whether storage answers (for /readyz). */
  ping(): Promise<void>;
}
