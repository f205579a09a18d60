import { escapeMarkdown } from '../shared/escape-markdown';
import type { OrganisationStore } from './organisations';
import { ENGLAND, ROLE_LABELS, type RoleStore } from './roles';

/** A person's roles in words: "ICB lead: NHS Demo ICB (QZ1)", "Administrator: all of England". */
export async function listMyRoles(
  deps: { roles: RoleStore; organisations: OrganisationStore },
  userId: string | undefined,
): Promise<string[]> {
  const grants = userId ? await deps.roles.listRolesOfUser(userId) : [];
  return Promise.all(
    grants.map(async (g) => {
      const org =
        g.orgCode === ENGLAND ? undefined : await deps.organisations.getOrganisation(g.orgCode);
      const where = org
        ? `${escapeMarkdown(org.name)} (${org.code})`
        : g.orgCode === ENGLAND
          ? 'all of England'
          : g.orgCode;
      return `${ROLE_LABELS[g.role]}: ${where}`;
    }),
  );
}
