import { canReadItems } from '../access/authorise';
import { formatOrgName } from '../access/display-name';
import { ROOT_PARENT, type OrgLevel } from '../access/organisations';
import { ENGLAND, ROLE_LABELS, type Role } from '../access/roles';
import type { DashboardDeps } from './dashboard-deps';

/** An organisation the person can open on the tab, and the role that lets them. */
export interface MyOrganisation {
  code: string;
  name: string;
  level: OrgLevel;
  role: string;
}

/**
 * The organisations whose dashboards a person may open: those their roles are over (all regions
 * for an England-wide role). Roles that do not read items give nothing.
 */
export async function listMyOrganisations(
  deps: Pick<DashboardDeps, 'roles' | 'organisations'>,
  userId: string,
): Promise<MyOrganisation[]> {
  const grants = await deps.roles.listRolesOfUser(userId);
  const found = new Map<string, MyOrganisation>();
  const add = (code: string, name: string, level: OrgLevel, role: Role) => {
    if (!found.has(code))
      found.set(code, { code, name: formatOrgName(name), level, role: ROLE_LABELS[role] });
  };
  for (const grant of grants) {
    if (grant.orgCode === ENGLAND) {
      for (const region of await deps.organisations.listChildren(ROOT_PARENT))
        if (canReadItems([grant], { ...region, open: true }))
          add(region.code, region.name, region.level, grant.role);
      continue;
    }
    const org = await deps.organisations.getOrganisation(grant.orgCode);
    if (org && canReadItems([grant], org)) add(org.code, org.name, org.level, grant.role);
  }
  const order: OrgLevel[] = ['region', 'icb', 'pcn', 'practice'];
  return [...found.values()].sort(
    (a, b) => order.indexOf(a.level) - order.indexOf(b.level) || a.name.localeCompare(b.name),
  );
}
