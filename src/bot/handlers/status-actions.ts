import type { TurnContext } from 'botbuilder';
import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { buildEditCard, type CardRef } from '../../domain/cards/card-views';
import { openItem } from '../../domain/status/open-item';
import { ConflictError, CodedError, ErrorCode, ForbiddenError } from '../../domain/shared/errors';
import { getMyActions } from '../../domain/status/get-my-actions';
import { buildCard, itemsCard, loadActions } from '../../domain/cards/plan-cards';
import { changeStatus } from '../../domain/status/set-status';
import { STATUS_LABELS } from '../../domain/items/tracked-items';
import { todayInLondon } from '../../domain/shared/uk-dates';
import type { BotServices } from '../bot-services';
import { readCardRef, readEditPress, readStatusPress } from '../read-card-data';
import { cardAnswer, cardMessage, errorAnswer } from '../reply';
import type { Handler, InvokeAnswer } from '../router';

/** Draws the card a reference names, as it is now, for one person (their own list for "mine"). */
export async function drawCard(
  services: BotServices,
  ref: CardRef,
  userId: string | undefined,
  notice = '',
): Promise<{ card: Record<string, unknown>; summary: string }> {
  if (ref.view === 'mine') {
    const { view } = await getMyActions(services, userId ?? '', notice);
    return { card: services.renderCard('checklist', view), summary: view.summary };
  }
  const planned = await buildCard(services, ref, notice || undefined);
  return { card: services.renderCard(planned.template, planned.data), summary: planned.summary };
}

/** Answers a button press with a card: in place for Execute, as a new message for the Submit fallback. */
async function answerWithCard(
  context: TurnContext,
  drawn: { card: Record<string, unknown>; summary: string },
  text?: string,
): Promise<InvokeAnswer | undefined> {
  if (context.activity.type === 'invoke') return cardAnswer(drawn.card);
  if (text) await context.sendActivity(text);
  else await context.sendActivity(cardMessage(drawn.card, drawn.summary));
  return undefined;
}

/** Answers a refused press: the latest card with the reason on top, or the error for a broken card. */
async function answerRefusal(
  context: TurnContext,
  services: BotServices,
  ref: CardRef | undefined,
  error: CodedError,
): Promise<InvokeAnswer | undefined> {
  const userId = context.activity.from?.aadObjectId;
  if (ref && error.code !== ErrorCode.InvalidInput) {
    const drawn = await drawCard(services, ref, userId, error.userMessage).catch(() => undefined);
    if (drawn) return answerWithCard(context, drawn, error.userMessage);
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
    const result = await changeStatus(services, {
      campaignId: press.campaignId,
      orgCode: press.orgCode,
      actionId: press.actionId,
      status: press.status,
      note: press.note,
      expectedVersion: press.version,
      ...(activity.id ? { changeId: `${activity.id}|${press.actionId}` } : {}),
      surface: 'card',
      actor: {
        userId: activity.from?.aadObjectId ?? '',
        ...(activity.from?.name ? { name: activity.from.name } : {}),
      },
    });
    const { item, org, campaign, orgItems } = result;
    logger.info(
      {
        orgCode: org.code,
        actionId: item.actionId,
        outcome: result.outcome,
        version: item.version,
      },
      'status change from a card',
    );
    if (result.outcome === 'changed')
      services.copies.schedule({
        campaignId: campaign.id,
        org,
        area: String(item.area),
        orgItemCount: orgItems.length,
      });
    const saved = `${item.actionId} for ${escapeMarkdown(org.name)} is now ${STATUS_LABELS[item.status]}.`;
    if (press.card.view === 'items') {
      const actions = await loadActions(services, campaign);
      const planned = itemsCard(
        org,
        campaign,
        actions,
        orgItems,
        todayInLondon(services.now()),
        press.card.area,
      );
      return answerWithCard(
        context,
        { card: services.renderCard(planned.template, planned.data), summary: planned.summary },
        saved,
      );
    }
    return answerWithCard(
      context,
      await drawCard(services, press.card, activity.from?.aadObjectId),
      saved,
    );
  } catch (error) {
    if (error instanceof ConflictError || error instanceof ForbiddenError || isUserError(error))
      return answerRefusal(context, services, ref, error as CodedError);
    throw error;
  }
};

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
    const opened = await openItem(services, press, context.activity.from?.aadObjectId ?? '');
    const view = buildEditCard({
      ...opened,
      today: todayInLondon(services.now()),
      card: press.card,
    });
    return answerWithCard(context, {
      card: services.renderCard('edit-item', view),
      summary: view.title,
    });
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
      await drawCard(services, ref, context.activity.from?.aadObjectId),
    );
  } catch (error) {
    if (isUserError(error)) return answerRefusal(context, services, undefined, error as CodedError);
    throw error;
  }
};
