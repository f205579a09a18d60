import {
  buildChecklistCard,
  buildOverviewCard,
  type CardRef,
  type ChecklistCardView,
  type OverviewCardView,
} from './card-views';
import { MAX_ACTIONS_PER_CARD } from './card-views';
import type { Campaign, CampaignStore } from '../checklists/campaigns';
import type { ChecklistAction, ChecklistStore } from '../checklists/checklists';
import { NotFoundError } from '../shared/errors';
import type { Organisation, OrganisationStore } from '../access/organisations';
import { groupCodeOf, type TrackedItem } from '../items/tracked-items';
import { type ItemStore } from '../items/item-store';
import { todayInLondon } from '../shared/uk-dates';
import { formatOrgName } from '../access/display-name';

/** The stores card planning reads. */
export interface CardDeps {
  organisations: OrganisationStore;
  campaigns: CampaignStore;
  checklists: ChecklistStore;
  items: ItemStore;
  now: () => Date;
}

/** A card ready to render: which template, its data, and a one-line summary for notifications. */
export type PlannedCard =
  | { ref: CardRef; key: string; template: 'checklist'; data: ChecklistCardView; summary: string }
  | { ref: CardRef; key: string; template: 'overview'; data: OverviewCardView; summary: string };

/** A stable name for a card, used in outbox dedupe keys: "items|X99001", "overview|U99901". */
export function cardKeyOf(ref: CardRef): string {
  switch (ref.view) {
    case 'items':
      return `items|${ref.orgCode}${ref.area ? `|a${ref.area}` : ''}`;
    case 'overview':
      return `overview|${ref.orgCode}`;
    case 'mine':
      return 'mine';
  }
}

/** True when a campaign's scope includes the organisation. */
export function campaignCovers(campaign: Campaign, org: Organisation): boolean {
  switch (campaign.scope.kind) {
    case 'england':
      return true;
    case 'region':
      return org.code === campaign.scope.code || org.regionCode === campaign.scope.code;
    case 'icb':
      return org.code === campaign.scope.code || org.icbCode === campaign.scope.code;
  }
}

/** The actions of the campaign's checklist version, by id. */
export async function loadActions(
  deps: Pick<CardDeps, 'checklists'>,
  campaign: Campaign,
): Promise<Map<string, ChecklistAction>> {
  const checklist = await deps.checklists.getChecklist(
    campaign.checklistId,
    campaign.checklistVersion,
  );
  return new Map((checklist?.actions ?? []).map((a) => [a.id, a]));
}

/**
 * The item cards of one organisation: one card, or one per area when it has more actions than a
 * card holds. Decided by the number of actions, not by measured size, so a card's identity
 * (and the copies posted of it) stays the same as statuses and notes change.
 */
export function itemCardRefs(
  campaign: Campaign,
  orgCode: string,
  items: readonly Pick<TrackedItem, 'area'>[],
): CardRef[] {
  if (items.length <= MAX_ACTIONS_PER_CARD)
    return [{ view: 'items', campaignId: campaign.id, orgCode }];
  const areas = [...new Set(items.map((i) => String(i.area)))].sort();
  return areas.map((area) => ({ view: 'items', campaignId: campaign.id, orgCode, area }));
}

/** Orders organisations by the name a card shows ("Demo Bridgefoot Surgery" before "Demo Mill…"). */
export function compareOrgNames(
  a: Pick<Organisation, 'code' | 'name'>,
  b: Pick<Organisation, 'code' | 'name'>,
): number {
  const options = { sensitivity: 'base', numeric: true } as const;
  return (
    formatOrgName(a.name).localeCompare(formatOrgName(b.name), 'en-GB', options) ||
    a.code.localeCompare(b.code)
  );
}

