import restify, { type Request, type Response, type Server } from 'restify';
import type { Bot, Refusal } from '../bot/create-bot';
import { asCodedError, ErrorCode, InvalidInputError } from '../domain/shared/errors';
import type { Logger } from '../logging/create-logger';
import type { Scheduler } from '../scheduler/create-scheduler';
import { presentRun } from '../scheduler/present-run';
import type { RunOutcome } from '../scheduler/run-job';
import { formatUkInstant } from '../domain/shared/uk-calendar';
import { hasJobsSecret } from './check-jobs-secret';
import { createJsonBodyReader } from './read-json-body';
import { findActivityProblem, readTenantId } from './validate-activity';

/** Bodies over this, counted after decompression, are refused with 413 (Teams activities are far smaller). */
export const MAX_BODY_BYTES = 256 * 1024;

/** The HTTP front door plus what graceful shutdown needs to know. */
export interface HttpServer {
  server: Server;
  /** Requests still being handled: /api/messages turns and /api/jobs runs. */
  inFlight(): number;
}

/** What POST /api/jobs/<name> needs: the secret callers must send, and what runs the jobs. */
export interface JobTriggerOptions {
  /** Undefined or empty switches the trigger off (403). */
  secret: string | undefined;
  runner: Pick<Scheduler, 'jobNames' | 'runJobNow'>;
}

