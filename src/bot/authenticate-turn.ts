import {
  CloudAdapter,
  type Activity,
  type ConfigurationBotFrameworkAuthentication,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from '../logging/create-logger';

/** Why an authenticated activity is refused (status, code and a message for the caller). */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** Decides, after authentication, whether an activity may be processed. */
export type Admit = (activity: Record<string, unknown>) => Refusal | undefined;

/** Longest wait for the Bot Framework's signing keys: Teams gives an invoke about five seconds. */
export const AUTH_TIMEOUT_MS = 4_000;

// jsonwebtoken's errors for a token that is bad in itself (signature, expiry, shape).
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/** The restify-like response CloudAdapter writes to. */
interface ResponseLike {
  send(status: number, body?: unknown): void;
}

/**
 * CloudAdapter with authentication done separately from the turn, so that a failure to check a
 * token is answered here (401, or 503 when the keys cannot be fetched) instead of CloudAdapter's
 * 500 carrying the internal error text, and so the caller can refuse an activity only once it
 * is known who sent it.
 */
export class AuthenticatingAdapter extends CloudAdapter {
  constructor(
    private readonly auth: ConfigurationBotFrameworkAuthentication,
    private readonly logger: Logger,
  ) {
    super(auth);
  }

  /** Authenticates, admits and runs one request whose JSON body has been read and checked. */
  async processRequest(
    req: { body?: unknown; headers: Record<string, string | string[] | undefined> },
    res: ResponseLike,
    logic: (context: TurnContext) => Promise<void>,
    admit?: Admit,
  ): Promise<void> {
    const activity = fixDates(req.body as Activity);
    const header = req.headers['authorization'];
    const authHeader = typeof header === 'string' ? header : '';
    let result: Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
    try {
      result = await withTimeout(this.auth.authenticateRequest(activity, authHeader));
    } catch (error) {
      const refusal = describeAuthFailure(error, this.logger);
      res.send(refusal.status, { code: refusal.code, message: refusal.message });
      return;
    }
    const refusal = admit?.(activity as unknown as Record<string, unknown>);
    if (refusal) {
      res.send(refusal.status, { code: refusal.code, message: refusal.message });
      return;
    }
    // Failures inside the turn reach onTurnError; anything escaping here is the adapter's own,
    // and its text is for the log, not for the caller.
    let answer: Awaited<ReturnType<CloudAdapter['processActivity']>>;
    try {
      answer = await this.processActivity(result, activity, logic);
    } catch (error) {
      this.logger.error({ err: error }, 'the adapter failed outside the turn');
      res.send(500, { code: 'InternalError', message: 'Something went wrong on our side.' });
      return;
    }
    if (answer?.body === undefined) res.send(answer?.status ?? 200);
    else res.send(answer.status, answer.body);
  }
}

function describeAuthFailure(error: unknown, logger: Logger): Refusal {
  const { name, statusCode } = (error ?? {}) as { name?: string; statusCode?: number };
  if (statusCode === 401 || TOKEN_ERRORS.has(name ?? '')) {
    logger.warn({ err: error }, 'request refused: its token did not check out');
    return {
      status: 401,
      code: 'Unauthorized',
      message: 'This bot only accepts requests from the Bot Framework.',
    };
  }
  // The keys could not be fetched (network, timeout, a 5xx): an operator problem, not the caller's.
  logger.error(
    { err: error },
    'could not check a request token: the Bot Framework signing keys (OpenID metadata) could not be fetched',
  );
  return {
    status: 503,
    code: 'ServiceUnavailable',
    message: 'The bot cannot check requests just now. Please try again later.',
  };
}

async function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`authentication took longer than ${AUTH_TIMEOUT_MS} ms`)),
      AUTH_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// What CloudAdapter.process does to a parsed body before the turn (botbuilder's
// validateAndFixActivity, which it does not export).
function fixDates(activity: Activity): Activity {
  const a = activity as unknown as Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    if (typeof a[field] === 'string') {
      a[raw] = a[field];
      a[field] = new Date(a[field]);
    }
  }
  return activity;
}
