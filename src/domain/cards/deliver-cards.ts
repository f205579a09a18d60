import type { ChannelLink, LinkStore } from '../channels/channel-links';
import { enqueueMessage } from '../outbox/enqueue-message';
import type { Organisation } from '../access/organisations';
import type { OutboxStore } from '../outbox/outbox';
import {
  campaignCovers,
  loadActions,
  planChannelCards,
  type CardDeps,
  type PlannedCard,
} from './plan-cards';
import { groupCodeOf } from '../items/tracked-items';

/** Someone a message @mentions, so Teams notifies them even if they do not follow the channel. */
export interface Mention {
  /** Teams user id (`29:…`) where known, else the Entra object id: Teams accepts either. */
  id: string;
  /** The name shown; the card's text carries it as `<at>name</at>` (see mentionText). */
  name: string;
}

/** The text that stands for a mention in a message; the entity must carry the same text. */
export function mentionText(mention: Pick<Mention, 'name'>): string {
  return `<at>${mention.name}</at>`;
}

/**
 * A name fit to stand between `<at>` and `</at>`: Teams matches the entity's text to the message
 * exactly, so the name carries no markup or markdown that escaping would change.
 */
export function cleanMentionName(name: string | undefined, fallback: string): string {
  const clean = (name ?? '')
    .replace(/[<>*_`#~|[\]\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
  return clean || fallback;
}

/** Port: turns a card template and its data into a message payload for the outbox. */
export interface CardComposer {
  /** `mentions`: the people the card's text mentions (`<at>name</at>`), none by default. */
  composeCard(
    template: string,
    data: object,
    summary: string,
    mentions?: readonly Mention[],
  ): Record<string, unknown>;
}

/** What card delivery reads and writes. */
export interface DeliveryDeps extends CardDeps {
  links: LinkStore;
  outbox: OutboxStore;
  composer: CardComposer;
}

/** How many cards were queued (new posts and updates of cards already posted). */
export interface DeliveryCount {
  campaigns: number;
  posted: number;
  updated: number;
}

/** The outbox job a campaign's cards belong to. */
export function cardJobId(campaignId: string): string {
  return `cards:${campaignId}`;
}

/**
 * The dedupe key of the post of one card in one channel (updates find the message through it).
 * Each `deliver again` starts a new generation of keys, so the card is posted afresh.
 */
export function postKeyOf(
  link: Pick<ChannelLink, 'teamId' | 'channelId' | 'postings'>,
  cardKey: string,
): string {
  return `post|${link.teamId}|${link.channelId}|${generationOf(link)}${cardKey}`;
}

/** The dedupe key of the redraws of one posted card (the newest state replaces one waiting). */
export function updateKeyOf(
  link: Pick<ChannelLink, 'teamId' | 'channelId' | 'postings'>,
  cardKey: string,
): string {
  return `update|${link.teamId}|${link.channelId}|${generationOf(link)}${cardKey}`;
}

// The first generation keeps the keys cards were always posted under.
function generationOf(link: Pick<ChannelLink, 'postings'>): string {
  return link.postings ? `g${link.postings}|` : '';
}

/**
 * Queues one card into a linked channel: posted the first time, replaced in place afterwards
 * (the update waits for the post if that is still queued). Returns which of the two it did.
 */
export async function putCard(
  deps: Pick<DeliveryDeps, 'outbox' | 'composer' | 'now'>,
  campaignId: string,
  link: Pick<ChannelLink, 'teamId' | 'channelId' | 'postings'> &
    Partial<Pick<ChannelLink, 'orgCode'>>,
  card: PlannedCard,
  options: { redraw?: boolean } = {},
): Promise<'posted' | 'updated'> {
  const jobId = cardJobId(campaignId);
  const target = { kind: 'channel' as const, teamId: link.teamId, channelId: link.channelId };
  const payload = deps.composer.composeCard(card.template, card.data, card.summary);
  const postKey = postKeyOf(link, card.key);
  // A redraw of a card known to be posted skips straight to the update.
  const known = options.redraw ? await deps.outbox.getEntry(jobId, postKey) : undefined;
  if (!known) {
    const posted = await enqueueMessage(deps, {
      jobId,
      dedupeKey: postKey,
      kind: 'send',
      target,
      payload,
      ...(link.orgCode ? { orgCode: link.orgCode } : {}),
    });
    if (posted !== 'duplicate') return 'posted';
  }
  await enqueueMessage(deps, {
    jobId,
    dedupeKey: updateKeyOf(link, card.key),
    kind: 'update',
    target,
    activityOf: postKey,
    payload,
    ...(link.orgCode ? { orgCode: link.orgCode } : {}),
  });
  return 'updated';
}

/** Queues the cards of every running campaign that covers the channel's organisation. */
export async function deliverToChannel(
  deps: DeliveryDeps,
  link: ChannelLink,
  org: Organisation,
): Promise<DeliveryCount> {
  const count: DeliveryCount = { campaigns: 0, posted: 0, updated: 0 };
  if (link.purpose !== 'checklist') return count;
  const campaigns = (await deps.campaigns.listCampaigns()).filter(
    (c) => c.status === 'running' && campaignCovers(c, org),
  );
  for (const campaign of campaigns) {
    const [actions, groupItems] = await Promise.all([
      loadActions(deps, campaign),
      deps.items.listItemsForIcb(campaign.id, groupCodeOf(org)),
    ]);
    const cards = await planChannelCards(deps, campaign, org, groupItems, actions);
    if (cards.every((c) => c.template === 'overview' && c.data.rows.length === 0)) continue;
    count.campaigns += 1;
    for (const card of cards) count[await putCard(deps, campaign.id, link, card)] += 1;
  }
  return count;
}

/**
 * Queues a campaign's cards into every linked checklist channel in its scope (after a launch).
 * Each ICB's items are read once for all the channels under it.
 */
export async function deliverCampaign(
  deps: DeliveryDeps,
  campaignId: string,
  onProgress?: (channelsDone: number, channels: number) => void,
): Promise<DeliveryCount & { channels: number }> {
  const campaign = await deps.campaigns.getCampaign(campaignId);
  const count = { campaigns: 0, posted: 0, updated: 0, channels: 0 };
  if (!campaign || campaign.status !== 'running') return count;
  const links = (await deps.links.listAllLinks()).filter((l) => l.purpose === 'checklist');
  const targets: { link: ChannelLink; org: Organisation }[] = [];
  for (const link of links) {
    const org = await deps.organisations.getOrganisation(link.orgCode);
    if (org && campaignCovers(campaign, org)) targets.push({ link, org });
  }
  const byGroup = new Map<string, typeof targets>();
  for (const t of targets) {
    const group = groupCodeOf(t.org);
    byGroup.set(group, [...(byGroup.get(group) ?? []), t]);
  }
  const actions = await loadActions(deps, campaign);
  let done = 0;
  for (const [group, list] of byGroup) {
    const groupItems = await deps.items.listItemsForIcb(campaign.id, group);
    for (const { link, org } of list) {
      const cards = await planChannelCards(deps, campaign, org, groupItems, actions);
      for (const card of cards) count[await putCard(deps, campaign.id, link, card)] += 1;
      count.channels += 1;
      onProgress?.((done += 1), targets.length);
    }
  }
  count.campaigns = count.channels > 0 ? 1 : 0;
  return count;
}
