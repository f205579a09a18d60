import { describeStatus, type CardRef, type StatusButtonData } from '../cards/card-views';
import type { Campaign } from '../checklists/campaigns';
import type { ChecklistAction } from '../checklists/checklists';
import type { ConversationStore } from '../channels/conversations';
import {
  cleanMentionName,
  mentionText,
  type DeliveryDeps,
  type Mention,
} from '../cards/deliver-cards';
import type { RosterStore } from '../channels/rosters';
import { enqueueMessages } from '../outbox/enqueue-messages';
import type { OutboxRequest } from '../outbox/outbox';
import { findDueItems } from '../items/find-due-items';
import { drainPendingCounts } from '../items/project-counts';
import {
  DEFAULT_NUDGE_SETTINGS,
  findMilestones,
  type Milestone,
  type NudgeSettings,
} from './nudge-plan';
import type { OrganisationStore } from '../access/organisations';
import { loadActions } from '../cards/plan-cards';
import { snoozeKeyOf, type PreferenceStore } from './preferences';
import type { Role, RoleStore } from '../access/roles';
import type { TrackedItem } from '../items/tracked-items';
import { addDays, describeDue, formatUkDay } from '../shared/uk-dates';
import pLimit from 'p-limit';
import { escapeMarkdown } from '../shared/escape-markdown';
import { rememberRunReads } from './remember-run-reads';

/** What the nudge run reads and writes. */
export interface NudgeDeps extends DeliveryDeps {
  roles: RoleStore;
  preferences: PreferenceStore;
  conversations: ConversationStore;
  organisations: OrganisationStore;
  /** The tenant 1:1 chats are in when no linked channel says (the bot's own tenant). */
  defaultTenantId?: string;
  /** The team rosters: the Teams user id and name a channel post mentions a lead by. */
  rosters?: Pick<RosterStore, 'getPerson'>;
}

/** At most this many leads are mentioned in one channel post. */
const MAX_MENTIONS = 20;

/** What one run produced (stored with the run record). */
export interface NudgeSummary {
  date: string;
  campaigns: number;
  itemsAtMilestone: number;
  nudgesQueued: number;
  alreadyQueued: number;
  channelPosts: number;
  leftOutOptedOut: number;
  leftOutSnoozed: number;
  noTenant: number;
  [key: string]: unknown;
}

/** A due item with the milestones it reached today. */
interface Hit {
  item: TrackedItem;
  milestones: Milestone[];
}

/**
 * Reminders held before they are queued: two full transactions' worth, so writes stay batched
 * while a long run shows progress and a stopped run leaves little composed and unqueued.
 */
const QUEUE_EVERY = 100;

/** Organisations worked on at once: enough to hide storage round trips, few enough to be gentle. */
const PARALLEL_ORGANISATIONS = 8;

/** At most this many items on one reminder; the rest are counted and linked. */
const MAX_ROWS = 12;

/** The outbox job of one day's reminders (so delivery health shows each day). */
export function nudgeJobId(date: string): string {
  return `nudges:${date}`;
}

/**
 * The daily reminder run for the UK date `date`, covering the days since `previousRun` (the last
 * day it ran, so weekends and bank holidays are caught up). An escalation ladder: practice staff
 * hear of their practice's items; PCN leads get one summary per PCN (their practices and the
 * PCN's own items), also posted in the PCN's linked channel; ICB leads hear of items overdue by
 * more than two weeks. Every message has a dedupe key (day, person, organisation), so a rerun or a
 * restart half-way never sends one twice.
 */
