import { randomUUID } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Role, RoleChange, RoleGrant, RoleStore } from '../domain/access/roles';
import { assertValidKey } from './keys';
import { prefixFilter, readRow, readRows, readText, type StoredRow } from './read-rows';
import { statusOf, translateStorageError } from './storage-errors';

/** Table of role grants, indexed by user and by organisation; see KEYS.md. */
export const ROLES_TABLE = 'Roles';

// Change records share the partitions of the grants (so a grant and its record are one
// transaction) under RowKeys that sort after every grant's ("<role>|…" is lower-case letters):
// grant reads stop at '~' and never read the history.
const CHANGE_PREFIX = '~change|';
const GRANTS_ONLY = odata`RowKey lt ${'~'}`;

/** Azure Tables implementation of RoleStore. */
export class RoleTable implements RoleStore {
  constructor(private readonly table: TableClient) {}

  async listRolesOfUser(userId: string): Promise<RoleGrant[]> {
    // Entra object ids are GUIDs; Teams sends them lower-case, people may paste them upper-case.
    const partitionKey = `user|${assertValidKey(userId.toLowerCase(), 'user id')}`;
    return (
      await readRows(this.table, `${odata`PartitionKey eq ${partitionKey}`} and ${GRANTS_ONLY}`)
    ).map(toGrant);
  }

  async listRolesOnOrg(orgCode: string): Promise<RoleGrant[]> {
    const partitionKey = `org|${assertValidKey(orgCode, 'ODS code')}`;
    return (
      await readRows(this.table, `${odata`PartitionKey eq ${partitionKey}`} and ${GRANTS_ONLY}`)
    ).map(toGrant);
  }

  async listRolesByOrg(): Promise<Map<string, RoleGrant[]>> {
    const byOrg = new Map<string, RoleGrant[]>();
    // The organisation index is one key range ("org|…"): a read of the index, not of the users'.
    for (const row of await readRows(
      this.table,
      `${odata`PartitionKey ge ${'org|'} and PartitionKey lt ${'org|~'}`} and ${GRANTS_ONLY}`,
    )) {
      const grant = toGrant(row);
      const list = byOrg.get(grant.orgCode) ?? [];
      list.push(grant);
      byOrg.set(grant.orgCode, list);
    }
    return byOrg;
  }

  async saveGrant(input: RoleGrant, change?: RoleChange): Promise<void> {
    const grant = { ...input, userId: input.userId.toLowerCase() };
    const fields = {
      userId: grant.userId,
      role: grant.role,
      orgCode: grant.orgCode,
      grantedBy: grant.grantedBy,
      ...(grant.grantedByName ? { grantedByName: grant.grantedByName } : {}),
      grantedAt: grant.grantedAt,
    };
    const orgKey = `org|${assertValidKey(grant.orgCode, 'ODS code')}`;
    const userKey = `user|${assertValidKey(grant.userId, 'user id')}`;
    const record = change ? changeRows(change) : undefined;
    // Two index rows in two partitions (no transaction spans them). The organisation's row is
    // written first and removed last, so a half-done grant never lets anyone in: access checks
    // read the user's row. The change is recorded with each: in the organisation's partition as
    // pending (shown only once the person's partition has it too), and in the person's partition
    // in the same transaction as their grant row, so the grant never takes effect unrecorded.
    await this.submit([
      [
        'upsert',
        { partitionKey: orgKey, rowKey: `${grant.role}|${grant.userId}`, ...fields },
        'Replace',
      ],
      ...(record ? [record.pending] : []),
    ]);
    await this.submit([
      [
        'upsert',
        { partitionKey: userKey, rowKey: `${grant.role}|${grant.orgCode}`, ...fields },
        'Replace',
      ],
      ...(record ? [record.personal] : []),
    ]);
    if (record) await this.submit([record.confirmed]);
  }

