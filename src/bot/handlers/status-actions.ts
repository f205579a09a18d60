import type { TurnContext } from 'botbuilder';
import type { CardRef } from '../../domain/cards/card-views';
import { ConflictError, CodedError, ErrorCode, ForbiddenError } from '../../domain/shared/errors';
import type { DrawnCard } from '../../domain/status/draw-card';
import type { BotServices } from '../bot-services';
import { readCardRef, readEditPress, readStatusPress } from '../read-card-data';
import { placeOf } from '../read-teams-context';
import { cardAnswer, cardMessage, errorAnswer } from '../reply';
import type { Handler, InvokeAnswer } from '../router';
import { recordPress, type PressOutcome } from '../../telemetry/metrics';
import { annotateSpan } from '../../telemetry/spans';

/** Answers a button press with a card: in place for Execute, as a new message for the Submit fallback. */
async function answerWithCard(
  context: TurnContext,
  services: BotServices,
  drawn: DrawnCard,
  text?: string,
): Promise<InvokeAnswer | undefined> {
  const card = services.renderCard(drawn.template, drawn.data);
  if (context.activity.type === 'invoke') return cardAnswer(card);
  if (text) await context.sendActivity(text);
  else await context.sendActivity(cardMessage(card, drawn.summary));
  return undefined;
}

/** Answers a refused press: the latest card with the reason on top, or the error for a broken card. */
async function answerRefusal(
  context: TurnContext,
  services: BotServices,
  ref: CardRef | undefined,
  error: CodedError,
): Promise<InvokeAnswer | undefined> {
  const viewer = { userId: context.activity.from?.aadObjectId, ...placeOf(context.activity) };
  if (ref && error.code !== ErrorCode.InvalidInput) {
    // Drawn only for someone who may read it: a refusal never shows what was refused.
    const drawn = await services.drawCard(ref, viewer, error.userMessage).catch(() => undefined);
    if (drawn) return answerWithCard(context, services, drawn, error.userMessage);
  }
  if (context.activity.type === 'invoke')
    // HTTP 200 with the error type: Teams shows the message and keeps the card as it was.
    return { ...errorAnswer(400, error.code, error.userMessage), status: 200 };
  await context.sendActivity(error.userMessage);
  return undefined;
}

/**
 * A status button (`setStatus`): checks the data, the role and the version the card showed,
 * writes once, answers with the refreshed card at once, and queues the other copies' redraw.
 */
export const setStatusAction: Handler = async (context, { services, logger }) => {
  const { activity } = context;
  let ref: CardRef | undefined;
  try {
    const press = readStatusPress(activity);
    ref = press.card;
    const { result, card, saved } = await services.pressStatus({
      ...press,
      ...(activity.id ? { changeId: `${activity.id}|${press.actionId}` } : {}),
      ...placeOf(activity),
      actor: {
        userId: activity.from?.aadObjectId ?? '',
        ...(activity.from?.name ? { name: activity.from.name } : {}),
      },
    });
    logger.info(
      {
        orgCode: result.org.code,
        actionId: result.item.actionId,
        outcome: result.outcome,
        version: result.item.version,
      },
      'status change from a card',
    );
    notePress(result.outcome);
    return answerWithCard(context, services, card, saved);
  } catch (error) {
    if (error instanceof ConflictError || error instanceof ForbiddenError || isUserError(error)) {
      notePress(
        error instanceof ConflictError
          ? 'conflict'
          : error instanceof ForbiddenError
            ? 'forbidden'
            : 'invalid',
      );
      return answerRefusal(context, services, ref, error as CodedError);
    }
    notePress('failed');
    throw error;
  }
};

// The press counter, and the same outcome on the turn's span.
function notePress(outcome: PressOutcome): void {
  recordPress(outcome);
  annotateSpan({ 'arb.press_outcome': outcome });
}

function isUserError(error: unknown): boolean {
  return (
    error instanceof CodedError &&
    (error.code === ErrorCode.InvalidInput || error.code === ErrorCode.NotFound)
  );
}

/** A row's "Update" button: the update card for that item, for the person who pressed only. */
export const editItemAction: Handler = async (context, { services }) => {
  let ref: CardRef | undefined;
  try {
    const press = readEditPress(context.activity);
    ref = press.card;
    const drawn = await services.drawEditCard(press, context.activity.from?.aadObjectId ?? '');
    return answerWithCard(context, services, drawn);
  } catch (error) {
    if (error instanceof ForbiddenError || isUserError(error))
      return answerRefusal(context, services, ref, error as CodedError);
    throw error;
  }
};

/** A card's `refresh` (and its Refresh button): the card as it is now. */
export const refreshCardAction: Handler = async (context, { services }) => {
  try {
    const ref = readCardRef(context.activity);
    return answerWithCard(
      context,
      services,
      await services.drawCard(ref, {
        userId: context.activity.from?.aadObjectId,
        ...placeOf(context.activity),
      }),
    );
  } catch (error) {
    if (isUserError(error)) return answerRefusal(context, services, undefined, error as CodedError);
    throw error;
  }
};