export async function runNudges(
  given: NudgeDeps,
  input: {
    date: string;
    previousRun: string;
    settings?: NudgeSettings;
    signal?: AbortSignal;
    /** Told after each batch is queued: how many reminders and posts this run has queued so far. */
    onProgress?: (queued: number) => void;
  },
): Promise<NudgeSummary> {
  // Checked before each organisation: a stopping service ends the run within one organisation's
  // work, and the dedupe keys make the resumed run skip what was already queued.
  const checkStop = () => input.signal?.throwIfAborted();
  const settings = input.settings ?? DEFAULT_NUDGE_SETTINGS;
  const summary: NudgeSummary = {
    date: input.date,
    campaigns: 0,
    itemsAtMilestone: 0,
    nudgesQueued: 0,
    alreadyQueued: 0,
    channelPosts: 0,
    leftOutOptedOut: 0,
    leftOutSnoozed: 0,
    noTenant: 0,
  };
  // Counts are a projection a few seconds behind the presses: bring them up to date first.
  await drainPendingCounts(given);
  const deps = rememberRunReads(given);
  const campaigns = (await deps.campaigns.listCampaigns()).filter((c) => c.status === 'running');
  const furthest = Math.max(...settings.milestones, 0);
  for (const campaign of campaigns) {
    checkStop();
    const due = await findDueItems(deps, campaign.id, {
      from: '0000-01-01',
      to: addDays(input.date, furthest),
    });
    const hits: Hit[] = due
      .map((item) => ({
        item,
        milestones: item.dueDate
          ? findMilestones(item.dueDate, input.previousRun, input.date, settings)
          : [],
      }))
      .filter((h) => h.milestones.length > 0);
    if (hits.length === 0) continue;
    summary.campaigns += 1;
    summary.itemsAtMilestone += hits.length;
    const actions = await loadActions(deps, campaign);
    const run = new NudgeRun(deps, campaign, actions, input.date, summary, input.onProgress);

    // Organisations are worked through a few at a time: each is a couple of small reads (roles,
    // preferences) and a card to compose, so a run over England waits on round trips, not work.
    const limit = pLimit(PARALLEL_ORGANISATIONS);
    const each = <T>(entries: Iterable<T>, work: (entry: T) => Promise<void>) =>
      Promise.all(
        [...entries].map((entry) =>
          limit(async () => {
            checkStop();
            await work(entry);
          }),
        ),
      );

    const byPractice = groupBy(
      hits.filter((h) => h.item.level === 'practice'),
      (h) => h.item.orgCode,
    );
    await each(byPractice, ([practice, list]) =>
      run.remind(practice, 'practice_staff', list, {
        view: 'items',
        campaignId: campaign.id,
        orgCode: practice,
      }),
    );

    const byPcn = groupBy(
      hits.filter((h) => h.item.level === 'pcn' || (h.item.level === 'practice' && h.item.pcnCode)),
      (h) => (h.item.level === 'pcn' ? h.item.orgCode : (h.item.pcnCode ?? '')),
    );
    await each(byPcn, async ([pcn, list]) => {
      const ref: CardRef = { view: 'overview', campaignId: campaign.id, orgCode: pcn };
      await run.remind(pcn, 'pcn_lead', list, ref);
      await run.postToChannels(pcn, list, ref);
    });

    const late = hits.filter((h) =>
      h.milestones.some((m) => -m.daysBefore > settings.icbAfterDays),
    );
    await each(
      groupBy(late, (h) => h.item.icbCode),
      ([icb, list]) =>
        run.remind(icb, 'icb_lead', list, {
          view: 'overview',
          campaignId: campaign.id,
          orgCode: icb,
        }),
    );
    await run.queueAll();
  }
  return summary;
}

/** "A", "A and B", "A, B and C". */
function joinNames(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const t of list) {
    const k = key(t);
    if (k) map.set(k, [...(map.get(k) ?? []), t]);
  }
  return map;
}

/** One campaign's reminders for one day: who gets what, rendered and queued. */
class NudgeRun {
  private readonly names = new Map<string, string>();
  private readonly tenants = new Map<string, string | undefined>();
  /** What this run has composed and not yet queued (queued in batched transactions). */
  private readonly requests: { request: OutboxRequest; channel: boolean }[] = [];

  constructor(
    private readonly deps: NudgeDeps,
    private readonly campaign: Campaign,
    private readonly actions: ReadonlyMap<string, ChecklistAction>,
    private readonly date: string,
    private readonly summary: NudgeSummary,
    private readonly onProgress?: (queued: number) => void,
  ) {}