  async deleteGrant(
    anyCaseUserId: string,
    role: Role,
    orgCode: string,
    change?: RoleChange,
  ): Promise<boolean> {
    const userId = anyCaseUserId.toLowerCase();
    const userKey = `user|${assertValidKey(userId, 'user id')}`;
    const orgKey = `org|${assertValidKey(orgCode, 'ODS code')}`;
    const record = change ? changeRows({ ...change, userId }) : undefined;
    if (record) await this.submit([record.pending]);
    let existed = true;
    try {
      // The person's grant row goes with the record of its revocation, in one transaction: a
      // revocation that did not happen (404) records nothing.
      await this.table.submitTransaction([
        ['delete', { partitionKey: userKey, rowKey: `${role}|${orgCode}` }],
        ...(record ? [record.personal] : []),
      ]);
    } catch (error) {
      if (statusOf(error) !== 404) throw translateStorageError(error);
      existed = false;
    }
    if (record)
      await this.submit([
        existed
          ? record.confirmed
          : [
              'delete',
              { partitionKey: record.pending[1].partitionKey, rowKey: record.pending[1].rowKey },
            ],
      ]);
    await this.deleteRow(orgKey, `${role}|${userId}`);
    return existed;
  }

  async listRoleChanges(orgCode: string, limit: number): Promise<RoleChange[]> {
    const partitionKey = `org|${assertValidKey(orgCode, 'ODS code')}`;
    const rows = (await readRows(this.table, prefixFilter(partitionKey, CHANGE_PREFIX))).sort(
      (a, b) => String(b.rowKey).localeCompare(String(a.rowKey)),
    );
    const shown: RoleChange[] = [];
    for (const row of rows) {
      if (shown.length >= limit) break;
      // A pending record is one whose writer stopped (or is still) between the two partitions:
      // it happened only if the person's partition holds it.
      if (row['pending'] === true) {
        const userId = readText(row, 'userId') ?? '';
        const personal = await readRow(this.table, `user|${userId}`, String(row.rowKey));
        if (!personal) continue;
      }
      shown.push(toChange(row));
    }
    return shown;
  }

  private async submit(actions: TransactionAction[]): Promise<void> {
    try {
      await this.table.submitTransaction(actions);
    } catch (error) {
      throw translateStorageError(error);
    }
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

type Upsert = [
  'upsert',
  { partitionKey: string; rowKey: string; [column: string]: unknown },
  'Merge' | 'Replace',
];

/**
 * The rows recording one change: the organisation's (written pending, then confirmed) and the
 * person's, under the same RowKey (time, then a random id, so two changes in one millisecond
 * both stay). Neither key holds the granter, so erasing them rewrites the rows; the person's
 * own partition is theirs and is deleted with them.
 */
function changeRows(change: RoleChange): { pending: Upsert; personal: Upsert; confirmed: Upsert } {
  const rowKey = `${CHANGE_PREFIX}${change.at}|${randomUUID()}`;
  const fields = {
    action: change.action,
    userId: change.userId.toLowerCase(),
    ...(change.userName ? { userName: change.userName } : {}),
    role: change.role,
    orgCode: change.orgCode,
    by: change.by,
    ...(change.byName ? { byName: change.byName } : {}),
    at: change.at,
  };
  const orgKey = `org|${assertValidKey(change.orgCode, 'ODS code')}`;
  return {
    pending: ['upsert', { partitionKey: orgKey, rowKey, ...fields, pending: true }, 'Replace'],
    personal: [
      'upsert',
      { partitionKey: `user|${assertValidKey(fields.userId, 'user id')}`, rowKey, ...fields },
      'Replace',
    ],
    confirmed: ['upsert', { partitionKey: orgKey, rowKey, pending: false }, 'Merge'],
  };
}

function toGrant(row: StoredRow): RoleGrant {
  const grantedByName = readText(row, 'grantedByName');
  return {
    userId: readText(row, 'userId') ?? '',
    role: readText(row, 'role') as Role,
    orgCode: readText(row, 'orgCode') ?? '',
    grantedBy: readText(row, 'grantedBy') ?? '',
    ...(grantedByName ? { grantedByName } : {}),
    grantedAt: readText(row, 'grantedAt') ?? '',
  };
}

function toChange(row: StoredRow): RoleChange {
  const userName = readText(row, 'userName');
  const byName = readText(row, 'byName');
  return {
    action: readText(row, 'action') === 'revoked' ? 'revoked' : 'granted',
    userId: readText(row, 'userId') ?? '',
    ...(userName ? { userName } : {}),
    role: readText(row, 'role') as Role,
    orgCode: readText(row, 'orgCode') ?? '',
    by: readText(row, 'by') ?? '',
    ...(byName ? { byName } : {}),
    at: readText(row, 'at') ?? '',
  };
}
