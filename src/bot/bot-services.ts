import type { CardJson } from '../cards/render-card';
import type { ConversationStore } from '../domain/conversations';

/** The domain services and helpers handlers may call; built once by the composition root. */
export interface BotServices {
  conversations: ConversationStore;
  renderCard(name: string, data: Record<string, unknown>): CardJson;
  now(): Date;
}
