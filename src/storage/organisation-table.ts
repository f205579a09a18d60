import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import {
  ROOT_PARENT,
  type OrgChild,
  type OrgLevel,
  type Organisation,
  type OrganisationStore,
} from '../domain/access/organisations';
import { assertValidKey } from './keys';
import { partitionFilter, readRow, readRows, readText, type StoredRow } from './read-rows';
import { groupByPartition, runWithLimit, submitInBatches } from './run-batches';
import { translateStorageError } from './storage-errors';

/** Table of organisations and the parent → children index; see KEYS.md. */
export const ORGANISATIONS_TABLE = 'Organisations';

const ORG_ROW = 'org';
const ALL_PARTITION_FROM = 'org|';

/** Azure Tables implementation of OrganisationStore. */
export class OrganisationTable implements OrganisationStore {
  constructor(private readonly table: TableClient) {}

  async getOrganisation(code: string): Promise<Organisation | undefined> {
    const row = await readRow(this.table, `org|${assertValidKey(code, 'ODS code')}`, ORG_ROW);
    return row ? toOrganisation(row) : undefined;
  }

  async listChildren(parentCode: string): Promise<OrgChild[]> {
    const rows = await readRows(
      this.table,
      partitionFilter(`children|${assertValidKey(parentCode, 'ODS code')}`),
    );
    return rows.map((row) => ({
      code: row.rowKey ?? '',
      name: readText(row, 'name') ?? '',
      level: readText(row, 'level') as OrgLevel,
      open: row['open'] === true,
    }));
  }

  async listAll(): Promise<Organisation[]> {
    // Every organisation row lives in its own "org|<code>" partition: a PartitionKey range read.
    const rows = await readRows(
      this.table,
      odata`PartitionKey ge ${ALL_PARTITION_FROM} and PartitionKey lt ${'org|~'} and RowKey eq ${ORG_ROW}`,
    );
    return rows.map(toOrganisation);
  }

  async saveOrganisations(
    orgs: readonly Organisation[],
    onProgress?: (done: number) => void,
  ): Promise<void> {
    const childRows = orgs.map((org) => ({
      partitionKey: `children|${assertValidKey(org.parentCode ?? ROOT_PARENT, 'parent code')}`,
      rowKey: assertValidKey(org.code, 'ODS code'),
      name: org.name,
      level: org.level,
      open: org.open,
    }));
    // The child index goes first: if the process stops half way, a rerun of the (idempotent)
    // import completes it, and no organisation is ever listed under a parent it does not have.
    const byParent = groupByPartition(childRows);
    await runWithLimit([...byParent.values()], 8, (rows) =>
      submitInBatches(
        this.table,
        rows.map((row): TransactionAction => ['upsert', row, 'Replace']),
      ),
    );
    let done = 0;
    await runWithLimit(orgs, 16, async (org) => {
      try {
        await this.table.upsertEntity(toRow(org), 'Replace');
      } catch (error) {
        throw translateStorageError(error);
      }
      done += 1;
      if (done % 500 === 0 || done === orgs.length) onProgress?.(done);
    });
  }

  /** Moves an organisation's child-index row when its parent changes (imports call this). */
  async removeFromParent(code: string, oldParentCode: string | undefined): Promise<void> {
    try {
      await this.table.deleteEntity(`children|${oldParentCode ?? ROOT_PARENT}`, code);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw translateStorageError(error);
    }
  }
}

function toRow(
  org: Organisation,
): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const row: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: `org|${org.code}`,
    rowKey: ORG_ROW,
    code: org.code,
    name: org.name,
    level: org.level,
    open: org.open,
  };
  if (org.parentCode) row['parentCode'] = org.parentCode;
  if (org.icbCode) row['icbCode'] = org.icbCode;
  if (org.regionCode) row['regionCode'] = org.regionCode;
  return row;
}

function toOrganisation(row: StoredRow): Organisation {
  const org: Organisation = {
    code: readText(row, 'code') ?? '',
    name: readText(row, 'name') ?? '',
    level: readText(row, 'level') as OrgLevel,
    open: row['open'] === true,
  };
  const parentCode = readText(row, 'parentCode');
  const icbCode = readText(row, 'icbCode');
  const regionCode = readText(row, 'regionCode');
  if (parentCode) org.parentCode = parentCode;
  if (icbCode) org.icbCode = icbCode;
  if (regionCode) org.regionCode = regionCode;
  return org;
}
