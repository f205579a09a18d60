import type { Organisation } from './organisations';
import { ENGLAND, type Role, type RoleGrant } from './roles';

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

/** True when one of `grants` makes its holder an administrator over `org` (or over England). */
export function isAdministratorOf(
  grants: readonly RoleGrant[],
  org: Organisation | undefined,
): boolean {
  const codes = org ? reachingCodes(org) : new Set([ENGLAND]);
  return grants.some((g) => g.role === 'administrator' && codes.has(g.orgCode));
}
