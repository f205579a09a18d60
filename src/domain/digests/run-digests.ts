import {
  buildIcbDigest,
  buildRegionDigest,
  snapshotDigest,
  type DigestDeps,
  type DigestSnapshot,
  type RegionDigest,
} from './build-digest';
import type { Campaign, CampaignStore } from '../checklists/campaigns';
import type { ChannelLink, LinkStore } from '../channels/channel-links';
import type { CardComposer } from '../cards/deliver-cards';
import { buildDigestCard, summariseDigestCard } from './digest-view';
import pLimit from 'p-limit';
import { drainPendingCounts } from '../items/project-counts';
import { enqueueMessage, type EnqueueOutcome } from '../outbox/enqueue-message';
import type { JobRunStore } from '../jobs/job-runs';
import type { Organisation } from '../access/organisations';
import type { OutboxStore } from '../outbox/outbox';
import { addDays, isoWeekOf } from '../shared/uk-dates';
import type { Mention } from '../cards/deliver-cards';
import type { RosterStore } from '../channels/rosters';
import { resolveDigestMentions } from './digest-mentions';

/** The scheduled job's name (run records, POST /api/jobs/digests). */
export const DIGEST_JOB = 'digests';

/** What the digest run reads and writes. */
export interface DigestRunDeps extends DigestDeps {
  campaigns: CampaignStore;
  links: LinkStore;
  outbox: OutboxStore;
  composer: CardComposer;
  jobRuns: JobRunStore;
  /** The "Full detail" link; `{region}` and `{campaign}` in it are replaced (see resolveDetailUrl). */
  detailUrl: string;
  /** The team rosters: whom a channel's digest mentions, when it names anyone (`digest mention`). */
  rosters?: Pick<RosterStore, 'getPerson'>;
}

/** Regions whose digests are built at once: each is a few reads, so a few overlap well. */
const PARALLEL_REGIONS = 4;

/** What one run produced (stored with the run record; `figures` feed next week's comparison). */
export interface DigestRunSummary {
  date: string;
  week: string;
  /** Regions with at least one active digest channel. */
  regions: number;
  /** ICBs with at least one active digest channel. */
  icbs: number;
  /** Digests built (a region or ICB × a running campaign that reaches it). */
  digests: number;
  channels: number;
  cardsQueued: number;
  /** Already queued by an earlier run this week (dedupe): nothing new was sent. */
  alreadyQueued: number;
  /** Over the 40 KB budget: recorded as failed in the outbox, never sent. */
  tooLarge: number;
  skipped: { orgCode: string; reason: string }[];
  /** The run whose figures this week's changes are measured from. */
  comparedWith?: string;
  /** Headline figures per "<campaign>|<region>". */
  figures: Record<string, DigestSnapshot>;
  [key: string]: unknown;
}

/** The outbox job a week's digests go in, so delivery health shows each week apart. */
export function digestOutboxJob(week: string): string {
  return `${DIGEST_JOB}:${week}`;
}

/** The dedupe key of one region's (or ICB's) digest in one channel in one ISO week. */
export function digestDedupeKey(
  campaignId: string,
  regionCode: string,
  week: string,
  link: Pick<ChannelLink, 'teamId' | 'channelId'>,
): string {
  return `digest|${campaignId}|${regionCode}|${week}|${link.teamId}|${link.channelId}`;
}

/** The "Full detail" URL of one digest: `{region}` and `{campaign}` replaced, URL-encoded. */
export function resolveDetailUrl(template: string, campaignId: string, regionCode: string): string {
  return template
    .replaceAll('{region}', encodeURIComponent(regionCode))
    .replaceAll('{campaign}', encodeURIComponent(campaignId));
}

/** True when a campaign has items in a region (`icbRegion`: the region of an ICB-scoped campaign's ICB). */
export function campaignReachesRegion(
  campaign: Campaign,
  regionCode: string,
  icbRegion: string | undefined,
): boolean {
  switch (campaign.scope.kind) {
    case 'england':
      return true;
    case 'region':
      return campaign.scope.code === regionCode;
    case 'icb':
      return icbRegion === regionCode;
  }
}

/** The running campaigns with items in a region, oldest first. */
export async function listCampaignsInRegion(
  deps: Pick<DigestRunDeps, 'campaigns' | 'organisations'>,
  regionCode: string,
): Promise<Campaign[]> {
  const running = (await deps.campaigns.listCampaigns())
    .filter((c) => c.status === 'running')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const reached = await Promise.all(
    running.map(async (c) =>
      campaignReachesRegion(
        c,
        regionCode,
        c.scope.kind === 'icb'
          ? (await deps.organisations.getOrganisation(c.scope.code))?.regionCode
          : undefined,
      ),
    ),
  );
  return running.filter((_, i) => reached[i]);
}

