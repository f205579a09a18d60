import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the bot made to the fake Microsoft Graph. */
export interface GraphCall {
  method: string;
  /** Decoded path after the base URL, e.g. "/users/{id}/teamwork/installedApps". */
  path: string;
  /** Decoded query parameters ($filter, $expand). */
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
  /** The status the fake answered with. */
  status?: number;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** Which of the three calls a fault applies to. */
export type GraphStep = 'install' | 'find' | 'chat';

interface Fault {
  step: GraphStep | undefined;
  userId: string | undefined;
  status: number;
  remaining: number;
  retryAfterSeconds?: number;
}

interface Installation {
  id: string;
  userId: string;
  catalogAppId: string;
  chatId: string;
}

/**
 * A local stand-in for the Microsoft Graph calls that install a Teams app for a user and find its
 * 1:1 chat (on loopback, base URL `url`, like https://graph.microsoft.com/v1.0). It records calls,
 * keeps installations (a second install answers 409 as Graph does), and answers 403, 404, 429 or
 * 5xx on demand, with error bodies shaped like Graph's.
 */
export class FakeGraph {
  /** Every request in arrival order. */
  readonly calls: GraphCall[] = [];
  /** The catalog app ids Graph knows; installing another answers 404. */
  readonly catalogApps = new Set<string>();
  /** The base URL to give the service (GRAPH_BASE_URL). */
  url = '';
  private server: http.Server | undefined;
  private readonly installations: Installation[] = [];
  private readonly userStatus = new Map<string, 403 | 404>();
  private faults: Fault[] = [];
  private latencyMs = 0;
  private next = 1;

  constructor(catalogAppId: string) {
    this.catalogApps.add(catalogAppId);
  }

  /** Starts listening on a free loopback port. */
  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1.0`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** The app is installed for the user already (an install then answers 409). */
  preinstall(userId: string, catalogAppId: string): this {
    this.install(userId, catalogAppId);
    return this;
  }

  /** Answers every call about a user with 403 (no permission) or 404 (no such user); undefined clears it. */
  setUserStatus(userId: string, status: 403 | 404 | undefined): this {
    if (status === undefined) this.userStatus.delete(userId.toLowerCase());
    else this.userStatus.set(userId.toLowerCase(), status);
    return this;
  }

  /** Answers the next `count` calls (of one step, or any; about one user, or any) with `status`. */
  failNext(
    count: number,
    status: number,
    options: { step?: GraphStep; userId?: string; retryAfterSeconds?: number } = {},
  ): this {
    this.faults.push({
      step: options.step,
      userId: options.userId?.toLowerCase(),
      status,
      remaining: count,
      ...(options.retryAfterSeconds === undefined
        ? {}
        : { retryAfterSeconds: options.retryAfterSeconds }),
    });
    return this;
  }

  /** Holds every answer back by this many ms (0: none). */
  setLatency(ms: number): this {
    this.latencyMs = ms;
    return this;
  }

  /** The installations made or preinstalled, for assertions. */
  installed(): readonly Installation[] {
    return this.installations;
  }

  /** Clears calls, faults and latency; keeps installations and users' statuses (Graph's state). */
  reset(): this {
    this.calls.length = 0;
    this.faults = [];
    this.latencyMs = 0;
    return this;
  }

  private install(userId: string, catalogAppId: string): Installation {
    const installation = {
      id: `installation-${this.next}`,
      userId: userId.toLowerCase(),
      catalogAppId,
      chatId: `19:${userId.toLowerCase()}_fake-bot-${this.next}@unq.gbl.spaces`,
    };
    this.next += 1;
    this.installations.push(installation);
    return installation;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | undefined;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      const call: GraphCall = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname.replace(/^\/v1\.0/, '')),
        query: Object.fromEntries(url.searchParams),
        body,
        authorization: req.headers.authorization,
        at: Date.now(),
      };
      this.calls.push(call);
      const answer = this.decide(call);
      call.status = answer.status;
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (answer.retryAfterSeconds !== undefined)
        headers['retry-after'] = String(answer.retryAfterSeconds);
      const write = () => {
        res.writeHead(answer.status, headers);
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      };
      if (this.latencyMs > 0) setTimeout(write, this.latencyMs);
      else write();
    });
  }

  private decide(call: GraphCall): { status: number; body?: unknown; retryAfterSeconds?: number } {
    const match = /^\/users\/([^/]+)\/teamwork\/installedApps(?:\/([^/]+)(\/chat)?)?$/.exec(
      call.path,
    );
    if (!match) return error(404, 'UnknownError', `No such resource: ${call.path}`);
    const userId = match[1]!.toLowerCase();
    const step: GraphStep | undefined =
      call.method === 'POST' && !match[2]
        ? 'install'
        : call.method === 'GET' && !match[2]
          ? 'find'
          : call.method === 'GET' && match[3]
            ? 'chat'
            : undefined;
    if (!step) return error(405, 'MethodNotAllowed', `${call.method} ${call.path}`);
    const fault = this.faults.find(
      (f) =>
        (f.step === undefined || f.step === step) &&
        (f.userId === undefined || f.userId === userId),
    );
    if (fault) {
      if (--fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      return {
        ...error(fault.status, fault.status === 429 ? 'TooManyRequests' : 'Injected', 'Injected.'),
        ...(fault.status === 429 ? { retryAfterSeconds: fault.retryAfterSeconds ?? 1 } : {}),
      };
    }
    const refused = this.userStatus.get(userId);
    if (refused === 403) return error(403, 'Forbidden', 'Missing role permissions on the request.');
    if (refused === 404) return error(404, 'NotFound', `User ${userId} not found.`);
    const mine = this.installations.filter((i) => i.userId === userId);
    switch (step) {
      case 'install': {
        const bind = String(call.body?.['teamsApp@odata.bind'] ?? '');
        const appId = decodeURIComponent(
          /\/appCatalogs\/teamsApps\/([^/]+)$/.exec(bind)?.[1] ?? '',
        );
        if (!this.catalogApps.has(appId))
          return error(404, 'NotFound', `Teams app ${appId} is not in the catalog.`);
        if (mine.some((i) => i.catalogAppId === appId))
          return error(409, 'Conflict', 'App is already installed.');
        this.install(userId, appId);
        return { status: 201 };
      }
      case 'find': {
        const appId = /teamsApp\/id eq '([^']*)'/.exec(call.query['$filter'] ?? '')?.[1];
        return {
          status: 200,
          body: {
            value: mine
              .filter((i) => appId === undefined || i.catalogAppId === appId)
              .map((i) => ({ id: i.id, teamsApp: { id: i.catalogAppId } })),
          },
        };
      }
      case 'chat': {
        const found = mine.find((i) => i.id === match[2]);
        return found
          ? { status: 200, body: { id: found.chatId, chatType: 'oneOnOne' } }
          : error(404, 'NotFound', `Installation ${match[2]} not found.`);
      }
    }
  }
}

function error(status: number, code: string, message: string) {
  return { status, body: { error: { code, message } } };
}
