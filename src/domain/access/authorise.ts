import type { Organisation } from './organisations';
import { ForbiddenError } from '../shared/errors';
import { ENGLAND, type Role, type RoleGrant, type RoleStore } from './roles';

/** The organisations whose roles reach `org`: itself, its PCN, its ICB, its region, and England. */
function reachingCodes(org: Organisation): Set<string> {
  const codes = new Set([org.code, ENGLAND]);
  if (org.parentCode) codes.add(org.parentCode);
  if (org.icbCode) codes.add(org.icbCode);
  if (org.regionCode) codes.add(org.regionCode);
  return codes;
}

// Who may change an organisation's items: its own staff and the leads above it. Regional heads
// read (digests, progress) but do not tick other people's boxes.
const UPDATERS: readonly Role[] = ['practice_staff', 'pcn_lead', 'icb_lead', 'administrator'];

/** True when one of `grants` lets its holder change the items of `org`. */
export function canUpdateItems(grants: readonly RoleGrant[], org: Organisation): boolean {
  const codes = reachingCodes(org);
  return grants.some((g) => {
    if (!UPDATERS.includes(g.role) || !codes.has(g.orgCode)) return false;
    // A practice's staff role does not reach its sister practices through the PCN.
    if (g.role === 'practice_staff') return g.orgCode === org.code;
    return true;
  });
}

// Who may read an organisation's items, notes and who set them: its updaters, and the regional
// heads above it (who read digests and progress but do not tick boxes).
const READERS: readonly Role[] = [...UPDATERS, 'regional_head'];

/**
 * True when one of `grants` lets its holder read the items of `org`: practice staff their own
 * practice; PCN, ICB and regional leads and administrators their organisation and all under it.
 */
export function canReadItems(grants: readonly RoleGrant[], org: Organisation): boolean {
  const codes = reachingCodes(org);
  return grants.some((g) => {
    if (!READERS.includes(g.role) || !codes.has(g.orgCode)) return false;
    if (g.role === 'practice_staff') return g.orgCode === org.code;
    return true;
  });
}

/** True when `org` is the organisation `code` or lies under it (England is not a code here). */
export function isWithin(org: Organisation, code: string): boolean {
  return code !== ENGLAND && reachingCodes(org).has(code);
}

/** True when one of `grants` makes its holder an administrator over `org` (or over England). */
export function isAdministratorOf(
  grants: readonly RoleGrant[],
  org: Organisation | undefined,
): boolean {
  const codes = org ? reachingCodes(org) : new Set([ENGLAND]);
  return grants.some((g) => g.role === 'administrator' && codes.has(g.orgCode));
}

/**
 * Where an administrator's grant must reach: one organisation (a grant over it or a parent does),
 * all of England (only an England-wide grant does), or anywhere (any administrator grant does).
 */
export type AdministratorScope = Organisation | 'england' | 'anywhere';

/**
 * The person's id when one of their grants makes them an administrator over `scope` (over any
 * organisation for 'anywhere'); throws ForbiddenError with `refusal`, which says whom to ask.
 */
export async function requireAdministrator(
  roles: Pick<RoleStore, 'listRolesOfUser'>,
  userId: string | undefined,
  scope: AdministratorScope,
  refusal: string,
): Promise<string> {
  const grants = userId ? await roles.listRolesOfUser(userId) : [];
  const allowed =
    scope === 'anywhere'
      ? grants.some((g) => g.role === 'administrator')
      : isAdministratorOf(grants, scope === 'england' ? undefined : scope);
  if (!userId || !allowed) throw new ForbiddenError(refusal);
  return userId;
}
