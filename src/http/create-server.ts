import restify, { type Request, type Response, type Server } from 'restify';
import type { Bot } from '../bot/create-bot';
import type { Logger } from '../logging/create-logger';
import { findActivityProblem, readTenantId } from './validate-activity';

/** Bodies over this are refused with 413 before any parsing (Teams activities are far smaller). */
export const MAX_BODY_BYTES = 256 * 1024;

/** The HTTP front door plus what graceful shutdown needs to know. */
export interface HttpServer {
  server: Server;
  /** Requests to /api/messages still being processed. */
  inFlight(): number;
}

/** Builds the restify server: /api/messages, /healthz, /readyz. */
export function createServer(options: {
  bot: Bot;
  logger: Logger;
  requireAuthHeader: boolean;
  allowedTenantIds: readonly string[];
  checkReady: () => Promise<void>;
}): HttpServer {
  const { bot, logger } = options;
  const server = restify.createServer({
    name: 'access-recovery-bot',
    handleUncaughtExceptions: false,
  });
  let inFlight = 0;

  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.on('after', (req: Request, res: Response, _route: unknown, error: unknown) => {
    const entry = {
      method: req.method,
      url: req.url,
      status: res.statusCode,
      ms: Date.now() - req.time(),
    };
    if (res.statusCode >= 400) logger.warn({ ...entry, err: error }, 'request refused');
    else logger.debug(entry, 'request');
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    try {
      await options.checkReady();
      res.send(200, { status: 'ready', storage: 'ok' });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      res.send(503, { status: 'not ready', storage: 'not answering' });
    }
  });

  server.post(
    '/api/messages',
    restify.plugins.bodyParser({
      maxBodySize: MAX_BODY_BYTES,
      mapParams: false,
      rejectUnknown: true,
    }),
    async (req: Request, res: Response) => {
      // Without a token there is nothing to authenticate: refuse before reading the body, so an
      // anonymous caller learns nothing about what the bot accepts.
      if (options.requireAuthHeader && !req.header('authorization')) {
        res.send(401, {
          code: 'Unauthorized',
          message: 'This bot only accepts requests from the Bot Framework.',
        });
        return;
      }
      const problem = findActivityProblem(req.body);
      if (problem) {
        res.send(problem.status, { code: 'BadRequest', message: problem.message });
        return;
      }
      const tenantId = readTenantId(req.body as Record<string, unknown>);
      if (
        options.allowedTenantIds.length > 0 &&
        !(tenantId && options.allowedTenantIds.includes(tenantId))
      ) {
        logger.warn({ tenantId }, 'activity from a tenant not on ALLOWED_TENANT_IDS');
        res.send(403, {
          code: 'Forbidden',
          message: 'This tenant is not allowed to use this bot.',
        });
        return;
      }
      inFlight += 1;
      try {
        await bot.process(req, res);
      } finally {
        inFlight -= 1;
      }
    },
  );

  return { server, inFlight: () => inFlight };
}