  /** 1:1 reminders to everyone holding `role` over `orgCode`, each filtered by their own choices. */
  async remind(orgCode: string, role: Role, hits: Hit[], open: CardRef): Promise<void> {
    const people = (await this.deps.roles.listRolesOnOrg(orgCode)).filter((g) => g.role === role);
    if (people.length === 0) return;
    const tenantId = await this.tenantOf(orgCode);
    for (const person of people) {
      const prefs = await this.deps.preferences.getNudgePreferences(person.userId);
      const mine: Hit[] = [];
      for (const hit of hits) {
        const until = prefs.snoozedUntil[snoozeKeyOf(hit.item)];
        if (until && until >= this.date) {
          this.summary.leftOutSnoozed += 1;
          continue;
        }
        const milestones = prefs.nonUrgentOff
          ? hit.milestones.filter((m) => m.urgent)
          : hit.milestones;
        if (milestones.length === 0) {
          this.summary.leftOutOptedOut += 1;
          continue;
        }
        mine.push({ item: hit.item, milestones });
      }
      if (mine.length === 0) continue;
      if (!tenantId) {
        this.summary.noTenant += 1;
        continue;
      }
      const payload = await this.compose(orgCode, role, mine, open, true);
      this.requests.push({
        channel: false,
        request: {
          jobId: nudgeJobId(this.date),
          dedupeKey: `nudge|${this.campaign.id}|${this.date}|${person.userId}|${orgCode}`,
          kind: 'send',
          target: { kind: 'personal', tenantId, userAadObjectId: person.userId },
          payload,
          orgCode,
        },
      });
    }
    if (this.requests.length >= QUEUE_EVERY) await this.queueAll();
  }

