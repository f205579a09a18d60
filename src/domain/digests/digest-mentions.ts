import { requireAdministrator } from '../access/authorise';
import { formatOrgName } from '../access/display-name';
import type { OrganisationStore } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import { cleanMentionName, type Mention } from '../cards/deliver-cards';
import type { ChannelLink, LinkStore } from '../channels/channel-links';
import type { ChannelPlace } from '../channels/link-channel';
import type { RosterPerson, RosterStore } from '../channels/rosters';
import { findRosterPerson } from '../channels/team-roles';
import { escapeMarkdown } from '../shared/escape-markdown';
import { isGuid } from '../shared/ids';
import { InvalidInputError, NotFoundError } from '../shared/errors';

// A digest post in a regional (or ICB) channel mentions nobody by default: it is a weekly summary
// for whoever follows the channel. An administrator may name people it should notify (`digest
// mention …`), found in the team rosters as `grant` finds them; only their Entra object ids are
// kept on the link, and their names and Teams ids are read from the rosters at each post.

/** At most this many people are mentioned in one digest post. */
export const MAX_DIGEST_MENTIONS = 10;

/** What setting a digest channel's mentions reads and writes. */
export interface DigestMentionDeps {
  organisations: OrganisationStore;
  roles: RoleStore;
  links: LinkStore;
  rosters: Pick<RosterStore, 'listPeople' | 'getPerson'>;
}

/** What `digest mention` did: the people the channel's digest now mentions (none: nobody). */
export interface DigestMentionsResult {
  link: ChannelLink;
  /** The region's or ICB's name. */
  orgName: string;
  people: RosterPerson[];
  changed: boolean;
}

const USAGE =
  'Type **digest mention** followed by the people the weekly digest in this channel should mention, by e-mail, name or @mention, separated by commas (for example **digest mention asha.rao@nhs.net, Sam Jones**), or **digest mention nobody** to stop.';

/** Splits what was typed into people: commas or semicolons between them; e-mails, ids and @mentions by spaces too. */
export function splitPeople(text: string): string[] {
  const people: string[] = [];
  for (const part of text.split(/[,;]/)) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    // "asha@x sam@y" or two @mentions (Teams user ids) need no commas; a name of several words does.
    if (words.every((w) => w.includes('@') || w.startsWith('29:') || isGuid(w)))
      people.push(...words);
    else people.push(words.join(' '));
  }
  return people;
}

/**
 * `digest mention <people>` in a digest channel (administrators of its region or ICB): sets whom
 * the channel's weekly digest mentions; `nobody` clears it; nothing typed shows the setting.
 * Everyone must be found, and be in this team, or nothing is changed.
 */
export async function setDigestMentions(
  deps: DigestMentionDeps,
  place: ChannelPlace,
  text: string,
): Promise<DigestMentionsResult> {
  const link = await deps.links.findLinkOfChannel(place.teamId, place.channelId);
  if (!link?.active || link.purpose !== 'digest')
    throw new NotFoundError(
      'This channel is not a digest channel. An administrator links it first with **link** and a region or ICB code and **digest** (for example **link Y63 digest**), then sets whom its digest mentions here.',
    );
  const org = await deps.organisations.getOrganisation(link.orgCode);
  await requireAdministrator(
    deps.roles,
    place.userId,
    org ?? 'england',
    `Only an administrator for ${org ? `${org.name} (${org.code})` : link.orgCode} can choose whom its digest mentions.`,
  );
  const orgName = org?.name ?? link.orgCode;
  const typed = text.trim();
  if (!typed) {
    const people = await readPeople(deps, link.mentionIds ?? []);
    return { link, orgName, people, changed: false };
  }
  if (/^(nobody|none|no one|noone)$/i.test(typed)) {
    const { mentionIds: _dropped, ...rest } = link;
    await deps.links.saveLink(rest);
    return { link: rest, orgName, people: [], changed: true };
  }
  const names = splitPeople(typed);
  if (names.length === 0) throw new InvalidInputError(USAGE);
  const people: RosterPerson[] = [];
  for (const name of names) {
    const person = await findRosterPerson(deps, name);
    if (!person.teamIds.includes(place.teamId))
      throw new InvalidInputError(
        `${escapeMarkdown(person.name)} is not in this team, so a mention here would not reach them. Add them to the team first, or leave them out. Nothing was changed.`,
      );
    if (!people.some((p) => p.userAadObjectId === person.userAadObjectId)) people.push(person);
  }
  if (people.length > MAX_DIGEST_MENTIONS)
    throw new InvalidInputError(
      `A digest can mention at most ${MAX_DIGEST_MENTIONS} people; you named ${people.length}. Nothing was changed.`,
    );
  const next: ChannelLink = {
    ...link,
    mentionIds: people.map((p) => p.userAadObjectId.toLowerCase()),
  };
  await deps.links.saveLink(next);
  return { link: next, orgName, people, changed: true };
}

/**
 * Whom one digest channel's post mentions: its chosen people still in the rosters, by Teams user
 * id and name. Nobody unless chosen; someone who left every team with the bot is left out (the
 * post would not reach them), as is an id erasure replaced.
 */
export async function resolveDigestMentions(
  deps: { rosters?: Pick<RosterStore, 'getPerson'> },
  link: Pick<ChannelLink, 'mentionIds'>,
): Promise<Mention[]> {
  const ids = (link.mentionIds ?? []).filter(isGuid).slice(0, MAX_DIGEST_MENTIONS);
  if (ids.length === 0 || !deps.rosters) return [];
  const people = await readPeople({ rosters: deps.rosters }, ids);
  return people.map((p) => ({
    id: p.teamsUserId || p.userAadObjectId,
    name: cleanMentionName(p.name, 'Digest reader'),
  }));
}

async function readPeople(
  deps: { rosters: Pick<RosterStore, 'getPerson'> },
  ids: readonly string[],
): Promise<RosterPerson[]> {
  const found = await Promise.all(ids.filter(isGuid).map((id) => deps.rosters.getPerson(id)));
  return found.filter((p): p is RosterPerson => p !== undefined);
}

/** "The weekly digest here mentions Asha Rao and Sam Jones." for the reply, markdown-escaped. */
export function describeDigestMentions(result: DigestMentionsResult): string {
  const where = `The weekly digest of ${escapeMarkdown(formatOrgName(result.orgName))} in this channel`;
  if (result.people.length === 0)
    return `${where} mentions nobody${result.changed ? ' now' : ''}. ${USAGE}`;
  const names = result.people.map((p) => escapeMarkdown(p.name));
  const joined =
    names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `${where} ${result.changed ? 'will now mention' : 'mentions'} ${joined}, so Teams notifies them when it arrives. Type **digest mention nobody** to stop.`;
}
