import { odata, type TableClient } from '@azure/data-tables';
import type { ChannelLink, LinkPurpose, LinkStore } from '../domain/channels/channel-links';
import { assertValidKey, encodeKey } from './keys';
import { partitionFilter, readRow, readRows, readText, type StoredRow } from './read-rows';
import { translateStorageError } from './storage-errors';

/** Table of channel links, indexed by team and by organisation; see KEYS.md. */
export const LINKS_TABLE = 'Links';

/** Azure Tables implementation of LinkStore. */
export class LinkTable implements LinkStore {
  constructor(private readonly table: TableClient) {}

  async saveLink(link: ChannelLink): Promise<void> {
    const previous = await this.findLinkOfChannel(link.teamId, link.channelId);
    const fields = toFields(link);
    try {
      // Two rows in two partitions (no transaction spans them). The organisation's row is
      // written first, then the channel's (the record of what the channel is linked to), and a
      // previous organisation's row is retired last: a stop half-way leaves at worst a stale
      // organisation row, which readers by organisation check against the channel's row.
      await this.table.upsertEntity(
        { partitionKey: orgPartition(link.orgCode), rowKey: orgRowKey(link), ...fields },
        'Replace',
      );
      await this.table.upsertEntity(
        {
          partitionKey: teamPartition(link.teamId),
          rowKey: encodeKey(link.channelId),
          ...fields,
        },
        'Replace',
      );
      if (
        previous &&
        (previous.orgCode !== link.orgCode || previous.purpose !== link.purpose || !link.active)
      ) {
        const retired = { ...previous, active: false };
        await this.table.upsertEntity(
          {
            partitionKey: orgPartition(previous.orgCode),
            rowKey: orgRowKey(previous),
            ...toFields(retired),
          },
          'Replace',
        );
      }
    } catch (error) {
      throw translateStorageError(error);
    }
  }

  async findLinkOfChannel(teamId: string, channelId: string): Promise<ChannelLink | undefined> {
    const row = await readRow(this.table, teamPartition(teamId), encodeKey(channelId));
    return row ? toLink(row) : undefined;
  }

  async listLinksOfTeam(teamId: string): Promise<ChannelLink[]> {
    return (await readRows(this.table, partitionFilter(teamPartition(teamId)))).map(toLink);
  }

  async listLinksOfOrg(orgCode: string): Promise<ChannelLink[]> {
    const rows = (await readRows(this.table, partitionFilter(orgPartition(orgCode)))).map(toLink);
    return this.keepConfirmed(rows.filter((l) => l.active));
  }

  async listAllLinks(): Promise<ChannelLink[]> {
    const rows = await readRows(
      this.table,
      odata`PartitionKey ge ${'org|'} and PartitionKey lt ${'org|~'} and active eq true`,
    );
    return this.keepConfirmed(rows.map(toLink));
  }

  /** Drops organisation rows the channel's own row no longer agrees with (a relink stopped half-way). */
  private async keepConfirmed(links: ChannelLink[]): Promise<ChannelLink[]> {
    const confirmed = await Promise.all(
      links.map(async (link) => {
        const own = await this.findLinkOfChannel(link.teamId, link.channelId);
        return own?.active && own.orgCode === link.orgCode && own.purpose === link.purpose;
      }),
    );
    return links.filter((_, i) => confirmed[i]);
  }
}

function orgPartition(orgCode: string): string {
  return `org|${assertValidKey(orgCode, 'ODS code')}`;
}

function teamPartition(teamId: string): string {
  return `team|${encodeKey(teamId)}`;
}

function orgRowKey(link: ChannelLink): string {
  return `${link.purpose}|${encodeKey(link.teamId)}|${encodeKey(link.channelId)}`;
}

function toFields(link: ChannelLink): Record<string, unknown> {
  return {
    orgCode: link.orgCode,
    purpose: link.purpose,
    teamId: link.teamId,
    channelId: link.channelId,
    linkedBy: link.linkedBy,
    linkedAt: link.linkedAt,
    active: link.active,
    postings: link.postings ?? 0,
    // JSON, so an erasure that finds an id in it replaces it there like anywhere else.
    ...(link.mentionIds?.length ? { mentions: JSON.stringify(link.mentionIds) } : {}),
  };
}

/** The ids in a link's `mentions` column (a JSON array of strings); none when absent or unreadable. */
function readMentionIds(row: StoredRow): string[] {
  const text = readText(row, 'mentions');
  if (!text) return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return []; // written by us as JSON; anything else mentions nobody, the safe default
  }
}

function toLink(row: StoredRow): ChannelLink {
  return {
    orgCode: readText(row, 'orgCode') ?? '',
    purpose: (readText(row, 'purpose') ?? 'checklist') as LinkPurpose,
    teamId: readText(row, 'teamId') ?? '',
    channelId: readText(row, 'channelId') ?? '',
    linkedBy: readText(row, 'linkedBy') ?? '',
    linkedAt: readText(row, 'linkedAt') ?? '',
    active: row['active'] === true,
    ...(Number(row['postings'] ?? 0) > 0 ? { postings: Number(row['postings']) } : {}),
    ...(readMentionIds(row).length > 0 ? { mentionIds: readMentionIds(row) } : {}),
  };
}
