import { requireAdministrator } from '../access/authorise';
import { grantRole, revokeRole, parseRole, type RoleDeps } from '../access/manage-roles';
import type { Organisation } from '../access/organisations';
import {
  ENGLAND,
  ROLE_LABELS,
  ROLES,
  type Role,
  type RoleChange,
  type RoleGrant,
} from '../access/roles';
import { escapeMarkdown } from '../shared/escape-markdown';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import { isGuid } from '../shared/ids';
import { formatUkDate, formatUkDateTime, todayInLondon } from '../shared/uk-dates';
import type { RosterPerson, RosterStore } from './rosters';

// Roles managed from Teams: `grant <name or e-mail> <role> <ODS code>`, `revoke …` and
// `roles <ODS code>`. People are found in the team rosters (an administrator knows a colleague's
// name or e-mail, not their Entra object id); the rules are the admin CLI's (manage-roles.ts),
// with the person typing as the granter, so only an administrator over the organisation may.

/** What managing roles from Teams reads and writes. */
export interface TeamRoleDeps extends RoleDeps {
  rosters: Pick<RosterStore, 'listPeople' | 'getPerson'>;
}

/** A typed `grant`/`revoke`: who, which role, over what. */
export interface RoleCommand {
  person: string;
  role: Role;
  orgCode: string;
}

const USAGE =
  'Type **grant** followed by the person’s name or e-mail, the role and the ODS code, for example **grant asha.rao@nhs.net pcn_lead U99901**. Roles: practice_staff, pcn_lead, icb_lead, regional_head, administrator.';

/** Each role as people may type it at the end of a command: "pcn_lead", "pcn-lead", "PCN lead". */
const ROLE_SPELLINGS: readonly { words: string[]; role: Role }[] = ROLES.flatMap((role) => [
  { words: [role], role },
  { words: role.split('_'), role },
]).sort((a, b) => b.words.length - a.words.length);

