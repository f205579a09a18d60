import type { Request, Response, Server } from 'restify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { asCodedError, ErrorCode } from '../../domain/shared/errors';
import { formatUkDate, formatUkDateTime } from '../../domain/shared/uk-dates';
import { STATUS_LABELS, type ItemStatus } from '../../domain/items/tracked-items';
import type { AttentionKind, AttentionRow } from '../../domain/dashboard/list-attention';
import type { Logger } from '../../logging/create-logger';
import { createJsonBodyReader } from '../read-json-body';
import { sendJson, sendProblem } from './send-problem';
import type { TabUseCases } from './tab-use-cases';
import { TokenRefusal, type SsoIdentity } from './verify-sso-token';
import { toCsv } from './to-csv';

/** Status updates are a status, a short note and a version: far below this. */
export const MAX_API_BODY_BYTES = 8 * 1024;

/** Requests one person may make per minute (the dashboard makes three or four per screen). */
export const REQUESTS_PER_MINUTE = 240;

/** Requests without a valid token one address may make per minute before it is slowed down. */
export const REFUSALS_PER_MINUTE = 60;

/** The fixed identity local mode uses when the tab is opened in a browser, outside Teams. */
export const DEVELOPMENT_USER = {
  userId: '00000000-0000-4000-8000-00000000de71',
  name: 'Development user (local mode)',
} as const;

/** Who may call the API: the SSO token check, or local mode's development identity. */
export type TabAuthentication =
  | { mode: 'production'; verify: (authorization: string | undefined) => Promise<SsoIdentity> }
  | { mode: 'local' };

/** The caller after authentication. */
interface Caller {
  userId: string;
  name?: string;
  development: boolean;
}

const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Registers the dashboard tab's JSON API under /api/v1: every route authenticates (SSO token in
 * production; the development identity in local mode, from loopback only), is rate-limited per
 * person, then calls one tab use case, which authorises by role like the cards do.
 */
