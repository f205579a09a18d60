import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createSeededRandom } from '../../src/importers/create-seeded-random';

/** One request the bot made to the Bot Connector REST API. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  activityId?: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
  /** When the request arrived (ms since the epoch, monotonic so windows never run backwards). */
  at: number;
  /** The status the fake decided on; unset only while the request is still being read. */
  status?: number;
  /** The query string, if any ("?pageSize=…"). */
  search?: string;
}

/** Channels the fake lists for GET /v3/teams/{teamId}/conversations. */
export type TeamChannels = Record<string, { id: string; name?: string }[]>;

/** A team member as Teams lists it (GET /v3/conversations/{teamId}/pagedmembers). */
export interface TeamMember {
  id: string;
  name?: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  userRole?: string;
}

/** How the fake behaves; each option defaults to what Teams does. */
export interface FakeConnectorOptions {
  /** Requests per second the bot may make across all conversations (Teams allows 50). */
  globalPerSecond?: number;
  /** false answers everything but still counts what Teams would have throttled, in `overLimit`. */
  enforceLimits?: boolean;
  /** Multiplies every rate-limit window (0.01 = 100× shorter); only for tests of the fake itself. */
  timeScale?: number;
}

/** Narrows or shapes an injected failure. */
export interface FaultOptions {
  /** Sent as Retry-After in seconds; a 429 without it says 1, like Teams' shortest window. */
  retryAfterSeconds?: number;
  /** Only requests to this conversation (its reply threads included) fail. */
  conversationId?: string;
  /** Only requests with this method fail (POST: new messages; PUT: updates of posted ones). */
  method?: string;
}

/** Latency the fake adds before answering: a fixed delay or a uniform range, in ms. */
export type Latency = number | { min: number; max: number };

/** A change the fake accepted: a new message or reply (POST), an update (PUT) or a delete. */
export interface DeliveredActivity {
  /** The conversation without any ";messageid=" thread suffix. */
  conversationId: string;
  /** The id the fake issued (POST) or the one that was changed (PUT, DELETE). */
  activityId: string;
  body: Record<string, unknown> | undefined;
  /** When the fake accepted it (ms since the epoch, same clock as `ConnectorCall.at`). */
  at: number;
  method: 'POST' | 'PUT' | 'DELETE';
  /** The message this one answers: from the URL, a ";messageid=" thread or the body. */
  replyToId?: string;
}

/** Why the fake refused a request. */
export type RejectionReason =
  'rate-limit' | 'injected' | 'conversation-status' | 'user-status' | 'not-found' | 'bad-request';

/** A request the fake answered with an error, and why. */
export interface RejectedCall {
  call: ConnectorCall;
  status: number;
  /** The Teams error code in the body, e.g. "Throttled". */
  code: string;
  reason: RejectionReason;
  retryAfterSeconds?: number;
  /** For rate-limit refusals, which limit was hit, e.g. "conversation: 7 per 1 s". */
  limit?: string;
}

interface Limit {
  count: number;
  ms: number;
  label: string;
}

interface Answer {
  status: number;
  body: unknown;
  retryAfterSeconds?: number;
}

interface QueuedFault {
  remaining: number;
  status: number;
  options: FaultOptions;
}

interface RandomFault {
  fraction: number;
  status: number;
  options: FaultOptions;
  random: () => number;
}

// Teams' documented per-bot, per-thread limits for sends, updates, deletes and new conversations.
const CONVERSATION_LIMITS: readonly Omit<Limit, 'label'>[] = [
  { count: 7, ms: 1_000 },
  { count: 8, ms: 2_000 },
  { count: 60, ms: 30_000 },
  { count: 1_800, ms: 3_600_000 },
];

