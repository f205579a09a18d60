import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  CallerIdConstants,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { BotIdentity } from '../config/load-config';
import { asCodedError, ErrorCode } from '../domain/shared/errors';
import type { Logger } from '../logging/create-logger';
import { AuthenticatingAdapter, type Admit } from './authenticate-turn';
import type { BotServices } from './bot-services';
import { errorAnswer, noticeCardAnswer } from './reply';
import { findRoute, type InvokeAnswer, type Route } from './router';
import { inSpan, SPANS } from '../telemetry/spans';

/** The bot as the HTTP layer sees it: something that processes one request. */
export interface Bot {
  /**
   * Runs one Bot Framework request (its JSON body already read) through authentication, then
   * `admit`, then routing and the handlers.
   */
  process(req: unknown, res: unknown, admit?: Admit): Promise<void>;
}

export type { Admit, Refusal } from './authenticate-turn';

const SCOPE = Symbol('turnScope');

/** Builds the CloudAdapter for the identity (none in local mode) and the routing pipeline. */
export function createBot(options: {
  identity: BotIdentity | undefined;
  services: BotServices;
  routes: readonly Route[];
  logger: Logger;
}): Bot {
  const adapter = new AuthenticatingAdapter(
    new ConfigurationBotFrameworkAuthentication(toAuthOptions(options.identity)),
    options.logger,
  );
  adapter.onTurnError = (context, error) => handleTurnError(context, error, options.logger);

  const run = async (context: TurnContext) => {
    const { activity } = context;
    const correlationId = randomUUID();
    const route = findRoute(options.routes, activity);
    // One span per turn, under the HTTP request's when Azure Monitor traces requests. Its
    // attributes say what kind of turn it was, never what anyone wrote or who they are.
    await inSpan(
      SPANS.turn,
      {
        'arb.activity_type': activity.type,
        'arb.route': route?.name,
        'arb.verb': readVerb(activity),
        'arb.correlation_id': correlationId,
      },
      async (span) => {
        const logger = options.logger.child({
          correlationId,
          activityId: activity.id,
          activityType: activity.type,
          route: route?.name,
        });
        context.turnState.set(SCOPE, { correlationId, logger });
        try {
          const answer = route
            ? await route.handler(context, { services: options.services, logger, correlationId })
            : undefined;
          if (activity.type === ActivityTypes.Invoke) {
            const sent = answer ?? { status: 200 };
            await sendInvokeAnswer(context, sent);
            span.set({ 'arb.invoke_status': sent.status });
          }
        } catch (error) {
          span.set({ 'arb.outcome': 'failed', 'arb.error_code': asCodedError(error).code });
          throw error;
        }
        span.set({ 'arb.outcome': 'handled' });
        logger.info('turn handled');
      },
    );
  };

  return {
    // The HTTP layer passes restify's request (body parsed) and response.
    process: (req, res, admit) => adapter.processRequest(req as never, res as never, run, admit),
  };
}

function toAuthOptions(
  identity: BotIdentity | undefined,
): ConfigurationBotFrameworkAuthenticationOptions {
  // With an empty app id CloudAdapter accepts unauthenticated requests: local mode only.
  if (!identity)
    return {
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppType: 'MultiTenant',
    } as ConfigurationBotFrameworkAuthenticationOptions;
  const base = {
    MicrosoftAppId: identity.appId,
    MicrosoftAppType: identity.appType,
    // Tests point token checks at a local metadata endpoint; production leaves botbuilder's.
    // Setting one endpoint makes botbuilder expect them all, so the rest are the public cloud's.
    ...(identity.openIdMetadataUrl
      ? {
          ToBotFromChannelOpenIdMetadataUrl: identity.openIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: identity.openIdMetadataUrl,
          ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
          ToChannelFromBotOAuthScope: 'https://api.botframework.com',
          ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
          OAuthUrl: 'https://api.botframework.com',
          CallerId: CallerIdConstants.PublicAzureChannel,
          ValidateAuthority: true,
        }
      : {}),
  };
  switch (identity.appType) {
    case 'SingleTenant':
      return {
        ...base,
        MicrosoftAppPassword: identity.password,
        MicrosoftAppTenantId: identity.tenantId,
      } as ConfigurationBotFrameworkAuthenticationOptions;
    case 'MultiTenant':
      return {
        ...base,
        MicrosoftAppPassword: identity.password,
      } as ConfigurationBotFrameworkAuthenticationOptions;
    case 'UserAssignedMSI':
      return {
        ...base,
        MicrosoftAppTenantId: identity.tenantId,
      } as ConfigurationBotFrameworkAuthenticationOptions;
  }
}

// A card button's verb (a name from cards/, never data the person typed).
function readVerb(activity: TurnContext['activity']): string | undefined {
  if (activity.type !== ActivityTypes.Invoke) return undefined;
  const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
  return typeof verb === 'string' && /^[A-Za-z]{1,40}$/.test(verb) ? verb : undefined;
}

async function sendInvokeAnswer(context: TurnContext, answer: InvokeAnswer | void): Promise<void> {
  const { status, body } = answer ?? { status: 200 };
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}

// The status each kind of failure is reported with.
const INVOKE_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.InvalidInput]: 400,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.StorageUnavailable]: 503,
  [ErrorCode.Unknown]: 500,
};

/** The one final error handler: log with a correlation id, answer the user politely, never throw. */
async function handleTurnError(
  context: TurnContext,
  error: unknown,
  rootLogger: Logger,
): Promise<void> {
  const scope = context.turnState.get(SCOPE) as
    { correlationId: string; logger: Logger } | undefined;
  const correlationId = scope?.correlationId ?? randomUUID();
  const logger =
    scope?.logger ?? rootLogger.child({ correlationId, activityId: context.activity?.id });
  const coded = asCodedError(error);
  const reference = correlationId.slice(0, 8);
  const known = coded.code !== ErrorCode.Unknown;
  logger[known ? 'warn' : 'error']({ err: error, code: coded.code }, 'turn failed');
  const message = known
    ? coded.userMessage
    : `${coded.userMessage} If it keeps happening, give your administrator this reference: ${reference}.`;
  try {
    if (
      context.activity?.type === ActivityTypes.Invoke &&
      context.activity.name === 'adaptiveCard/action' &&
      coded.code === ErrorCode.StorageUnavailable
    ) {
      // Teams shows an error answer as a generic failure; a card says what to do, and its
      // button sends the same press again once storage is back.
      const action = (context.activity.value as { action?: { verb?: unknown; data?: unknown } })
        ?.action;
      await sendInvokeAnswer(
        context,
        noticeCardAnswer(
          message,
          typeof action?.verb === 'string' ? { verb: action.verb, data: action.data } : undefined,
        ),
      );
    } else if (context.activity?.type === ActivityTypes.Invoke) {
      const status = INVOKE_STATUS[coded.code];
      const answer = errorAnswer(status, coded.code, message);
      // A card action is answered with HTTP 200 and the error in the body, which Teams shows to
      // the person; other invokes carry the status on the HTTP response itself.
      await sendInvokeAnswer(
        context,
        context.activity.name === 'adaptiveCard/action' ? { ...answer, status: 200 } : answer,
      );
    } else if (context.activity?.type === ActivityTypes.Message) {
      await context.sendActivity(message);
    }
  } catch (sendError) {
    // The connector itself may be what failed; the log above already has the original error.
    logger.error({ err: sendError }, 'could not tell the user about the failure');
  }
}