export function registerTabApi(
  server: Server,
  options: { useCases: TabUseCases; auth: TabAuthentication; logger: Logger },
): void {
  const { useCases, logger } = options;
  const perUser = new RateLimiterMemory({ points: REQUESTS_PER_MINUTE, duration: 60 });
  const perAddress = new RateLimiterMemory({ points: REFUSALS_PER_MINUTE, duration: 60 });
  const readBody = createJsonBodyReader(MAX_API_BODY_BYTES);

  const authenticate = async (req: Request): Promise<Caller> => {
    const header = req.header('authorization') || undefined;
    if (options.auth.mode === 'local') {
      if (header)
        throw new TokenRefusal(
          401,
          'This service runs in local mode, without an app identity to check sign-in tokens against. Open the tab without a token (the development identity), or run the service in production mode.',
        );
      if (!LOOPBACK_ADDRESS.test(req.socket.remoteAddress ?? ''))
        throw new TokenRefusal(401, 'Local mode answers only this computer.');
      return { ...DEVELOPMENT_USER, development: true };
    }
    const identity = await options.auth.verify(header);
    return {
      userId: identity.userId,
      ...(identity.name ? { name: identity.name } : {}),
      development: false,
    };
  };

  type Handler = (req: Request, res: Response, caller: Caller) => Promise<void>;
  const route = (handler: Handler) => async (req: Request, res: Response) => {
    const address = req.socket.remoteAddress ?? 'unknown';
    let caller: Caller;
    try {
      caller = await authenticate(req);
    } catch (error) {
      const refusal =
        error instanceof TokenRefusal ? error : new TokenRefusal(401, 'Sign in through Teams.');
      if (refusal.status === 503) logger.error({ err: error }, 'tab API: signing keys unreachable');
      else logger.warn({ err: error, status: refusal.status }, 'tab API: token refused');
      try {
        await perAddress.consume(address);
      } catch (limited) {
        return tooMany(res, limited);
      }
      return sendProblem(
        res,
        { status: refusal.status, detail: refusal.detail, code: codeOf(refusal.status) },
        refusal.status === 401 ? { 'www-authenticate': 'Bearer' } : {},
      );
    }
    try {
      await perUser.consume(caller.userId);
    } catch (limited) {
      return tooMany(res, limited);
    }
    try {
      await handler(req, res, caller);
    } catch (error) {
      const coded = asCodedError(error);
      const status = STATUS_OF[coded.code];
      if (status >= 500) logger.error({ err: error, url: req.url }, 'tab API request failed');
      sendProblem(res, { status, detail: coded.userMessage, code: coded.code });
    }
  };

  const param = (req: Request, name: string): string =>
    String((req.params as Record<string, unknown>)[name] ?? '');
  const query = (req: Request, name: string): string | undefined => {
    const value = (req.query as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : undefined;
  };
  const campaignOf = (req: Request) => query(req, 'campaign');
  const pageOf = (req: Request) => ({
    offset: readWhole(query(req, 'offset'), 0),
    limit: readWhole(query(req, 'limit'), 50),
  });

  server.get(
    '/api/v1/me',
    route(async (_req, res, caller) => {
      sendJson(res, 200, {
        user: { id: caller.userId, name: caller.name ?? '', development: caller.development },
        organisations: await useCases.listMyOrganisations(caller.userId),
      });
    }),
  );

  server.get(
    '/api/v1/orgs/:code/dashboard',
    route(async (req, res, caller) => {
      sendJson(
        res,
        200,
        await useCases.getDashboard({
          userId: caller.userId,
          orgCode: param(req, 'code'),
          campaignId: campaignOf(req),
        }),
      );
    }),
  );

  for (const kind of ['overdue', 'blocked'] as const)
    server.get(
      `/api/v1/orgs/:code/${kind}`,
      route(async (req, res, caller) => {
        sendJson(
          res,
          200,
          await useCases.listAttention({
            userId: caller.userId,
            orgCode: param(req, 'code'),
            campaignId: campaignOf(req),
            kind,
            ...pageOf(req),
          }),
        );
      }),
    );

  server.get(
    '/api/v1/items/:campaign/:org/:action/history',
    route(async (req, res, caller) => {
      sendJson(
        res,
        200,
        await useCases.getItemHistory({
          userId: caller.userId,
          campaignId: param(req, 'campaign'),
          orgCode: param(req, 'org'),
          actionId: param(req, 'action'),
        }),
      );
    }),
  );

  server.post(
    '/api/v1/items/:campaign/:org/:action/status',
    route(async (req, res, caller) => {
      const unreadable = await readBody(req);
      if (unreadable)
        return sendProblem(res, {
          status: unreadable.status,
          detail: unreadable.message.replace('the activity', 'the change'),
          code: unreadable.status === 413 ? 'payload_too_large' : 'invalid_input',
        });
      const body = (req.body ?? {}) as Record<string, unknown>;
      sendJson(
        res,
        200,
        await useCases.updateFromTab({
          actor: { userId: caller.userId, ...(caller.name ? { name: caller.name } : {}) },
          campaignId: param(req, 'campaign'),
          orgCode: param(req, 'org'),
          actionId: param(req, 'action'),
          status: body['status'],
          note: body['note'],
          version: body['version'],
        }),
      );
    }),
  );

  server.get(
    '/api/v1/orgs/:code/export.csv',
    route(async (req, res, caller) => {
      const view = query(req, 'view') ?? 'organisations';
      const request = {
        userId: caller.userId,
        orgCode: param(req, 'code'),
        campaignId: campaignOf(req),
      };
      let csv: string;
      if (view === 'overdue' || view === 'blocked') {
        csv = attentionCsv(await readAll(useCases, request, view));
      } else if (view === 'organisations' || view === 'areas' || view === 'actions') {
        const dashboard = await useCases.getDashboard(request);
        const figures = (f: {
          total: number;
          finished: number;
          percentComplete: number;
          byStatus: Record<ItemStatus, number>;
          overdue?: number;
        }) => [
          f.total,
          f.finished,
          f.percentComplete,
          f.byStatus.done,
          f.byStatus.in_progress,
          f.byStatus.not_started,
          f.byStatus.blocked,
          f.byStatus.not_applicable,
        ];
        const head = [
          'Actions',
          'Finished',
          '% complete',
          'Done',
          'In progress',
          'Not started',
          'Blocked',
          'Not applicable',
        ];
        csv =
          view === 'organisations'
            ? toCsv(
                ['ODS code', 'Organisation', 'Level', ...head, 'Overdue'],
                dashboard.children.map((c) => [
                  c.code,
                  c.name,
                  c.level.toUpperCase(),
                  ...figures(c.figures),
                  c.figures.overdue,
                ]),
              )
            : view === 'areas'
              ? toCsv(
                  ['Area', ...head],
                  dashboard.areas.map((a) => [a.name, ...figures(a.figures)]),
                )
              : toCsv(
                  ['Action', 'Title', 'Status', 'Deadline', 'Note', 'Updated by', 'Updated'],
                  dashboard.ownItems.map((i) => [
                    i.actionId,
                    i.title,
                    STATUS_LABELS[i.status],
                    i.dueDate ? formatUkDate(i.dueDate) : '',
                    i.note,
                    i.updatedByName ?? '',
                    i.updatedAt ? formatUkDateTime(i.updatedAt) : '',
                  ]),
                );
      } else {
        return sendProblem(res, {
          status: 400,
          detail: 'Choose what to export: view=organisations, areas, actions, overdue or blocked.',
          code: ErrorCode.InvalidInput,
        });
      }
      const name = `${param(req, 'code')
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')}-${view}.csv`;
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(csv);
    }),
  );
}

// Exports are capped so one request cannot hold the service for long.
const MAX_EXPORT_ROWS = 20_000;

async function readAll(
  useCases: TabUseCases,
  request: { userId: string; orgCode: string; campaignId: string | undefined },
  kind: AttentionKind,
): Promise<AttentionRow[]> {
  const rows: AttentionRow[] = [];
  let offset: number | undefined = 0;
  while (offset !== undefined && rows.length < MAX_EXPORT_ROWS) {
    const page = await useCases.listAttention({ ...request, kind, offset, limit: 200 });
    rows.push(...page.rows);
    offset = page.next;
  }
  return rows;
}

function attentionCsv(rows: readonly AttentionRow[]): string {
  return toCsv(
    [
      'ODS code',
      'Organisation',
      'Action',
      'Title',
      'Status',
      'Deadline',
      'Note',
      'Updated by',
      'Updated',
    ],
    rows.map((r) => [
      r.orgCode,
      r.orgName,
      r.actionId,
      r.title,
      STATUS_LABELS[r.status],
      r.dueDate ? formatUkDate(r.dueDate) : '',
      r.note,
      r.updatedByName ?? '',
      r.updatedAt ? formatUkDateTime(r.updatedAt) : '',
    ]),
  );
}

const STATUS_OF: Record<ErrorCode, number> = {
  [ErrorCode.InvalidInput]: 400,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.StorageUnavailable]: 503,
  [ErrorCode.Unknown]: 500,
};

function codeOf(status: number): string {
  return status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'unavailable';
}

function tooMany(res: Response, limited: unknown): void {
  const seconds =
    limited instanceof RateLimiterRes ? Math.max(1, Math.ceil(limited.msBeforeNext / 1000)) : 60;
  sendProblem(
    res,
    {
      status: 429,
      detail: `Too many requests from you in the last minute. Wait ${seconds} seconds and try again.`,
      code: 'rate_limited',
    },
    { 'retry-after': String(seconds) },
  );
}

function readWhole(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  return /^\d{1,6}$/.test(text) ? Number(text) : -1;
}
