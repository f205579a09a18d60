import type { RoleStore } from '../../domain/access/roles';
import type { Logger } from '../../logging/create-logger';
import { grantDemoRoles } from './seed-demo';

/**
 * Local mode only: a role store that gives anyone it is first asked about the demo roles (see
 * grantDemoRoles), so a newcomer can try every feature from the Agents Playground. The bot knows
 * nothing of this; production never builds it.
 */
export function giveDemoRoles(
  stores: { cached: RoleStore; uncached: RoleStore },
  options: { practiceCode: string; regionCode: string; now: () => Date; logger: Logger },
): RoleStore {
  const { cached, uncached } = stores;
  // Who has been offered the roles by this process: once each, so a revoked demo role stays revoked.
  const offered = new Set<string>();
  return {
    listRolesOfUser: async (userId) => {
      if (offered.has(userId)) return cached.listRolesOfUser(userId);
      offered.add(userId);
      if (await grantDemoRoles({ roles: uncached, now: options.now }, userId, options))
        options.logger.info(
          { userId },
          'local mode: granted demo roles (administrator, practice staff)',
        );
      // Read past the cache this once, so the cache holds nothing a revocation must wait out.
      return uncached.listRolesOfUser(userId);
    },
    listRolesOnOrg: (orgCode) => cached.listRolesOnOrg(orgCode),
    listRolesByOrg: () => cached.listRolesByOrg(),
    saveGrant: (grant, change) => cached.saveGrant(grant, change),
    deleteGrant: (userId, role, orgCode, change) =>
      cached.deleteGrant(userId, role, orgCode, change),
    listRoleChanges: (orgCode, limit) => cached.listRoleChanges(orgCode, limit),
  };
}
