import { escapeMarkdown } from '../shared/escape-markdown';
import { requireAdministrator } from '../access/authorise';
import { parseOdsCode } from '../access/ods-codes';
import { LINK_PURPOSES, type ChannelLink, type LinkPurpose, type LinkStore } from './channel-links';
import type { ConversationRecord, ConversationStore } from './conversations';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import type { Organisation, OrganisationStore } from '../access/organisations';
import type { RoleStore } from '../access/roles';

/** The stores linking needs. */
export interface LinkDeps {
  organisations: OrganisationStore;
  roles: RoleStore;
  links: LinkStore;
  conversations: ConversationStore;
  now: () => Date;
}

/** Where a link request comes from: a channel of a team, and the person asking. */
export interface ChannelPlace {
  teamId: string;
  channelId: string;
  userId: string | undefined;
}

// Which organisations each purpose can be linked to: checklist cards go to ICB and PCN channels;
// weekly digests to regional channels (or an ICB channel, about its PCNs).
const PURPOSE_LEVELS: Record<LinkPurpose, readonly Organisation['level'][]> = {
  checklist: ['icb', 'pcn'],
  digest: ['region', 'icb'],
};

/** Reads a link purpose; empty means checklist. */
export function parsePurpose(value: unknown): LinkPurpose {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (text === '') return 'checklist';
  const purpose = LINK_PURPOSES.find((p) => p === text);
  if (!purpose)
    throw new InvalidInputError(
      `"${escapeMarkdown(text.slice(0, 20))}" is not a link purpose. Use checklist (an ICB or PCN's cards) or digest (a region's or ICB's weekly summary).`,
    );
  return purpose;
}

function requireLinkAdministrator(
  deps: LinkDeps,
  userId: string | undefined,
  org: Organisation,
): Promise<string> {
  return requireAdministrator(
    deps.roles,
    userId,
    org,
    `Only an administrator for ${org.name} (${org.code}) can link or unlink channels for it. Ask your ICB's digital team.`,
  );
}

/**
 * Links a channel to an organisation for a purpose, replacing any earlier link of that channel.
 * Checks the code, the organisation's level for the purpose, and that the person administers it.
 */
export async function linkChannel(
  deps: LinkDeps,
  place: ChannelPlace,
  input: { orgCode: unknown; purpose: unknown },
): Promise<{ link: ChannelLink; org: Organisation; previous?: ChannelLink }> {
  const orgCode = parseOdsCode(input.orgCode);
  const purpose = parsePurpose(input.purpose);
  const org = await deps.organisations.getOrganisation(orgCode);
  if (!org)
    throw new NotFoundError(
      `There is no organisation with ODS code ${orgCode}. Check the code (your ICB's digital team has the list).`,
    );
  const levels = PURPOSE_LEVELS[purpose];
  if (!levels.includes(org.level)) {
    throw new InvalidInputError(
      purpose === 'checklist'
        ? `${org.name} is a ${org.level}. Checklist channels belong to an ICB or a PCN: practices update their items from their PCN's channel. Type the PCN's code instead.`
        : `${org.name} is a ${org.level}. Digest channels belong to a region (or an ICB). Type the region's code, for example Y63.`,
    );
  }
  if (!org.open)
    throw new InvalidInputError(`${org.name} (${org.code}) is closed, so it has no checklist.`);
  const userId = await requireLinkAdministrator(deps, place.userId, org);
  const previous = await deps.links.findLinkOfChannel(place.teamId, place.channelId);
  if (previous?.active && previous.orgCode !== org.code) {
    // Moving a channel away from an organisation takes its cards from that organisation's
    // people, so the person must administer that organisation too.
    const was = await deps.organisations.getOrganisation(previous.orgCode);
    await requireAdministrator(
      deps.roles,
      userId,
      was ?? 'england',
      `This channel is linked to ${was ? `${was.name} (${was.code})` : previous.orgCode}. Only an administrator of both that organisation and ${org.name} (${org.code}) can move it; ask your ICB's digital team, or unlink it first.`,
    );
  }
  const link: ChannelLink = {
    orgCode: org.code,
    purpose,
    teamId: place.teamId,
    channelId: place.channelId,
    linkedBy: userId,
    linkedAt: deps.now().toISOString(),
    active: true,
    // Linking again keeps the posting generation, so redraws still reach the newest copies.
    ...(previous?.postings ? { postings: previous.postings } : {}),
    // Linking the same digest channel again keeps whom its digest mentions.
    ...(previous?.active &&
    previous.orgCode === org.code &&
    previous.purpose === purpose &&
    previous.mentionIds?.length
      ? { mentionIds: previous.mentionIds }
      : {}),
  };
  await deps.links.saveLink(link);
  return { link, org, ...(previous?.active ? { previous } : {}) };
}

/** Unlinks a channel (the link is kept, inactive). Only an administrator of its organisation may. */
export async function unlinkChannel(deps: LinkDeps, place: ChannelPlace): Promise<ChannelLink> {
  const link = await deps.links.findLinkOfChannel(place.teamId, place.channelId);
  if (!link?.active)
    throw new NotFoundError(
      'This channel is not linked to an organisation, so there is nothing to unlink. Type **links** to see this team’s links.',
    );
  const org = await deps.organisations.getOrganisation(link.orgCode);
  // An organisation no longer loaded must not leave its channel open to anyone: then only an
  // administrator of all of England may unlink it.
  await requireAdministrator(
    deps.roles,
    place.userId,
    org ?? 'england',
    org
      ? `Only an administrator for ${org.name} (${org.code}) can link or unlink channels for it. Ask your ICB's digital team.`
      : `This channel is linked to ${link.orgCode}, which is no longer loaded, so only an administrator of all of England can unlink it.`,
  );
  const retired = { ...link, active: false, linkedAt: deps.now().toISOString() };
  await deps.links.saveLink(retired);
  return retired;
}

/** One channel of a team with its link and its health, for the `links` command. */
export interface TeamLinkView {
  channel: ConversationRecord | undefined;
  link: ChannelLink;
  org: Organisation | undefined;
}

/**
 * The active links of a team's channels, with each channel's record (name, health), and the
 * team's stored name (messages and invokes carry none).
 */
export async function listTeamLinks(
  deps: LinkDeps,
  teamId: string,
): Promise<{ teamName: string | undefined; links: TeamLinkView[] }> {
  const [links, records] = await Promise.all([
    deps.links.listLinksOfTeam(teamId),
    deps.conversations.listTeam(teamId),
  ]);
  const teamName = records.find((r) => r.kind === 'team')?.teamName;
  const views = await Promise.all(
    links
      .filter((l) => l.active)
      .map(async (link) => ({
        link,
        channel: records.find((r) => r.kind === 'channel' && r.channelId === link.channelId),
        org: await deps.organisations.getOrganisation(link.orgCode),
      })),
  );
  return { teamName, links: views };
}
