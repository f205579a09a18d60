import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import type { CardJson } from '../cards/render-card';
import type { InvokeAnswer } from './router';

/** A message carrying one Adaptive Card, with a text summary for notifications and screen readers. */
export function cardMessage(card: CardJson, summary: string): Partial<Activity> {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  activity.summary = summary;
  return activity;
}

/** The answer to an `adaptiveCard/action` invoke that replaces the card for the user who pressed. */
export function cardAnswer(card: CardJson): InvokeAnswer {
  return {
    status: 200,
    body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card },
  };
}

/** An error answer to an invoke; Teams shows `message` to the user. */
export function errorAnswer(status: number, code: string, message: string): InvokeAnswer {
  return {
    status,
    body: { statusCode: status, type: 'application/vnd.microsoft.error', value: { code, message } },
  };
}

/** The answer to an `adaptiveCard/action` invoke that keeps the card and shows a short message. */
export function messageAnswer(text: string): InvokeAnswer {
  return {
    status: 200,
    body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text },
  };
}

/**
 * A card that stands in for the pressed card while something is briefly unavailable: the
 * message, and a button that sends the same press again.
 */
export function noticeCardAnswer(
  message: string,
  retry: { verb: string; data: unknown } | undefined,
): InvokeAnswer {
  const card: CardJson = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', text: message, wrap: true }],
    ...(retry
      ? {
          actions: [
            { type: 'Action.Execute', title: 'Try again', verb: retry.verb, data: retry.data },
          ],
        }
      : {}),
  };
  return cardAnswer(card);
}