/** Builds the restify server: /api/messages, /api/jobs/<name>, /healthz, /readyz. */
export function createServer(options: {
  bot: Bot;
  logger: Logger;
  requireAuthHeader: boolean;
  /** Production: only activities whose channelId is `msteams` are let in (after authentication). */
  teamsOnly?: boolean;
  allowedTenantIds: readonly string[];
  checkReady: () => Promise<void>;
  jobs?: JobTriggerOptions;
  /** Further routes (the dashboard tab and its API), registered after the bot's own. */
  routes?: (server: Server) => void;
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

  // Local tools (the Agents Playground) probe the endpoint with HEAD before they connect.
  server.head('/api/messages', async (_req: Request, res: Response) => {
    res.send(200);
  });

  const readBody = createJsonBodyReader(MAX_BODY_BYTES);
  // Who may use the bot, decided only once the caller is authenticated: refusing a tenant before
  // that would let anyone probe which tenants are allowed.
  const admit = (activity: Record<string, unknown>): Refusal | undefined => {
    if (options.teamsOnly && activity['channelId'] !== 'msteams') {
      logger.warn({ channelId: activity['channelId'] }, 'activity from a channel other than Teams');
      return {
        status: 403,
        code: 'Forbidden',
        message: 'This bot only accepts activities from Microsoft Teams.',
      };
    }
    const tenantId = readTenantId(activity);
    if (
      options.allowedTenantIds.length > 0 &&
      !(tenantId && options.allowedTenantIds.includes(tenantId))
    ) {
      logger.warn({ tenantId }, 'activity from a tenant not on ALLOWED_TENANT_IDS');
      return {
        status: 403,
        code: 'Forbidden',
        message: 'This tenant is not allowed to use this bot.',
      };
    }
    return undefined;
  };

  server.post('/api/messages', async (req: Request, res: Response) => {
    // Without a token there is nothing to authenticate: refuse before reading the body, so an
    // anonymous caller learns nothing about what the bot accepts.
    if (options.requireAuthHeader && !req.header('authorization')) {
      res.send(401, {
        code: 'Unauthorized',
        message: 'This bot only accepts requests from the Bot Framework.',
      });
      return;
    }
    const unreadable = await readBody(req);
    if (unreadable) {
      res.send(unreadable.status, {
        code: unreadable.status === 413 ? 'PayloadTooLarge' : 'BadRequest',
        message: unreadable.message,
      });
      return;
    }
    const problem = findActivityProblem(req.body);
    if (problem) {
      res.send(problem.status, { code: 'BadRequest', message: problem.message });
      return;
    }
    inFlight += 1;
    try {
      await bot.process(req, res, admit);
    } finally {
      inFlight -= 1;
    }
  });

  // For external schedulers (an Azure Functions timer, a Logic App). The body is never read:
  // options come in the query string, so nothing is parsed before the secret is checked.
  server.post('/api/jobs/:name', async (req: Request, res: Response) => {
    const jobs = options.jobs;
    if (!jobs?.secret) {
      res.send(403, {
        code: 'Forbidden',
        message:
          'Job triggers are switched off on this service. Set JOBS_SECRET to allow POST /api/jobs/<name>.',
      });
      return;
    }
    const authorised = hasJobsSecret(
      { jobsSecret: req.header('x-jobs-secret'), authorization: req.header('authorization') },
      jobs.secret,
    );
    if (!authorised) {
      res.header('WWW-Authenticate', 'Bearer');
      res.send(401, {
        code: 'Unauthorized',
        message:
          'Send the job secret (JOBS_SECRET) in the x-jobs-secret header or as Authorization: Bearer <secret>. Nothing was run.',
      });
      return;
    }
    const name = String((req.params as Record<string, unknown>)['name'] ?? '');
    inFlight += 1; // drained at shutdown like turns: a stop tells the job to end, then waits
    try {
      const outcome = await jobs.runner.runJobNow(name, readRunRequest(req.query));
      const status =
        outcome.outcome === 'ran'
          ? outcome.run?.status === 'failed'
            ? 500
            : 200
          : outcome.outcome === 'started' || outcome.outcome === 'in-progress'
            ? 202
            : 200;
      res.send(status, presentOutcome(name, outcome));
    } catch (error) {
      const coded = asCodedError(error);
      const status =
        coded.code === ErrorCode.NotFound
          ? 404
          : coded.code === ErrorCode.InvalidInput
            ? 400
            : coded.code === ErrorCode.StorageUnavailable
              ? 503
              : 500;
      if (status >= 500) logger.error({ err: error, job: name }, 'job trigger failed');
      res.send(status, {
        code: coded.code,
        message: coded.userMessage,
        ...(status === 404 ? { jobs: jobs.runner.jobNames() } : {}),
      });
    } finally {
      inFlight -= 1;
    }
  });

  options.routes?.(server);
  return { server, inFlight: () => inFlight };
}

// Query options: slot=<slot>, force=true, wait=<seconds, 0–120>.
function readRunRequest(query: unknown): { slot?: string; force?: boolean; waitMs?: number } {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = q[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new InvalidInputError(`Give ${name} once.`);
    return value.trim();
  };
  const request: { slot?: string; force?: boolean; waitMs?: number } = {};
  const slot = text('slot');
  if (slot) request.slot = slot;
  const force = text('force');
  if (force !== undefined) {
    if (!/^(true|false|1|0)$/i.test(force))
      throw new InvalidInputError('force must be true or false.');
    request.force = /^(true|1)$/i.test(force);
  }
  const wait = text('wait');
  if (wait !== undefined) {
    if (!/^\d{1,3}$/.test(wait) || Number(wait) > 120)
      throw new InvalidInputError(
        'wait is how many seconds to wait for the run to end before answering 202: a whole number from 0 to 120.',
      );
    request.waitMs = Number(wait) * 1000;
  }
  return request;
}

function presentOutcome(job: string, outcome: RunOutcome): Record<string, unknown> {
  const run = outcome.run;
  const messages: Record<RunOutcome['outcome'], string> = {
    ran: `${job} ran for ${run?.slot ?? '?'} and ${run?.status === 'failed' ? 'failed' : 'succeeded'}.`,
    started: `${job} started for ${run?.slot ?? '?'} and is still running; its run record shows when it ends.`,
    'already-succeeded': `${job} already ran for ${run?.slot ?? '?'}; nothing was run again. Add force=true to run it anyway.`,
    'in-progress': `${job} is already running for ${run?.slot ?? '?'}; nothing else was started.`,
    'waiting-to-retry': `${job} failed for ${run?.slot ?? '?'} a short while ago and will be retried.`,
    'gave-up': `${job} failed for ${run?.slot ?? '?'} too many times; add force=true to run it again.`,
    'not-due': `${job} has nothing due now${
      outcome.next ? `; next at ${formatUkInstant(outcome.next.at)}` : ''
    }. Add force=true to run it anyway.`,
  };
  return {
    outcome: outcome.outcome,
    message: messages[outcome.outcome],
    ...(run ? { run: presentRun(run) } : {}),
    ...(outcome.next
      ? {
          next: {
            slot: outcome.next.slot,
            at: outcome.next.at.toISOString(),
            uk: formatUkInstant(outcome.next.at),
          },
        }
      : {}),
  };
}
