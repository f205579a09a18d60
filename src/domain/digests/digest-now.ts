import { escapeMarkdown } from '../shared/escape-markdown';
import { isOdsCode } from '../access/ods-codes';
import { requireAdministrator } from '../access/authorise';
import type { RegionDigest } from './build-digest';
import type { ChannelLink } from '../channels/channel-links';
import { buildDigestCard, summariseDigestCard, type DigestCardView } from './digest-view';
import { drainPendingCounts } from '../items/project-counts';
import { enqueueMessage } from '../outbox/enqueue-message';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import { ROOT_PARENT, type Organisation } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import {
  buildDigestFor,
  composeDigest,
  digestOutboxJob,
  figuresKey,
  findPreviousFigures,
  listDigestCampaigns,
  resolveDetailUrl,
  type DigestRunDeps,
} from './run-digests';
import { isoWeekOf, todayInLondon } from '../shared/uk-dates';
import { resolveDigestMentions } from './digest-mentions';

/** What `digest now` reads and writes. */
export interface DigestNowDeps extends DigestRunDeps {
  roles: RoleStore;
  now: () => Date;
}

/** Who asks, for which region, and from where. */
export interface DigestNowRequest {
  userId: string | undefined;
  /** The region code typed, if any. */
  code: string | undefined;
  /** The channel asked in, if it is a channel (its digest link decides the region). */
  place?: { teamId: string; channelId: string };
  /** Identifies the request (the Teams activity id), so a repeated delivery posts nothing twice. */
  requestId: string;
}

/** What `digest now` did: posted into the region's digest channel, or made previews to show. */
export type DigestNowResult =
  | { kind: 'posted'; region: Organisation; cards: number }
  | { kind: 'preview'; region: Organisation; cards: { view: DigestCardView; summary: string }[] };

async function describeRegions(deps: Pick<DigestNowDeps, 'organisations'>): Promise<string> {
  const regions = (await deps.organisations.listChildren(ROOT_PARENT)).filter(
    (r) => r.level === 'region',
  );
  return regions.length === 0
    ? 'No regions are loaded yet; an administrator loads them with `npm run admin -- import-orgs`.'
    : `The regions are ${regions.map((r) => `${r.code} (${r.name})`).join(', ')}.`;
}

async function requireRegion(
  deps: Pick<DigestNowDeps, 'organisations'>,
  request: DigestNowRequest,
  link: ChannelLink | undefined,
): Promise<Organisation> {
  const typed = request.code?.trim().toUpperCase();
  const linked = link?.purpose === 'digest' ? link.orgCode : undefined;
  const code = typed || linked;
  if (!code)
    throw new InvalidInputError(
      `Type **digest now** followed by a region or ICB code, for example **digest now Y63**, or type **digest now** in a region's or ICB's digest channel. ${await describeRegions(deps)}`,
    );
  if (!isOdsCode(code))
    throw new InvalidInputError(
      `"${escapeMarkdown(code.slice(0, 20))}" is not a region or ICB code. Type **digest now** followed by one, for example **digest now Y63**.`,
    );
  const org = await deps.organisations.getOrganisation(code);
  if (!org)
    throw new NotFoundError(
      `There is no region or ICB with code ${code}. ${await describeRegions(deps)} Type **digest now** and one of them.`,
    );
  if (org.level !== 'region' && org.level !== 'icb')
    throw new InvalidInputError(
      org.icbCode
        ? `${org.name} (${org.code}) is a ${org.level === 'pcn' ? 'PCN' : org.level}; digests are for regions and ICBs. Type **digest now ${org.icbCode}** for its ICB.`
        : `${org.name} (${org.code}) is not a region or an ICB. ${await describeRegions(deps)}`,
    );
  return org;
}

/**
 * `digest now [region or ICB]`, for administrators: in its own digest channel, queues this
 * week's digest there at once; anywhere else (another channel, a chat), gives a preview to show
 * in reply. The weekly run is untouched: it still posts on its day.
 */
export async function runDigestNow(
  deps: DigestNowDeps,
  request: DigestNowRequest,
): Promise<DigestNowResult> {
  const found = request.place
    ? await deps.links.findLinkOfChannel(request.place.teamId, request.place.channelId)
    : undefined;
  const link = found?.active ? found : undefined;
  const region = await requireRegion(deps, request, link);
  await requireAdministrator(
    deps.roles,
    request.userId,
    region,
    `Only an administrator for ${region.name} (${region.code}) can ask for its digest now. Its weekly digest arrives in its digest channels on its own; ask your ICB's digital team if you need the role.`,
  );
  // Counts are a projection a few seconds behind the presses: bring them up to date first.
  await drainPendingCounts(deps);
  const now = deps.now();
  const today = todayInLondon(now);
  const previous = await findPreviousFigures(deps.jobRuns, today);
  const digests: RegionDigest[] = [];
  for (const campaign of await listDigestCampaigns(deps, region)) {
    const key = figuresKey(campaign.id, region.code);
    const digest = await buildDigestFor(deps, region, {
      campaign,
      today,
      ...(previous.figures[key] ? { previous: previous.figures[key] } : {}),
    });
    if (digest.headline.total > 0) digests.push(digest);
  }
  if (digests.length === 0)
    throw new NotFoundError(
      `No running campaign has actions in ${region.name} (${region.code}), so there is no digest to show.`,
    );

  if (link?.active && link.purpose === 'digest' && link.orgCode === region.code) {
    const week = isoWeekOf(today);
    const mentions = await resolveDigestMentions(deps, link);
    for (const digest of digests)
      await enqueueMessage(deps, {
        jobId: digestOutboxJob(week),
        // Its own key: asked-for digests never stand in for (or block) the weekly one.
        dedupeKey: `digest-now|${digest.campaign.id}|${region.code}|${link.teamId}|${link.channelId}|${request.requestId}`,
        kind: 'send',
        target: { kind: 'channel', teamId: link.teamId, channelId: link.channelId },
        payload: composeDigest(deps, digest, { mentions }),
        orgCode: region.code,
      });
    return { kind: 'posted', region, cards: digests.length };
  }
  const notice = `Preview only: nothing was posted. ${region.name}'s weekly digest goes to its linked digest channels.`;
  return {
    kind: 'preview',
    region,
    cards: digests.map((digest) => ({
      view: buildDigestCard(digest, {
        detailUrl: resolveDetailUrl(deps.detailUrl, digest.campaign.id, region.code),
        notice,
      }),
      summary: summariseDigestCard(digest),
    })),
  };
}
