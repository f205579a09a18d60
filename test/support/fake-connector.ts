import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the bot made to the Bot Connector REST API. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  activityId?: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
}

/** Channels the fake lists for GET /v3/teams/{teamId}/conversations. */
export type TeamChannels = Record<string, { id: string; name?: string }[]>;

/**
 * A small fake of the Bot Connector REST API on loopback: records what the bot sends and answers
 * like Teams does (ids for new activities, channel lists for teams).
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  teamChannels: TeamChannels = {};
  private server: http.Server | undefined;
  private nextId = 1;
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  /** The serviceUrl to put in activities so the bot answers here. */
  url = '';

  /** Starts listening on a free loopback port. */
  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Activities the bot sent (new messages and replies), in order. */
  sentActivities(): Record<string, unknown>[] {
    return this.calls
      .filter((c) => c.method === 'POST' && c.path.includes('/activities') && c.body)
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
            `Timed out; connector received: ${JSON.stringify(this.calls.map((c) => `${c.method} ${c.path}`))}`,
          ),
        );
      }, timeoutMs).unref();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      const path = decodeURIComponent(url.pathname);
      const match = /^\/v3\/conversations\/([^/]+)(?:\/activities(?:\/([^/]+))?)?/.exec(
        url.pathname,
      );
      const call: ConnectorCall = {
        method: req.method ?? 'GET',
        path,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
        authorization: req.headers.authorization,
      };
      if (match?.[1]) call.conversationId = decodeURIComponent(match[1]);
      if (match?.[2]) call.activityId = decodeURIComponent(match[2]);
      this.calls.push(call);
      this.answer(call, res);
      for (const waiter of [...this.waiters]) {
        if (waiter.test()) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve();
        }
      }
    });
  }

  private answer(call: ConnectorCall, res: http.ServerResponse): void {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const teams = /^\/v3\/teams\/([^/]+)\/conversations$/.exec(call.path);
    if (call.method === 'GET' && teams?.[1]) {
      send(200, { conversations: this.teamChannels[teams[1]] ?? [] });
      return;
    }
    if (call.method === 'POST' && call.path === '/v3/conversations') {
      send(201, { id: `a:fake-conversation-${this.nextId++}` });
      return;
    }
    if (call.method === 'DELETE') {
      send(200, {});
      return;
    }
    send(call.method === 'POST' ? 201 : 200, {
      id: call.activityId && call.method === 'PUT' ? call.activityId : `activity-${this.nextId++}`,
    });
  }
}
