import { odata, type TableClient } from '@azure/data-tables';
import type { Role, RoleGrant, RoleStore } from '../domain/access/roles';
import { assertValidKey } from './keys';
import { partitionFilter, readRows, readText, type StoredRow } from './read-rows';
import { translateStorageError } from './storage-errors';

/** Table of role grants, indexed by user and by organisation; see KEYS.md. */
export const ROLES_TABLE = 'Roles';

/** Azure Tables implementation of RoleStore. */
export class RoleTable implements RoleStore {
  constructor(private readonly table: TableClient) {}

  async listRolesOfUser(userId: string): Promise<RoleGrant[]> {
    // Entra object ids are GUIDs; Teams sends them lower-case, people may paste them upper-case.
    return (
      await readRows(
        this.table,
        partitionFilter(`user|${assertValidKey(userId.toLowerCase(), 'user id')}`),
      )
    ).map(toGrant);
  }

  async listRolesOnOrg(orgCode: string): Promise<RoleGrant[]> {
    return (
      await readRows(this.table, partitionFilter(`org|${assertValidKey(orgCode, 'ODS code')}`))
    ).map(toGrant);
  }

  async listRolesByOrg(): Promise<Map<string, RoleGrant[]>> {
    const byOrg = new Map<string, RoleGrant[]>();
    // The organisation index is one key range ("org|…"): a read of the index, not of the users'.
    for (const row of await readRows(
      this.table,
      odata`PartitionKey ge ${'org|'} and PartitionKey lt ${'org|~'}`,
    )) {
      const grant = toGrant(row);
      const list = byOrg.get(grant.orgCode) ?? [];
      list.push(grant);
      byOrg.set(grant.orgCode, list);
    }
    return byOrg;
  }

  async saveGrant(input: RoleGrant): Promise<void> {
    const grant = { ...input, userId: input.userId.toLowerCase() };
    const fields = {
      userId: grant.userId,
      role: grant.role,
      orgCode: grant.orgCode,
      grantedBy: grant.grantedBy,
      grantedAt: grant.grantedAt,
    };
    try {
      // Two index rows in two partitions (no transaction spans them). The organisation's row is
      // written first and removed last, so a half-done grant never lets anyone in: access checks
      // read the user's row.
      await this.table.upsertEntity(
        {
          partitionKey: `org|${assertValidKey(grant.orgCode, 'ODS code')}`,
          rowKey: `${grant.role}|${assertValidKey(grant.userId, 'user id')}`,
          ...fields,
        },
        'Replace',
      );
      await this.table.upsertEntity(
        {
          partitionKey: `user|${grant.userId}`,
          rowKey: `${grant.role}|${grant.orgCode}`,
          ...fields,
        },
        'Replace',
      );
    } catch (error) {
      throw translateStorageError(error);
    }
  }

  async deleteGrant(anyCaseUserId: string, role: Role, orgCode: string): Promise<boolean> {
    const userId = anyCaseUserId.toLowerCase();
    const existed = await this.deleteRow(
      `user|${assertValidKey(userId, 'user id')}`,
      `${role}|${assertValidKey(orgCode, 'ODS code')}`,
    );
    await this.deleteRow(`org|${orgCode}`, `${role}|${userId}`);
    return existed;
  }

  private async deleteRow(partitionKey: string, rowKey: string): Promise<boolean> {
    try {
      await this.table.deleteEntity(partitionKey, rowKey);
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw translateStorageError(error);
    }
  }
}

function toGrant(row: StoredRow): RoleGrant {
  return {
    userId: readText(row, 'userId') ?? '',
    role: readText(row, 'role') as Role,
    orgCode: readText(row, 'orgCode') ?? '',
    grantedBy: readText(row, 'grantedBy') ?? '',
    grantedAt: readText(row, 'grantedAt') ?? '',
  };
}