/** Reads `<person> <role> <ODS code>` (the role may be one word or two, e.g. "PCN lead"). */
export function parseRoleCommand(text: string, verb: 'grant' | 'revoke'): RoleCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const usage = verb === 'grant' ? USAGE : USAGE.replace(/grant/g, 'revoke');
  if (words.length < 3) throw new InvalidInputError(usage);
  const orgCode = words.at(-1)!.toUpperCase();
  const before = words.slice(0, -1);
  for (const { words: spelling, role } of ROLE_SPELLINGS) {
    const tail = before.slice(-spelling.length).map((w) => w.toLowerCase().replace(/-/g, '_'));
    const joined = tail.join('_');
    if (before.length > spelling.length && joined === spelling.join('_')) {
      const person = before
        .slice(0, -spelling.length)
        .join(' ')
        .replace(/^["“']|["”']$/g, '');
      return { person, role, orgCode };
    }
  }
  // Not a role we know: say which word was read as the role.
  parseRole(before.at(-1) ?? '');
  throw new InvalidInputError(usage);
}

/**
 * Finds one person in the rosters by e-mail (or UPN), Entra object id or name. A name matches
 * whole (any case), else by every word typed starting a word of the name ("asha" finds "Asha
 * Rao"); more than one match asks which, by e-mail.
 */
export async function findRosterPerson(
  deps: Pick<TeamRoleDeps, 'rosters'>,
  typed: string,
): Promise<RosterPerson> {
  const text = typed.trim();
  if (!text) throw new InvalidInputError(USAGE);
  const people = await deps.rosters.listPeople();
  const lower = text.toLowerCase();
  let found: RosterPerson[];
  if (isGuid(lower)) found = people.filter((p) => p.userAadObjectId.toLowerCase() === lower);
  else if (lower.startsWith('29:'))
    // An @mention in the command: the handler put the person's Teams user id in its place.
    found = people.filter((p) => p.teamsUserId.toLowerCase() === lower);
  else if (text.includes('@')) found = people.filter((p) => p.email?.toLowerCase() === lower);
  else {
    found = people.filter((p) => p.name.toLowerCase() === lower);
    if (found.length === 0) {
      const typedWords = lower.split(/\s+/);
      found = people.filter((p) => {
        const nameWords = p.name.toLowerCase().split(/[\s,.'-]+/);
        return typedWords.every((t) => nameWords.some((w) => w.startsWith(t)));
      });
    }
  }
  if (found.length === 1) return found[0]!;
  const shown = escapeMarkdown(text.slice(0, 60));
  if (found.length === 0)
    throw new NotFoundError(
      `I can’t find "${shown}" in any team I’m in. Check the spelling or use their e-mail address; if they are not in a team with me, add me to one of their teams (or add them to one of mine) and try again.`,
    );
  const listed = [...found]
    .sort((a, b) => a.name.localeCompare(b.name) || (a.email ?? '').localeCompare(b.email ?? ''))
    .slice(0, 10)
    .map(
      (p) => `${escapeMarkdown(p.name)} (${p.email ? escapeMarkdown(p.email) : 'no e-mail given'})`,
    )
    .join('; ');
  throw new InvalidInputError(
    `${found.length} people match "${shown}": ${listed}${found.length > 10 ? '; …' : ''}. Type the command again with the e-mail address of the one you mean.`,
  );
}

/** The person typing a command in Teams: their Entra object id and display name, as Teams says. */
export interface TeamsTypist {
  userId: string | undefined;
  name?: string | undefined;
}

/** `grant <person> <role> <ODS code>`, by an administrator over the organisation. */
export async function grantRoleInTeams(
  deps: TeamRoleDeps,
  typist: TeamsTypist,
  text: string,
): Promise<{ grant: RoleGrant; person: RosterPerson }> {
  const command = parseRoleCommand(text, 'grant');
  const person = await findRosterPerson(deps, command.person);
  const grant = await grantRole(deps, asGranter(typist), {
    userId: person.userAadObjectId,
    userName: person.name,
    role: command.role,
    orgCode: command.orgCode,
  });
  return { grant, person };
}

/** `revoke <person> <role> <ODS code>`: true when they held it. */
export async function revokeRoleInTeams(
  deps: TeamRoleDeps,
  typist: TeamsTypist,
  text: string,
): Promise<{ revoked: boolean; person: RosterPerson; command: RoleCommand }> {
  const command = parseRoleCommand(text, 'revoke');
  const person = await findRosterPerson(deps, command.person);
  const revoked = await revokeRole(deps, asGranter(typist), {
    userId: person.userAadObjectId,
    userName: person.name,
    role: command.role,
    orgCode: command.orgCode,
  });
  return { revoked, person, command };
}

/** One line of `roles`: who holds what over the organisation, and who granted it. */
export interface RoleHolder {
  name: string;
  email?: string;
  role: Role;
  grantedAt: string;
  /** Who granted it, by name ("the admin CLI" for the operator), when known. */
  grantedBy?: string;
}

/** One recorded change as `roles` shows it: names resolved, newest first. */
export interface RoleChangeView {
  action: RoleChange['action'];
  role: Role;
  /** The person whose role changed. */
  name: string;
  /** Who changed it. */
  by: string;
  at: string;
}

/** How many recorded changes `roles <ODS code>` shows, and `roles history <ODS code>`. */
export const RECENT_CHANGES = 5;
/** How many recorded changes `roles history <ODS code>` shows. */
export const HISTORY_CHANGES = 25;

/** `roles <ODS code>`: who holds which role over exactly that organisation (administrators only). */
export async function listRoleHolders(
  deps: TeamRoleDeps,
  userId: string | undefined,
  code: string | undefined,
  options: { changes?: number } = {},
): Promise<{ org: Organisation | undefined; holders: RoleHolder[]; changes: RoleChangeView[] }> {
  const typed = (code ?? '').trim().toUpperCase();
  if (!typed)
    throw new InvalidInputError(
      'Type **roles** followed by an ODS code, for example **roles U99901**, to see who holds which role there.',
    );
  const org = typed === ENGLAND ? undefined : await deps.organisations.getOrganisation(typed);
  if (typed !== ENGLAND && !org)
    throw new NotFoundError(
      `There is no organisation with ODS code ${escapeMarkdown(typed.slice(0, 20))}.`,
    );
  await requireAdministrator(
    deps.roles,
    userId,
    org ?? 'england',
    `Only an administrator over ${org ? `${org.name} (${org.code})` : 'England'} can see who holds roles there.`,
  );
  return { org, ...(await readRoleRecord(deps, typed, options.changes ?? RECENT_CHANGES)) };
}

/**
 * Who holds which role over exactly one organisation (names from the rosters), who granted it,
 * and its latest recorded changes; no authorisation (the CLI's operator, or after a check).
 */
export async function readRoleRecord(
  deps: Pick<TeamRoleDeps, 'roles' | 'rosters'>,
  orgCode: string,
  changeCount: number,
): Promise<{ holders: RoleHolder[]; changes: RoleChangeView[] }> {
  const [grants, recorded] = await Promise.all([
    deps.roles.listRolesOnOrg(orgCode),
    changeCount > 0 ? deps.roles.listRoleChanges(orgCode, changeCount) : [],
  ]);
  const names = new Map<string, Promise<string | undefined>>();
  // One roster read per person however often they appear (as holder, granter or in changes).
  const nameOf = (id: string) => {
    const key = id.toLowerCase();
    let name = names.get(key);
    if (!name) {
      name = isGuid(key)
        ? deps.rosters.getPerson(key).then((p) => p?.name || undefined)
        : Promise.resolve(undefined);
      names.set(key, name);
    }
    return name;
  };
  const granterName = async (by: string, byName: string | undefined) =>
    by.startsWith('operator:')
      ? byName && byName !== 'admin-cli'
        ? `${byName} (admin CLI)`
        : 'the admin CLI'
      : (byName ?? (await nameOf(by)));
  const holders = await Promise.all(
    grants.map(async (g): Promise<RoleHolder> => {
      const person = await deps.rosters.getPerson(g.userId);
      const grantedBy = g.grantedBy ? await granterName(g.grantedBy, g.grantedByName) : undefined;
      return {
        name: person?.name || `Someone not in a team with me (${g.userId})`,
        ...(person?.email ? { email: person.email } : {}),
        role: g.role,
        grantedAt: g.grantedAt,
        ...(grantedBy ? { grantedBy } : {}),
      };
    }),
  );
  holders.sort(
    (a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.name.localeCompare(b.name),
  );
  const changes = await Promise.all(
    recorded.map(async (c): Promise<RoleChangeView> => ({
      action: c.action,
      role: c.role,
      name: c.userName ?? (await nameOf(c.userId)) ?? c.userId,
      by: (await granterName(c.by, c.byName)) ?? c.by,
      at: c.at,
    })),
  );
  return { holders, changes };
}

/** "PCN lead". */
export function describeRole(role: Role): string {
  return ROLE_LABELS[role];
}

function asGranter(typist: TeamsTypist) {
  if (!typist.userId)
    throw new InvalidInputError(
      'Teams did not say who you are, so I can’t check your roles. Try again from Teams.',
    );
  const name = typist.name?.trim();
  return { kind: 'user' as const, userId: typist.userId, ...(name ? { name } : {}) };
}

/** "1 Dec 2026, 09:14: Alex Smith granted PCN lead to Asha Rao" (`escape` for markdown). */
export function describeRoleChange(
  change: RoleChangeView,
  escape: (text: string) => string = (text) => text,
): string {
  const what =
    change.action === 'granted'
      ? `granted ${ROLE_LABELS[change.role]} to ${escape(change.name)}`
      : `revoked ${ROLE_LABELS[change.role]} from ${escape(change.name)}`;
  return `${formatUkDateTime(change.at)}: ${escape(change.by)} ${what}`;
}

/** "granted by Alex Smith on 1 Dec 2026", or "since 1 Dec 2026" when nobody is recorded. */
export function describeGrantedBy(
  holder: Pick<RoleHolder, 'grantedAt' | 'grantedBy'>,
  escape: (text: string) => string = (text) => text,
): string {
  const day = holder.grantedAt ? formatUkDate(todayInLondon(new Date(holder.grantedAt))) : '';
  if (!day) return holder.grantedBy ? `granted by ${escape(holder.grantedBy)}` : '';
  return holder.grantedBy ? `granted by ${escape(holder.grantedBy)} on ${day}` : `since ${day}`;
}
