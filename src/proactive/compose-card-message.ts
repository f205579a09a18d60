import type { CardJson } from '../cards/render-card';
import type { CardComposer } from '../domain/cards/deliver-cards';

/** The Bot Framework message that carries one Adaptive Card, as the outbox stores and sends it. */
export function composeCardMessage(card: CardJson, summary: string): Record<string, unknown> {
  return {
    type: 'message',
    // The summary is what Teams shows in notifications and the activity feed.
    summary,
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}

/** A CardComposer over the card renderer: template + data → message payload. */
export function createCardComposer(
  renderCard: (name: string, data: object) => CardJson,
): CardComposer {
  return {
    composeCard: (template, data, summary) =>
      composeCardMessage(renderCard(template, data), summary),
  };
}
