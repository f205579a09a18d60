import type { TableClient } from '@azure/data-tables';
import type {
  Campaign,
  CampaignScope,
  CampaignStatus,
  CampaignStore,
} from '../domain/checklists/campaigns';
import { assertValidKey } from './keys';
import { partitionFilter, readRow, readRows, readText, type StoredRow } from './read-rows';
import { translateStorageError } from './storage-errors';

/** Table of campaigns; see KEYS.md. */
export const CAMPAIGNS_TABLE = 'Campaigns';

const PARTITION = 'campaign';

/** Azure Tables implementation of CampaignStore: all campaigns in one small partition. */
export class CampaignTable implements CampaignStore {
  constructor(private readonly table: TableClient) {}

  async getCampaign(id: string): Promise<Campaign | undefined> {
    const row = await readRow(this.table, PARTITION, assertValidKey(id, 'campaign id'));
    return row ? toCampaign(row) : undefined;
  }

  async listCampaigns(): Promise<Campaign[]> {
    return (await readRows(this.table, partitionFilter(PARTITION))).map(toCampaign);
  }

  async saveCampaign(campaign: Campaign): Promise<void> {
    const row: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
      partitionKey: PARTITION,
      rowKey: assertValidKey(campaign.id, 'campaign id'),
      name: campaign.name,
      checklistId: campaign.checklistId,
      checklistVersion: campaign.checklistVersion,
      scope: JSON.stringify(campaign.scope),
      status: campaign.status,
      // Deadlines are small (one date per action); overrides are at most 42 ICBs × actions.
      deadlines: JSON.stringify(campaign.deadlines),
      icbOverrides: JSON.stringify(campaign.icbOverrides),
      createdAt: campaign.createdAt,
    };
    if (campaign.launchedAt) row['launchedAt'] = campaign.launchedAt;
    if (campaign.closedAt) row['closedAt'] = campaign.closedAt;
    try {
      await this.table.upsertEntity(row, 'Replace');
    } catch (error) {
      throw translateStorageError(error);
    }
  }
}

function toCampaign(row: StoredRow): Campaign {
  const campaign: Campaign = {
    id: row.rowKey ?? '',
    name: readText(row, 'name') ?? '',
    checklistId: readText(row, 'checklistId') ?? '',
    checklistVersion: Number(row['checklistVersion'] ?? 1),
    scope: JSON.parse(readText(row, 'scope') ?? '{"kind":"england"}') as CampaignScope,
    status: readText(row, 'status') as CampaignStatus,
    deadlines: JSON.parse(readText(row, 'deadlines') ?? '{}') as Record<string, string>,
    icbOverrides: JSON.parse(readText(row, 'icbOverrides') ?? '{}') as Record<
      string,
      Record<string, string>
    >,
    createdAt: readText(row, 'createdAt') ?? '',
  };
  const launchedAt = readText(row, 'launchedAt');
  const closedAt = readText(row, 'closedAt');
  if (launchedAt) campaign.launchedAt = launchedAt;
  if (closedAt) campaign.closedAt = closedAt;
  return campaign;
}
