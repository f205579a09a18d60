import type { RoleStore } from '../../domain/access/roles';
import type { Logger } from '../../logging/create-logger';
import { grantDemoRoles } from './seed-demo';

/**
 * Local mode only: a role store that gives anyone it is first asked about the demo roles (see
 * grantDemoRoles), so a newcomer can try every feature from the Agents Playground. The bot knows
 * nothing of this; production never builds it.
 */
export function giveDemoRoles(
  roles: RoleStore,
  options: { practiceCode: string; now: () => Date; logger: Logger },
): RoleStore {
  // Who has been offered the roles by this process: once each, so a revoked demo role stays revoked.
  const offered = new Set<string>();
  return {
    listRolesOfUser: async (userId) => {
      if (!offered.has(userId)) {
        offered.add(userId);
        if (await grantDemoRoles({ roles, now: options.now }, userId, options.practiceCode))
          options.logger.info(
            { userId },
            'local mode: granted demo roles (administrator, practice staff)',
          );
      }
      return roles.listRolesOfUser(userId);
    },
    listRolesOnOrg: (orgCode) => roles.listRolesOnOrg(orgCode),
    saveGrant: (grant) => roles.saveGrant(grant),
    deleteGrant: (userId, role, orgCode) => roles.deleteGrant(userId, role, orgCode),
  };
}