// Bodies shaped like Teams' so code that reads `error.code` sees what production would show it.
const ERROR_CODES: Record<number, string> = {
  400: 'BadArgument',
  403: 'BotNotInConversationRoster',
  404: 'ConversationNotFound',
  412: 'PreconditionFailed',
  429: 'Throttled',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

type Kind = 'create' | 'send' | 'reply' | 'update' | 'delete' | 'other';

/**
 * A fake of the Bot Connector REST API on loopback that behaves like Teams under load: it records
 * what the bot sends, enforces Teams' rate limits with its own counters (an independent referee
 * for the bot's throttling), injects faults on demand and keeps delivery records to check against.
 */
export class FakeConnector {
  /** Every request, refused ones included, in arrival order; tests may empty it between steps. */
  readonly calls: ConnectorCall[] = [];
  /** What GET /v3/teams/{teamId}/conversations lists, keyed by team id. */
  teamChannels: TeamChannels = {};
  /** What GET /v3/conversations/{teamId}/pagedmembers lists, keyed by team id. */
  teamMembers: Record<string, TeamMember[]> = {};
  /**
   * true: starting a 1:1 chat with a user found in no `teamMembers` list answers 404, as Teams
   * does for an id it does not know. false (the default) accepts any user.
   */
  requireKnownUsers = false;
  /** Members per page at most (Teams' own page is up to 500; small here so paging is exercised). */
  membersPageSize = 2;
  /** Accepted sends (POST), updates (PUT) and deletes (DELETE), in the order accepted. */
  readonly delivered: DeliveredActivity[] = [];
  /** Every request answered with an error, in order. */
  readonly rejected: RejectedCall[] = [];
  /** How many 429s the fake's own rate limits sent (injected 429s are in `rejected` only). */
  throttled = 0;
  /** With `enforceLimits: false`, how many accepted requests Teams would have throttled. */
  overLimit = 0;

  /** The serviceUrl to put in activities so the bot answers here. */
  url = '';

  private server: http.Server | undefined;
  private waiters: { test: () => boolean; resolve: () => void }[] = [];
  private readonly enforceLimits: boolean;
  private readonly conversationLimits: readonly Limit[];
  private readonly globalLimits: readonly Limit[];
  private global: SlidingLog;
  private perConversation = new Map<string, SlidingLog>();
  // Full histories of accepted counted requests, only read by maxRate(); pushing is O(1).
  private acceptedAt: number[] = [];
  private acceptedByConversation = new Map<string, number[]>();
  // World state survives reset(): ids stay unique and earlier messages stay editable.
  private nextActivity = 1;
  private nextConversation = 1;
  private issued = new Map<string, string>();
  private oneToOne = new Map<string, string>();
  private conversationStatus = new Map<string, 403 | 404>();
  private userStatus = new Map<string, 403 | 404>();
  private queuedFaults: QueuedFault[] = [];
  private randomFault: RandomFault | undefined;
  private latency: Latency = 0;
  private latencyRandom = createSeededRandom(1);
  private pending = new Set<NodeJS.Timeout>();

  /** Creates a stopped fake; `start()` it before use. */
  constructor(options: FakeConnectorOptions = {}) {
    const scale = options.timeScale ?? 1;
    if (!(scale > 0)) throw new Error(`timeScale must be positive, got ${scale}`);
    const globalPerSecond = options.globalPerSecond ?? 50;
    this.enforceLimits = options.enforceLimits ?? true;
    this.conversationLimits = CONVERSATION_LIMITS.map((l) => ({
      count: l.count,
      ms: l.ms * scale,
      label: `conversation: ${l.count} per ${l.ms / 1000} s`,
    }));
    this.globalLimits = [
      { count: globalPerSecond, ms: 1_000 * scale, label: `global: ${globalPerSecond} per 1 s` },
    ];
    this.global = new SlidingLog(this.globalLimits);
  }

  /** Starts listening on a free loopback port. */
  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  /** Stops the server, dropping answers still held back by latency. */
  async stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Activities the bot sent successfully (new messages and replies), in order. */
  sentActivities(): Record<string, unknown>[] {
    return this.calls
      .filter(
        (c) =>
          c.method === 'POST' &&
          c.path.includes('/activities') &&
          c.body &&
          c.status !== undefined &&
          c.status < 300,
      )
      .map((c) => c.body as Record<string, unknown>);
  }

  /** Resolves when `test` holds, or rejects after `timeoutMs` naming what was received. */
  waitFor(test: () => boolean, timeoutMs = 5_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { test, resolve: () => resolve() };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `Timed out; connector received: ${JSON.stringify(this.calls.map((c) => `${c.method} ${c.path} ${c.status ?? ''}`))}`,
          ),
        );
      }, timeoutMs).unref();
    });
  }

  /** Answers the next `count` counted requests (matching `options.conversationId`) with `status`. */
  failNext(count: number, status: number, options: FaultOptions = {}): this {
    if (count > 0) this.queuedFaults.push({ remaining: count, status, options });
    return this;
  }

  /** Answers a seeded-random `fraction` of counted requests with `status`; same seed, same picks. */
  failRandomly(fraction: number, status: number, seed: number, options: FaultOptions = {}): this {
    this.randomFault =
      fraction > 0 ? { fraction, status, options, random: createSeededRandom(seed) } : undefined;
    return this;
  }

  /** Answers every request to a conversation with 403 or 404 as Teams does; undefined clears it. */
  setConversationStatus(conversationId: string, status: 403 | 404 | undefined): this {
    const id = baseConversationId(conversationId);
    if (status === undefined) this.conversationStatus.delete(id);
    else this.conversationStatus.set(id, status);
    return this;
  }

  /**
   * Refuses to start a 1:1 chat with a Teams user (`29:…`) as Teams does: 403 when the app is not
   * installed for them, 404 for a user it does not know; undefined clears it.
   */
  setUserStatus(teamsUserId: string, status: 403 | 404 | undefined): this {
    if (status === undefined) this.userStatus.delete(teamsUserId);
    else this.userStatus.set(teamsUserId, status);
    return this;
  }

  /** Holds every answer back by a fixed number of ms or a seeded-random ms in [min, max]. */
  setLatency(latency: Latency): this {
    this.latency = latency;
    this.latencyRandom = createSeededRandom(1);
    return this;
  }

  /**
   * Clears faults, latency, rate-limit windows and records (calls, delivered, rejected, counters).
   * Keeps issued activity ids, created conversations, teamChannels and refused users, which are
   * Teams' state.
   */
  reset(): this {
    this.queuedFaults = [];
    this.randomFault = undefined;
    this.conversationStatus.clear();
    this.latency = 0;
    this.latencyRandom = createSeededRandom(1);
    this.global = new SlidingLog(this.globalLimits);
    this.perConversation.clear();
    this.acceptedAt = [];
    this.acceptedByConversation.clear();
    this.calls.length = 0;
    this.delivered.length = 0;
    this.rejected.length = 0;
    this.throttled = 0;
    this.overLimit = 0;
    return this;
  }

  /** Everything delivered to a conversation, reply threads included (";messageid=" is ignored). */
  deliveredTo(conversationId: string): DeliveredActivity[] {
    const id = baseConversationId(conversationId);
    return this.delivered.filter((d) => d.conversationId === id);
  }

  /** Keys (from `keyOf` on each new message's body) that were delivered more than once. */
  duplicates(keyOf: (body: Record<string, unknown>) => string | undefined): string[] {
    const seen = new Map<string, number>();
    for (const d of this.delivered) {
      if (d.method !== 'POST' || !d.body) continue;
      const key = keyOf(d.body);
      if (key !== undefined) seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
  }

  /** The most counted requests the fake accepted within any `windowMs` (real ms), globally. */
  maxRate(windowMs: number): number {
    return maxInWindow(this.acceptedAt, windowMs);
  }

  /** The most counted requests the fake accepted within any `windowMs` for any one conversation. */
  maxRatePerConversation(windowMs: number): number {
    let best = 0;
    for (const times of this.acceptedByConversation.values()) {
      best = Math.max(best, maxInWindow(times, windowMs));
    }
    return best;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = now();
      const text = Buffer.concat(chunks).toString('utf8');
      // A base serviceUrl ending in "/" can yield "//v3/..."; Teams tolerates it, so does the fake.
      const url = new URL(req.url ?? '/', 'http://fake');
      const pathname = url.pathname.replace(/\/{2,}/g, '/');
      let body: Record<string, unknown> | undefined;
      let unreadable = false;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch {
        unreadable = true;
      }
      const match = /^\/v3\/conversations\/([^/]+)(?:\/activities(?:\/([^/]+))?)?/.exec(pathname);
      const call: ConnectorCall = {
        method: req.method ?? 'GET',
        path: safeDecode(pathname),
        body,
        authorization: req.headers.authorization,
        at,
      };
      if (url.search) call.search = url.search;
      if (match?.[1]) call.conversationId = safeDecode(match[1]);
      if (match?.[2]) call.activityId = safeDecode(match[2]);
      this.calls.push(call);
      const answer = unreadable
        ? this.reject(call, 400, 'bad-request', 'The request body is not JSON.')
        : this.decide(call, classify(call.method, pathname), at);
      call.status = answer.status;
      this.respond(res, answer);
    });
  }

  private respond(res: http.ServerResponse, answer: Answer): void {
    const write = () => {
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (answer.retryAfterSeconds !== undefined) {
        headers['retry-after'] = String(answer.retryAfterSeconds);
      }
      res.writeHead(answer.status, headers);
      res.end(JSON.stringify(answer.body));
      this.notifyWaiters();
    };
    const delay = this.nextLatency();
    if (delay <= 0) {
      write();
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      write();
    }, delay);
    this.pending.add(timer);
  }

  private notifyWaiters(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve();
      }
    }
  }

  private decide(call: ConnectorCall, kind: Kind, at: number): Answer {
    if (kind === 'create') return this.createConversation(call, at);
    const conversation =
      call.conversationId === undefined ? undefined : baseConversationId(call.conversationId);
    if (conversation !== undefined) {
      const status = this.conversationStatus.get(conversation);
      if (status) return this.reject(call, status, 'conversation-status', statusMessage(status));
    }
    if (kind === 'other' || conversation === undefined) return this.answerOther(call);

    const fault = this.takeFault(conversation, call.method);
    if (fault) return this.injected(call, fault);

    const activityId = call.activityId ?? '';
    if ((kind === 'update' || kind === 'delete') && this.issued.get(activityId) !== conversation) {
      // Teams answers 404 for ids it never issued in that conversation, and for deleted ones.
      return this.reject(call, 404, 'not-found', `Activity ${activityId} not found.`, {
        code: 'ActivityNotFound',
      });
    }
    const throttle = this.admit(call, conversation, at);
    if (throttle) return throttle;

    if (kind === 'update' || kind === 'delete') {
      if (kind === 'delete') this.issued.delete(activityId);
      this.delivered.push({
        conversationId: conversation,
        activityId,
        body: call.body,
        at,
        method: kind === 'update' ? 'PUT' : 'DELETE',
      });
      return { status: 200, body: kind === 'update' ? { id: activityId } : {} };
    }
    const id = this.issue(conversation);
    const record: DeliveredActivity = {
      conversationId: conversation,
      activityId: id,
      body: call.body,
      at,
      method: 'POST',
    };
    const replyToId = replyTarget(call, kind);
    if (replyToId !== undefined) record.replyToId = replyToId;
    this.delivered.push(record);
    return { status: 201, body: { id } };
  }

  private answerOther(call: ConnectorCall): Answer {
    const teams = /^\/v3\/teams\/([^/]+)\/conversations$/.exec(call.path);
    if (call.method === 'GET' && teams?.[1]) {
      return { status: 200, body: { conversations: this.teamChannels[teams[1]] ?? [] } };
    }
    const paged = /^\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec(call.path);
    if (call.method === 'GET' && paged?.[1]) return this.answerMembers(paged[1], call.search);
    return { status: 200, body: {} };
  }

  // One page of a team's members; the continuation token is the offset, opaque to the bot.
  private answerMembers(teamId: string, search: string | undefined): Answer {
    const members = this.teamMembers[teamId];
    if (!members)
      return {
        status: 404,
        body: { error: { code: 'ConversationNotFound', message: 'Not found' } },
      };
    const query = new URLSearchParams(search ?? '');
    const asked = Number(query.get('pageSize') ?? 500);
    const size = Math.max(1, Math.min(this.membersPageSize, Number.isFinite(asked) ? asked : 500));
    const from = Number(query.get('continuationToken') ?? 0) || 0;
    const page = members.slice(from, from + size);
    return {
      status: 200,
      body: {
        members: page,
        ...(from + size < members.length ? { continuationToken: String(from + size) } : {}),
      },
    };
  }

  // POST /v3/conversations: a 1:1 chat (same member, same id, like Teams) or a new channel thread.
  private createConversation(call: ConnectorCall, at: number): Answer {
    const body = call.body ?? {};
    const channelData = asRecord(body['channelData']);
    const channelId = asRecord(channelData?.['channel'])?.['id'];
    const activity = asRecord(body['activity']);
    let conversation: string;
    let commit: () => void = () => undefined;
    if (typeof channelId === 'string') {
      if (!activity) {
        return this.reject(call, 400, 'bad-request', 'A new channel thread needs an activity.');
      }
      conversation = channelId;
    } else {
      const members = body['members'];
      const memberId = Array.isArray(members) ? asRecord(members[0])?.['id'] : undefined;
      if (typeof memberId !== 'string' || body['isGroup'] === true) {
        return this.reject(call, 400, 'bad-request', 'Conversation must have one member.');
      }
      const refusal = this.refuseUser(call, memberId);
      if (refusal) return refusal;
      const tenant = body['tenantId'] ?? asRecord(channelData?.['tenant'])?.['id'] ?? '';
      const key = `${String(tenant)}|${memberId}`;
      const existing = this.oneToOne.get(key);
      // The id is only taken once the request is accepted, so refused creates leave no gaps.
      conversation = existing ?? `a:fake-conversation-${this.nextConversation}`;
      if (!existing) {
        commit = () => {
          this.oneToOne.set(key, conversation);
          this.nextConversation++;
        };
      }
    }
    const status = this.conversationStatus.get(conversation);
    if (status) return this.reject(call, status, 'conversation-status', statusMessage(status));
    const fault = this.takeFault(conversation, call.method);
    if (fault) return this.injected(call, fault);
    const throttle = this.admit(call, conversation, at);
    if (throttle) return throttle;
    commit();
    if (!activity) return { status: 201, body: { id: conversation } };
    const activityId = this.issue(conversation);
    this.delivered.push({
      conversationId: conversation,
      activityId,
      body: activity,
      at,
      method: 'POST',
    });
    const id =
      typeof channelId === 'string' ? `${conversation};messageid=${activityId}` : conversation;
    return { status: 201, body: { id, activityId } };
  }

  // Teams' answers when it will not start a 1:1 chat with someone.
  private refuseUser(call: ConnectorCall, memberId: string): Answer | undefined {
    const known = Object.values(this.teamMembers).some((list) =>
      list.some((m) => m.id === memberId),
    );
    const status = this.userStatus.get(memberId) ?? (this.requireKnownUsers && !known ? 404 : 0);
    if (status === 403)
      return this.reject(
        call,
        403,
        'user-status',
        'The bot is not installed for this user; install the app for them first.',
        { code: 'Forbidden' },
      );
    if (status === 404)
      return this.reject(call, 404, 'user-status', `User ${memberId} not found.`, {
        code: 'NotFound',
      });
    return undefined;
  }

  private issue(conversation: string): string {
    const id = `activity-${this.nextActivity++}`;
    this.issued.set(id, conversation);
    return id;
  }

  private takeFault(
    conversation: string,
    method: string,
  ): { status: number; options: FaultOptions } | undefined {
    const applies = (options: FaultOptions) =>
      (options.conversationId === undefined ||
        baseConversationId(options.conversationId) === conversation) &&
      (options.method === undefined || options.method === method);
    const queued = this.queuedFaults.find((f) => applies(f.options));
    if (queued) {
      if (--queued.remaining === 0) this.queuedFaults.splice(this.queuedFaults.indexOf(queued), 1);
      return queued;
    }
    const random = this.randomFault;
    if (random && applies(random.options) && random.random() < random.fraction) return random;
    return undefined;
  }

  private injected(call: ConnectorCall, fault: { status: number; options: FaultOptions }): Answer {
    const retryAfter = fault.options.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
    return this.reject(call, fault.status, 'injected', `Injected ${fault.status}.`, {
      ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
    });
  }

  // Checks both windows before adding to either, so a refused request uses up no quota.
  private admit(call: ConnectorCall, conversation: string, at: number): Answer | undefined {
    let log = this.perConversation.get(conversation);
    if (!log) {
      log = new SlidingLog(this.conversationLimits);
      this.perConversation.set(conversation, log);
    }
    const over = [this.global.check(at), log.check(at)].filter((o) => o !== undefined);
    if (over.length > 0) {
      if (this.enforceLimits) {
        const worst = over.reduce((a, b) => (b.waitMs > a.waitMs ? b : a));
        this.throttled++;
        return this.reject(
          call,
          429,
          'rate-limit',
          `Too many requests (${worst.limit.label}). Retry after the Retry-After delay.`,
          {
            retryAfterSeconds: Math.max(1, Math.ceil(worst.waitMs / 1000)),
            limit: over.map((o) => o.limit.label).join('; '),
          },
        );
      }
      this.overLimit++;
    }
    this.global.add(at);
    log.add(at);
    this.acceptedAt.push(at);
    let history = this.acceptedByConversation.get(conversation);
    if (!history) this.acceptedByConversation.set(conversation, (history = []));
    history.push(at);
    return undefined;
  }

  private reject(
    call: ConnectorCall,
    status: number,
    reason: RejectionReason,
    message: string,
    extra: { code?: string; retryAfterSeconds?: number; limit?: string } = {},
  ): Answer {
    const code = extra.code ?? ERROR_CODES[status] ?? 'ServiceError';
    const rejection: RejectedCall = { call, status, code, reason };
    const answer: Answer = { status, body: { error: { code, message } } };
    if (extra.retryAfterSeconds !== undefined) {
      rejection.retryAfterSeconds = extra.retryAfterSeconds;
      answer.retryAfterSeconds = extra.retryAfterSeconds;
    }
    if (extra.limit !== undefined) rejection.limit = extra.limit;
    this.rejected.push(rejection);
    return answer;
  }

  private nextLatency(): number {
    const l = this.latency;
    if (typeof l === 'number') return l;
    return l.min + (l.max - l.min) * this.latencyRandom();
  }
}

