import { errorAnswer } from '../reply';
import type { Handler } from '../router';

/** An `adaptiveCard/action` with a verb we do not know (an old card, say): tell the user, change nothing. */
export const answerUnknownVerb: Handler = async (context, { logger }) => {
  const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action
    ?.verb;
  logger.warn({ verb }, 'card action with unknown verb');
  return errorAnswer(
    400,
    'UnknownAction',
    'This button is no longer supported. Type help (or mention me with help) for what I can do now.',
  );
};

/** Any other invoke we do not handle: a 400 so Teams does not wait, and a log line. */
export const answerUnknownInvoke: Handler = async (context, { logger }) => {
  logger.warn({ invoke: context.activity.name }, 'unhandled invoke');
  return errorAnswer(
    400,
    'UnsupportedInvoke',
    `This bot does not handle "${String(context.activity.name)}".`,
  );
};

/** Activity types we do not act on (typing, reactions, …): logged, answered 200, nothing stored. */
export const ignoreActivity: Handler = async (context, { logger }) => {
  logger.debug({ type: context.activity.type, name: context.activity.name }, 'activity ignored');
};