/** The running campaigns with items in an ICB, oldest first. */
export async function listCampaignsInIcb(
  deps: Pick<DigestRunDeps, 'campaigns'>,
  icb: Pick<Organisation, 'code' | 'regionCode'>,
): Promise<Campaign[]> {
  return (await deps.campaigns.listCampaigns())
    .filter((c) => c.status === 'running')
    .filter((c) =>
      c.scope.kind === 'england'
        ? true
        : c.scope.kind === 'region'
          ? c.scope.code === icb.regionCode
          : c.scope.code === icb.code,
    )
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** The running campaigns a region's or an ICB's digest covers. */
export function listDigestCampaigns(
  deps: Pick<DigestRunDeps, 'campaigns' | 'organisations'>,
  org: Organisation,
): Promise<Campaign[]> {
  return org.level === 'icb'
    ? listCampaignsInIcb(deps, org)
    : listCampaignsInRegion(deps, org.code);
}

/** One campaign's digest of a region (a row per ICB) or of an ICB (a row per PCN). */
export function buildDigestFor(
  deps: DigestDeps,
  org: Organisation,
  input: { campaign: Pick<Campaign, 'id' | 'name'>; today: string; previous?: DigestSnapshot },
): Promise<RegionDigest> {
  return org.level === 'icb'
    ? buildIcbDigest(deps, { ...input, icbCode: org.code })
    : buildRegionDigest(deps, { ...input, regionCode: org.code });
}

/**
 * The figures of the last successful digest run in an earlier ISO week than `date` (up to five
 * weeks back), by "<campaign>|<region>"; empty when there was none.
 */
export async function findPreviousFigures(
  runs: JobRunStore,
  date: string,
): Promise<{ from?: string; figures: Record<string, DigestSnapshot> }> {
  const week = isoWeekOf(date);
  const earlier = (await runs.list(DIGEST_JOB, new Date(`${addDays(date, -35)}T00:00:00Z`)))
    .filter((r) => r.status === 'succeeded')
    .map((r) => ({ run: r, summary: r.summary as Partial<DigestRunSummary> | undefined }))
    .filter(
      ({ summary }) =>
        typeof summary?.date === 'string' &&
        summary.date < date &&
        isoWeekOf(summary.date) !== week &&
        typeof summary.figures === 'object',
    )
    .sort(
      (a, b) =>
        String(a.summary?.date).localeCompare(String(b.summary?.date)) ||
        a.run.scheduledFor.localeCompare(b.run.scheduledFor),
    )
    .at(-1);
  if (!earlier?.summary?.figures) return { figures: {} };
  return { from: `${earlier.run.job}|${earlier.run.slot}`, figures: earlier.summary.figures };
}

/** The key figures are kept under: "<campaign>|<region or ICB>". */
export function figuresKey(campaignId: string, regionCode: string): string {
  return `${campaignId}|${regionCode}`;
}

/** A digest's card payload for the outbox, mentioning `mentions` (nobody by default). */
export function composeDigest(
  deps: Pick<DigestRunDeps, 'composer' | 'detailUrl'>,
  digest: RegionDigest,
  options: { notice?: string; mentions?: readonly Mention[] } = {},
): Record<string, unknown> {
  const mentions = options.mentions ?? [];
  const view = buildDigestCard(digest, {
    detailUrl: resolveDetailUrl(deps.detailUrl, digest.campaign.id, digest.region.code),
    ...(options.notice ? { notice: options.notice } : {}),
    mentions,
  });
  return deps.composer.composeCard('digest', view, summariseDigestCard(digest), mentions);
}

/**
 * The weekly digest run for the UK date `date`: for every region and ICB with an active digest
 * channel and every running campaign that reaches it, builds the digest from the running counts and
 * queues its card to each of the region's digest channels. Each card's dedupe key names the
 * region, the campaign, the ISO week and the channel, so a rerun, a resumed run or a forced one
 * the same week sends nothing twice. A channel Teams refuses is the sender's business: it records
 * the failure (delivery health shows it) and the other channels and regions go ahead.
 */
export async function runDigests(
  deps: DigestRunDeps,
  input: { date: string; now: Date; signal?: AbortSignal },
): Promise<DigestRunSummary> {
  // Counts are a projection a few seconds behind the presses: bring them up to date first.
  await drainPendingCounts(deps);
  const week = isoWeekOf(input.date);
  const summary: DigestRunSummary = {
    date: input.date,
    week,
    regions: 0,
    icbs: 0,
    digests: 0,
    channels: 0,
    cardsQueued: 0,
    alreadyQueued: 0,
    tooLarge: 0,
    skipped: [],
    figures: {},
  };
  const byOrg = new Map<string, ChannelLink[]>();
  for (const link of await deps.links.listAllLinks())
    if (link.active && link.purpose === 'digest')
      byOrg.set(link.orgCode, [...(byOrg.get(link.orgCode) ?? []), link]);
  if (byOrg.size === 0) return summary;

  const previous = await findPreviousFigures(deps.jobRuns, input.date);
  if (previous.from) summary.comparedWith = previous.from;
  const enqueueDeps = { outbox: deps.outbox, now: () => input.now };
  const failures: string[] = [];
  // Regions are built side by side, a few at a time (each is a handful of reads), and their
  // results are added up in region order so the summary reads the same on every run.
  const limit = pLimit(PARALLEL_REGIONS);
  const regions = await Promise.all(
    [...byOrg]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([orgCode, links]) => limit(() => digestRegion(orgCode, links))),
  );
  for (const region of regions) {
    if (region.skipped) summary.skipped.push(region.skipped);
    else {
      if (region.level === 'icb') summary.icbs += 1;
      else summary.regions += 1;
      summary.channels += region.channels;
    }
    summary.digests += region.digests.length;
    for (const [key, figures] of region.digests) summary.figures[key] = figures;
    for (const outcome of region.outcomes) count(summary, outcome);
    if (region.failure) failures.push(region.failure);
  }

  async function digestRegion(orgCode: string, links: ChannelLink[]) {
    const result = {
      skipped: undefined as { orgCode: string; reason: string } | undefined,
      channels: links.length,
      digests: [] as [string, DigestSnapshot][],
      outcomes: [] as EnqueueOutcome[],
      failure: undefined as string | undefined,
      level: undefined as Organisation['level'] | undefined,
    };
    input.signal?.throwIfAborted();
    const org = await deps.organisations.getOrganisation(orgCode);
    const reason = whyNoDigest(org);
    if (reason || !org) {
      result.skipped = { orgCode, reason: reason ?? 'the linked organisation no longer exists' };
      return result;
    }
    result.level = org.level;
    // One region's trouble (a storage fault) must not hold up the others: note it, go on, and
    // fail the run at the end so the scheduler retries it (the dedupe keys make that safe).
    try {
      // Whom each channel's post mentions: nobody unless an administrator chose people.
      const mentions = await Promise.all(links.map((link) => resolveDigestMentions(deps, link)));
      for (const campaign of await listDigestCampaigns(deps, org)) {
        const key = figuresKey(campaign.id, orgCode);
        const digest = await buildDigestFor(deps, org, {
          campaign,
          today: input.date,
          ...(previous.figures[key] ? { previous: previous.figures[key] } : {}),
        });
        if (digest.headline.total === 0) continue;
        result.digests.push([key, snapshotDigest(digest)]);
        const payload = composeDigest(deps, digest);
        for (const [i, link] of links.entries()) {
          const named = mentions[i] ?? [];
          result.outcomes.push(
            await enqueueMessage(enqueueDeps, {
              jobId: digestOutboxJob(week),
              dedupeKey: digestDedupeKey(campaign.id, orgCode, week, link),
              kind: 'send',
              target: { kind: 'channel', teamId: link.teamId, channelId: link.channelId },
              payload:
                named.length > 0 ? composeDigest(deps, digest, { mentions: named }) : payload,
              orgCode,
            }),
          );
        }
      }
    } catch (error) {
      result.failure = `${orgCode}: ${error instanceof Error ? error.message : String(error)}`;
    }
    return result;
  }
  if (failures.length > 0)
    throw new Error(
      `The digests of ${failures.length} region${failures.length === 1 ? '' : 's'} or ICB${failures.length === 1 ? '' : 's'} could not be built (the others were queued): ${failures.join('; ')}`,
    );
  return summary;
}

function whyNoDigest(org: Organisation | undefined): string | undefined {
  if (!org) return 'the linked organisation no longer exists';
  if (!org.open) return 'the linked organisation is closed';
  if (org.level !== 'region' && org.level !== 'icb')
    return `digests are built for regions and ICBs; ${org.code} is a ${org.level === 'pcn' ? 'PCN' : org.level}`;
  return undefined;
}

function count(summary: DigestRunSummary, outcome: EnqueueOutcome): void {
  if (outcome === 'enqueued') summary.cardsQueued += 1;
  else if (outcome === 'too_large') summary.tooLarge += 1;
  else summary.alreadyQueued += 1;
}
