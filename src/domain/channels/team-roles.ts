import { requireAdministrator } from '../access/authorise';
import { grantRole, revokeRole, parseRole, type RoleDeps } from '../access/manage-roles';
import type { Organisation } from '../access/organisations';
import { ENGLAND, ROLE_LABELS, ROLES, type Role, type RoleGrant } from '../access/roles';
import { escapeMarkdown } from '../shared/escape-markdown';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import { isGuid } from '../shared/ids';
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

/** `grant <person> <role> <ODS code>`, by an administrator over the organisation. */
export async function grantRoleInTeams(
  deps: TeamRoleDeps,
  granterId: string | undefined,
  text: string,
): Promise<{ grant: RoleGrant; person: RosterPerson }> {
  const command = parseRoleCommand(text, 'grant');
  const person = await findRosterPerson(deps, command.person);
  const grant = await grantRole(deps, asGranter(granterId), {
    userId: person.userAadObjectId,
    role: command.role,
    orgCode: command.orgCode,
  });
  return { grant, person };
}

/** `revoke <person> <role> <ODS code>`: true when they held it. */
export async function revokeRoleInTeams(
  deps: TeamRoleDeps,
  granterId: string | undefined,
  text: string,
): Promise<{ revoked: boolean; person: RosterPerson; command: RoleCommand }> {
  const command = parseRoleCommand(text, 'revoke');
  const person = await findRosterPerson(deps, command.person);
  const revoked = await revokeRole(deps, asGranter(granterId), {
    userId: person.userAadObjectId,
    role: command.role,
    orgCode: command.orgCode,
  });
  return { revoked, person, command };
}

/** One line of `roles`: who holds what over the organisation. */
export interface RoleHolder {
  name: string;
  email?: string;
  role: Role;
  grantedAt: string;
}

/** `roles <ODS code>`: who holds which role over exactly that organisation (administrators only). */
export async function listRoleHolders(
  deps: TeamRoleDeps,
  userId: string | undefined,
  code: string | undefined,
): Promise<{ org: Organisation | undefined; holders: RoleHolder[] }> {
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
  const grants = await deps.roles.listRolesOnOrg(typed);
  const holders = await Promise.all(
    grants.map(async (g): Promise<RoleHolder> => {
      const person = await deps.rosters.getPerson(g.userId);
      return {
        name: person?.name || `Someone not in a team with me (${g.userId})`,
        ...(person?.email ? { email: person.email } : {}),
        role: g.role,
        grantedAt: g.grantedAt,
      };
    }),
  );
  holders.sort(
    (a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.name.localeCompare(b.name),
  );
  return { org, holders };
}

/** "PCN lead". */
export function describeRole(role: Role): string {
  return ROLE_LABELS[role];
}

function asGranter(userId: string | undefined) {
  if (!userId)
    throw new InvalidInputError(
      'Teams did not say who you are, so I can’t check your roles. Try again from Teams.',
    );
  return { kind: 'user' as const, userId };
}