/** Starts a FakeConnector, e.g. inside a benchmark whose system under test is another process. */
export function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  return new FakeConnector(options).start();
}

/**
 * Timestamps of accepted requests checked against several windows at once. Timestamps only grow,
 * so each window keeps a start index that only moves forward: checks are amortised O(1), and the
 * prefix no window can see any more is cut off now and then.
 */
class SlidingLog {
  private times: number[] = [];
  private readonly starts: number[];

  constructor(private readonly limits: readonly Limit[]) {
    this.starts = limits.map(() => 0);
  }

  /** The limit a request at `at` would break that frees up last, or undefined when it fits. */
  check(at: number): { limit: Limit; waitMs: number } | undefined {
    let worst: { limit: Limit; waitMs: number } | undefined;
    for (let i = 0; i < this.limits.length; i++) {
      const limit = this.limits[i]!;
      let start = this.starts[i]!;
      while (start < this.times.length && this.times[start]! <= at - limit.ms) start++;
      this.starts[i] = start;
      if (this.times.length - start >= limit.count) {
        // Room opens when the oldest of the newest `count` leaves the window.
        const waitMs = this.times[this.times.length - limit.count]! + limit.ms - at;
        if (!worst || waitMs > worst.waitMs) worst = { limit, waitMs };
      }
    }
    return worst;
  }

