import type { CardJson } from '../cards/render-card';
import type { CampaignStore } from '../domain/checklists/campaigns';
import type { LinkStore } from '../domain/channels/channel-links';
import type { ChecklistStore } from '../domain/checklists/checklists';
import type { CardComposer } from '../domain/cards/deliver-cards';
import type { CopyRefresher } from '../domain/cards/refresh-copies';
import type { PreferenceStore } from '../domain/nudges/preferences';
import type { ConversationStore } from '../domain/channels/conversations';
import type { OrganisationStore } from '../domain/access/organisations';
import type { RoleStore } from '../domain/access/roles';
import type { ItemStore } from '../domain/items/item-store';
import type { OutboxStore } from '../domain/outbox/outbox';
import type { JobRunStore } from '../domain/jobs/job-runs';
import type { Retry } from '../domain/shared/retry';

/** The domain services and helpers handlers may call; built once by the composition root. */
export interface BotServices {
  conversations: ConversationStore;
  organisations: OrganisationStore;
  campaigns: CampaignStore;
  items: ItemStore;
  roles: RoleStore;
  outbox: OutboxStore;
  checklists: ChecklistStore;
  links: LinkStore;
  preferences: PreferenceStore;
  /** Past job runs (`digest now` compares with last week's digest). */
  jobRuns: JobRunStore;
  /** Where a digest's "Full detail" button goes (DIGEST_DETAIL_URL). */
  digestDetailUrl: string;
  /** Redraws the posted copies of cards after a change, in the background. */
  copies: CopyRefresher;
  composer: CardComposer;
  renderCard(name: string, data: object): CardJson;
  now(): Date;
  /** How a status change that met another on its organisation's counts is tried again. */
  retryOnConflict?: Retry;
  /** Local mode only: the demo practice whose staff role (with administrator) newcomers get. */
  demo?: { practiceCode: string };
}