  /**
   * Queues everything this run composed: one write per 50 reminders rather than one per
   * reminder. Dedupe keys still make a rerun (or a restart half-way) queue nothing twice.
   */
  async queueAll(): Promise<void> {
    // Taken out before the write: organisations worked on meanwhile add to a fresh list.
    const batch = this.requests.splice(0);
    if (batch.length === 0) return;
    const outcomes = await enqueueMessages(
      this.deps,
      batch.map((r) => r.request),
    );
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome === 'duplicate') this.summary.alreadyQueued += 1;
      else if (batch[index]!.channel) this.summary.channelPosts += 1;
      else this.summary.nudgesQueued += 1;
    }
    this.onProgress?.(
      this.summary.nudgesQueued + this.summary.channelPosts + this.summary.alreadyQueued,
    );
  }

  /** The PCN's summary, posted once a day in each channel linked to the PCN. */
  async postToChannels(pcnCode: string, hits: Hit[], open: CardRef): Promise<void> {
    const links = (await this.deps.links.listLinksOfOrg(pcnCode)).filter(
      (l) => l.purpose === 'checklist',
    );
    if (links.length === 0) return;
    const mentions = await this.mentionLeads(pcnCode);
    const payload = await this.compose(pcnCode, 'pcn_lead', hits, open, false, mentions);
    for (const link of links) {
      this.requests.push({
        channel: true,
        request: {
          jobId: nudgeJobId(this.date),
          dedupeKey: `nudge|${this.campaign.id}|${this.date}|channel|${link.teamId}|${link.channelId}|${pcnCode}`,
          kind: 'send',
          target: { kind: 'channel', teamId: link.teamId, channelId: link.channelId },
          payload,
          orgCode: pcnCode,
        },
      });
    }
    if (this.requests.length >= QUEUE_EVERY) await this.queueAll();
  }

  private async compose(
    orgCode: string,
    role: Role,
    hits: Hit[],
    open: CardRef,
    personal: boolean,
    mentions: readonly Mention[] = [],
  ) {
    const orgName = await this.nameOf(orgCode);
    const sorted = [...hits].sort(
      (a, b) =>
        (a.item.dueDate ?? '').localeCompare(b.item.dueDate ?? '') ||
        a.item.orgCode.localeCompare(b.item.orgCode),
    );
    const rows = await Promise.all(
      sorted.slice(0, MAX_ROWS).map(async ({ item }) => {
        const overdue = (item.dueDate ?? '') < this.date;
        const done: StatusButtonData = {
          campaignId: item.campaignId,
          orgCode: item.orgCode,
          actionId: item.actionId,
          status: 'done',
          version: item.version,
          card: { view: 'items', campaignId: item.campaignId, orgCode: item.orgCode },
        };
        return {
          heading: `${item.orgCode === orgCode ? '' : `${escapeMarkdown(await this.nameOf(item.orgCode))}: `}**${item.actionId}** ${this.actions.get(item.actionId)?.title ?? ''}`,
          dueText: item.dueDate
            ? `Deadline ${formatUkDay(item.dueDate)} · ${describeDue(item.dueDate, this.date)}`
            : '',
          dueColor: overdue ? 'Attention' : 'Accent',
          statusText: describeStatus(item.status),
          done,
          snooze: { campaignId: item.campaignId, orgCode: item.orgCode, actionId: item.actionId },
        };
      }),
    );
    const overdue = hits.filter((h) => (h.item.dueDate ?? '') < this.date).length;
    const who =
      role === 'practice_staff'
        ? 'your practice'
        : role === 'pcn_lead'
          ? 'your PCN and its practices'
          : 'your ICB';
    // The headline counts the rows listed; when more are waiting it says of how many.
    const count = (n: number) => n.toLocaleString('en-GB');
    const titleOf = (name: string) =>
      hits.length > rows.length
        ? role === 'icb_lead'
          ? `The ${count(rows.length)} longest overdue of ${count(hits.length)} actions more than two weeks overdue in ${name}`
          : `The ${count(rows.length)} most urgent of ${count(hits.length)} actions that need attention at ${name}`
        : role === 'icb_lead'
          ? `${count(hits.length)} action${hits.length === 1 ? ' is' : 's are'} more than two weeks overdue in ${name}`
          : `${count(hits.length)} action${hits.length === 1 ? ' needs' : 's need'} attention at ${name}`;
    const title = titleOf(orgName);
    // The card reads its text as markdown; the notification summary (`title`) is plain text.
    const view = {
      title: titleOf(escapeMarkdown(orgName)),
      mentionLine:
        mentions.length === 0
          ? ''
          : `For ${joinNames(mentions.map(mentionText))}, ${mentions.length === 1 ? 'its PCN lead' : 'its PCN leads'}.`,
      intro: `${overdue > 0 ? `${count(overdue)} overdue. ` : ''}Reminders for ${personal ? who : escapeMarkdown(orgName)} in "${escapeMarkdown(this.campaign.name)}", as of ${formatUkDay(this.date)}.`,
      rows,
      more:
        hits.length > MAX_ROWS
          ? `And ${count(hits.length - MAX_ROWS)} more: open the checklist to see them all.`
          : '',
      open: { card: open },
      personal,
      footer: personal
        ? 'Reminders come 14, 7 and 1 days before a deadline and weekly once it has passed. “Snooze” pauses one item for 3 days; “Only urgent reminders” stops the 14- and 7-day ones.'
        : 'Posted once a day when deadlines are near or past. Each practice’s card in this channel has the buttons to update it.',
    };
    return this.deps.composer.composeCard('nudge', view, title, mentions);
  }

  /**
   * The PCN leads of a PCN as mentions, so Teams tells them of the channel post even if they do
   * not follow the channel: by Teams user id and name from the rosters where known, else by Entra
   * object id (Teams accepts either) and the name of their personal chat with the bot.
   */
  private async mentionLeads(pcnCode: string): Promise<Mention[]> {
    const leads = (await this.deps.roles.listRolesOnOrg(pcnCode))
      .filter((g) => g.role === 'pcn_lead')
      .slice(0, MAX_MENTIONS);
    const tenantId = await this.tenantOf(pcnCode);
    const mentions = await Promise.all(
      leads.map(async ({ userId }): Promise<Mention> => {
        const person = await this.deps.rosters?.getPerson(userId);
        const name =
          person?.name ??
          (tenantId
            ? (await this.deps.conversations.findPersonal(tenantId, userId))?.userName
            : undefined);
        return { id: person?.teamsUserId ?? userId, name: cleanMentionName(name, 'PCN lead') };
      }),
    );
    const seen = new Set<string>();
    return mentions
      .filter((m) => !seen.has(m.id.toLowerCase()) && seen.add(m.id.toLowerCase()))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private async nameOf(code: string): Promise<string> {
    let name = this.names.get(code);
    if (!name) {
      name = (await this.deps.organisations.getOrganisation(code))?.name ?? code;
      this.names.set(code, name);
    }
    return name;
  }

  /** The tenant of an organisation's people: from a channel linked to it or above it, else the bot's. */
  private async tenantOf(orgCode: string): Promise<string | undefined> {
    if (this.tenants.has(orgCode)) return this.tenants.get(orgCode);
    const org = await this.deps.organisations.getOrganisation(orgCode);
    let tenant: string | undefined;
    for (const code of [orgCode, org?.parentCode, org?.icbCode].filter((c): c is string => !!c)) {
      const link = (await this.deps.links.listLinksOfOrg(code))[0];
      if (!link) continue;
      tenant = (await this.deps.conversations.findChannel(link.teamId, link.channelId))?.address
        .tenantId;
      if (tenant) break;
    }
    tenant ??= this.deps.defaultTenantId;
    this.tenants.set(orgCode, tenant);
    return tenant;
  }
}
