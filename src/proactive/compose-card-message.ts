import type { CardJson } from '../cards/render-card';
import { mentionText, type CardComposer, type Mention } from '../domain/cards/deliver-cards';

/**
 * The Bot Framework message that carries one Adaptive Card, as the outbox stores and sends it.
 * Mentions go in the card's `msteams.entities` (Teams reads them there for cards); each entity's
 * text matches the `<at>name</at>` in the card's text, or Teams shows it as plain text.
 */
export function composeCardMessage(
  card: CardJson,
  summary: string,
  mentions: readonly Mention[] = [],
): Record<string, unknown> {
  const content =
    mentions.length === 0
      ? card
      : {
          ...card,
          msteams: {
            ...((card['msteams'] as Record<string, unknown> | undefined) ?? {}),
            entities: mentions.map((m) => ({
              type: 'mention',
              text: mentionText(m),
              mentioned: { id: m.id, name: m.name },
            })),
          },
        };
  return {
    type: 'message',
    // The summary is what Teams shows in notifications and the activity feed.
    summary,
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }],
  };
}

/** A CardComposer over the card renderer: template + data → message payload. */
export function createCardComposer(
  renderCard: (name: string, data: object) => CardJson,
): CardComposer {
  return {
    composeCard: (template, data, summary, mentions) =>
      composeCardMessage(renderCard(template, data), summary, mentions),
  };
}