/** Builds the card a reference names, from current storage; `notice` is shown at its top. */
export async function buildCard(
  deps: CardDeps,
  ref: CardRef & { view: 'items' | 'overview' },
  notice?: string,
): Promise<PlannedCard> {
  const campaign = await deps.campaigns.getCampaign(ref.campaignId);
  if (!campaign) throw new NotFoundError(`There is no campaign "${ref.campaignId}".`);
  const org = await deps.organisations.getOrganisation(ref.orgCode);
  if (!org)
    throw new NotFoundError(
      `There is no organisation with ODS code ${ref.orgCode}. Check the code.`,
    );
  const today = todayInLondon(deps.now());
  if (ref.view === 'items') {
    const [actions, items] = await Promise.all([
      loadActions(deps, campaign),
      deps.items.listItemsForOrg(campaign.id, groupCodeOf(org), org.code),
    ]);
    return itemsCard(org, campaign, actions, items, today, ref.area, notice);
  }
  const under = await deps.items.listItemsForIcb(campaign.id, groupCodeOf(org));
  return overviewCard(deps, org, campaign, under, today, notice);
}

/** The item card of an organisation from items already in hand (the invoke answer). */
export function itemsCard(
  org: Organisation,
  campaign: Campaign,
  actions: ReadonlyMap<string, ChecklistAction>,
  items: readonly TrackedItem[],
  today: string,
  area?: string,
  notice?: string,
): PlannedCard {
  const ref: CardRef = {
    view: 'items',
    campaignId: campaign.id,
    orgCode: org.code,
    ...(area ? { area } : {}),
  };
  const data = buildChecklistCard({
    org,
    campaign,
    actions,
    items,
    today,
    ...(area ? { area } : {}),
    ...(notice ? { notice } : {}),
  });
  return {
    ref,
    key: cardKeyOf(ref),
    template: 'checklist',
    data,
    summary: `${org.name}: ${data.summary}`,
  };
}

async function overviewCard(
  deps: Pick<CardDeps, 'organisations'>,
  org: Organisation,
  campaign: Campaign,
  groupItems: readonly TrackedItem[],
  today: string,
  notice?: string,
): Promise<PlannedCard> {
  const children = (await deps.organisations.listChildren(org.code))
    .filter((c) => c.open && (c.level === 'practice' || c.level === 'pcn'))
    .sort(compareOrgNames);
  const members = children.map((child) => ({
    org: child,
    items: groupItems.filter((i) => i.orgCode === child.code || i.pcnCode === child.code),
  }));
  const ref: CardRef = { view: 'overview', campaignId: campaign.id, orgCode: org.code };
  const data = buildOverviewCard({
    org,
    campaign,
    members,
    today,
    ...(notice ? { notice } : {}),
  });
  return { ref, key: cardKeyOf(ref), template: 'overview', data, summary: data.summary };
}

/**
 * The cards a channel linked to `org` gets for one campaign, in the order a reader expects them:
 * the overview (a PCN's practices, an ICB's PCNs), the organisation's own actions, then, in a PCN
 * channel, one card per practice by name (so practice staff update their own practice from the
 * PCN channel). `groupItems` are the items of the organisation's ICB, read once by the caller.
 */
export async function planChannelCards(
  deps: CardDeps,
  campaign: Campaign,
  org: Organisation,
  groupItems: readonly TrackedItem[],
  actions: ReadonlyMap<string, ChecklistAction>,
): Promise<PlannedCard[]> {
  const today = todayInLondon(deps.now());
  const own = groupItems.filter((i) => i.orgCode === org.code);
  const cards = [await overviewCard(deps, org, campaign, groupItems, today)];
  for (const ref of itemCardRefs(campaign, org.code, own))
    cards.push(
      itemsCard(org, campaign, actions, own, today, ref.view === 'items' ? ref.area : undefined),
    );
  if (org.level === 'pcn') {
    const practices = (await deps.organisations.listChildren(org.code))
      .filter((c) => c.open && c.level === 'practice')
      .sort(compareOrgNames);
    for (const child of practices) {
      const items = groupItems.filter((i) => i.orgCode === child.code);
      if (items.length === 0) continue;
      const practice = await deps.organisations.getOrganisation(child.code);
      if (!practice) continue;
      for (const ref of itemCardRefs(campaign, practice.code, items))
        cards.push(
          itemsCard(
            practice,
            campaign,
            actions,
            items,
            today,
            ref.view === 'items' ? ref.area : undefined,
          ),
        );
    }
  }
  return cards;
}