  /** Records an accepted request at `at`. */
  add(at: number): void {
    this.times.push(at);
    const head = Math.min(...this.starts);
    if (head > 1_024 && head * 2 > this.times.length) {
      this.times.splice(0, head);
      for (let i = 0; i < this.starts.length; i++) this.starts[i]! -= head;
    }
  }
}

// Wall-clock ms that cannot go backwards (NTP steps would otherwise distort the windows).
function now(): number {
  return performance.timeOrigin + performance.now();
}

// A channel and its reply threads ("19:x@thread.tacv2;messageid=123") are one conversation to Teams.
function baseConversationId(id: string): string {
  const cut = id.search(/;messageid=/i);
  return cut < 0 ? id : id.slice(0, cut);
}

function replyTarget(call: ConnectorCall, kind: Kind): string | undefined {
  if (kind === 'reply' && call.activityId) return call.activityId;
  const thread = /;messageid=(.+)$/i.exec(call.conversationId ?? '')?.[1];
  if (thread) return thread;
  const fromBody = call.body?.['replyToId'];
  return typeof fromBody === 'string' && fromBody ? fromBody : undefined;
}

function classify(method: string, pathname: string): Kind {
  if (method === 'POST' && /^\/v3\/conversations\/?$/.test(pathname)) return 'create';
  const activities = /^\/v3\/conversations\/[^/]+\/activities(?:\/([^/]+))?\/?$/.exec(pathname);
  if (!activities) return 'other';
  const hasId = activities[1] !== undefined;
  if (method === 'POST') return hasId ? 'reply' : 'send';
  if (method === 'PUT' && hasId) return 'update';
  if (method === 'DELETE' && hasId) return 'delete';
  return 'other';
}

function statusMessage(status: 403 | 404): string {
  return status === 403
    ? 'The bot is not part of the conversation roster.'
    : 'Conversation not found.';
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// Longest run of sorted timestamps that fits in a half-open window of `windowMs`; two pointers.
function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
