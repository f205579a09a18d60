import { escapeMarkdown } from '../shared/escape-markdown';
import { isGuid } from '../shared/ids';
import { requireAdministrator } from './authorise';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import type { Organisation, OrganisationStore } from './organisations';
import { ENGLAND, ROLE_LABELS, ROLES, type Role, type RoleGrant, type RoleStore } from './roles';

/** Who is granting: a person (checked against their own grants) or the operator's CLI. */
export type Granter =
  { kind: 'user'; userId: string; name?: string } | { kind: 'operator'; name: string };

/** Whose role changes: an Entra object id, and their name where known (for the record). */
export interface RoleInput {
  userId: string;
  userName?: string;
  role: string;
  orgCode: string;
}

/** The stores role management needs. */
export interface RoleDeps {
  organisations: OrganisationStore;
  roles: RoleStore;
  now: () => Date;
}

// Which level of organisation each role is held over (administrators anywhere, England included).
const ROLE_LEVEL: Record<Role, string | undefined> = {
  practice_staff: 'practice',
  pcn_lead: 'pcn',
  icb_lead: 'icb',
  regional_head: 'region',
  administrator: undefined,
};

/** Validates a role name from outside (accepts "PCN lead", "pcn-lead", "pcn_lead"). */
export function parseRole(value: string): Role {
  const text = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const role = ROLES.find((r) => r === text);
  if (!role)
    throw new InvalidInputError(
      `"${escapeMarkdown(value.slice(0, 40))}" is not a role. Use one of: ${ROLES.join(', ')}.`,
    );
  return role;
}

/**
 * Grants a role over an organisation after checking the user id, the level and the granter, and
 * records who granted it to whom, when (in the same write as the grant).
 */
export async function grantRole(
  deps: RoleDeps,
  granter: Granter,
  input: RoleInput,
): Promise<RoleGrant> {
  const grant = await checkGrant(deps, granter, input);
  await deps.roles.saveGrant(grant, {
    action: 'granted',
    userId: grant.userId,
    ...(input.userName ? { userName: input.userName } : {}),
    role: grant.role,
    orgCode: grant.orgCode,
    by: grant.grantedBy,
    ...(grant.grantedByName ? { byName: grant.grantedByName } : {}),
    at: grant.grantedAt,
  });
  return grant;
}

/** Checks a grant as grantRole would and returns it, without saving (for dry runs). */
export async function checkGrant(
  deps: RoleDeps,
  granter: Granter,
  input: RoleInput,
): Promise<RoleGrant> {
  const role = parseRole(input.role);
  const userId = parseUserId(input.userId);
  const org = await findScope(deps, input.orgCode, role);
  await checkGranter(deps, granter, org);
  const grant: RoleGrant = {
    userId,
    role,
    orgCode: org?.code ?? ENGLAND,
    grantedBy: granterId(granter),
    ...(granter.name ? { grantedByName: granter.name } : {}),
    grantedAt: deps.now().toISOString(),
  };
  return grant;
}

/** How a granter is recorded: their Entra object id, or `operator:<name>` for the CLI. */
function granterId(granter: Granter): string {
  return granter.kind === 'user' ? granter.userId : `operator:${granter.name}`;
}

/**
 * Removes a role and records who revoked it from whom, when (in the same write); returns false
 * (and records nothing) when the person did not hold it.
 */
export async function revokeRole(
  deps: RoleDeps,
  granter: Granter,
  input: RoleInput,
): Promise<boolean> {
  const role = parseRole(input.role);
  const userId = parseUserId(input.userId);
  const code = normaliseScopeCode(input.orgCode);
  // The grant revoked is exactly the one over the code given, never another: an unknown code
  // must not fall back to an England-wide grant. A grant over an organisation no longer loaded
  // can still be revoked, by an administrator of all of England.
  const org = code === ENGLAND ? undefined : await deps.organisations.getOrganisation(code);
  await checkGranter(deps, granter, org);
  return deps.roles.deleteGrant(userId, role, code, {
    action: 'revoked',
    userId,
    ...(input.userName ? { userName: input.userName } : {}),
    role,
    orgCode: code,
    by: granterId(granter),
    ...(granter.name ? { byName: granter.name } : {}),
    at: deps.now().toISOString(),
  });
}

/** Grant and revoke read a scope code the same way: trimmed, upper-case ("england" → ENGLAND). */
function normaliseScopeCode(code: string): string {
  return code.trim().toUpperCase();
}

/** Reads an Entra object id as grants store it (lower-case), or says where to find it. */
function parseUserId(value: string): string {
  const userId = value.trim().toLowerCase();
  if (!isGuid(userId))
    throw new InvalidInputError(
      `"${escapeMarkdown(value.slice(0, 40))}" is not an Entra object id (a GUID). The person can see theirs with the bot's whoami command.`,
    );
  return userId;
}

async function findScope(
  deps: RoleDeps,
  code: string,
  role: Role,
): Promise<Organisation | undefined> {
  code = normaliseScopeCode(code);
  if (code === ENGLAND) {
    if (role !== 'administrator')
      throw new InvalidInputError(
        `Only administrators can hold a role over all of England; give ${ROLE_LABELS[role]} an organisation code.`,
      );
    return undefined;
  }
  const org = await deps.organisations.getOrganisation(code);
  if (!org)
    throw new NotFoundError(
      `There is no organisation with ODS code ${code}. Check the code, or import organisations first.`,
    );
  const level = ROLE_LEVEL[role];
  if (level && org.level !== level) {
    throw new InvalidInputError(
      `${ROLE_LABELS[role]} is held over a ${level.toUpperCase()}, but ${org.name} (${org.code}) is a ${org.level.toUpperCase()}.`,
    );
  }
  return org;
}

async function checkGranter(
  deps: RoleDeps,
  granter: Granter,
  org: Organisation | undefined,
): Promise<void> {
  if (granter.kind === 'operator') return;
  await requireAdministrator(
    deps.roles,
    granter.userId,
    org ?? 'england',
    `Only an administrator over ${org ? `${org.name} (${org.code})` : 'England'} can change roles there.`,
  );
}
