import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Checklist, ChecklistAction, ChecklistStore } from '../domain/checklists/checklists';
import { ConflictError } from '../domain/shared/errors';
import { assertValidKey } from './keys';
import { partitionFilter, readRows, readArea, readText, type StoredRow } from './read-rows';
import { submitInBatches } from './run-batches';

/** Table of checklist versions; see KEYS.md. */
export const CHECKLISTS_TABLE = 'Checklists';

/** Azure Tables implementation of ChecklistStore: one partition per checklist version. */
export class ChecklistTable implements ChecklistStore {
  constructor(private readonly table: TableClient) {}

  async getChecklist(id: string, version?: number): Promise<Checklist | undefined> {
    const wanted = version ?? (await this.findLatestVersion(id));
    if (wanted === undefined) return undefined;
    const rows = await readRows(this.table, partitionFilter(partitionOf(id, wanted)));
    const header = rows.find((r) => r.rowKey === 'header');
    if (!header) return undefined;
    const order = JSON.parse(readText(header, 'order') ?? '[]') as string[];
    const byId = new Map(
      rows
        .filter((r) => r.rowKey?.startsWith('action|'))
        .map((r) => [readText(r, 'id'), toAction(r)]),
    );
    return {
      id,
      version: wanted,
      title: readText(header, 'title') ?? '',
      actions: order
        .map((actionId) => byId.get(actionId))
        .filter((a): a is ChecklistAction => a !== undefined),
    };
  }

  async saveChecklist(checklist: Checklist): Promise<'created' | 'unchanged'> {
    const existing = await this.getChecklist(checklist.id, checklist.version);
    if (existing) {
      if (JSON.stringify(existing) === JSON.stringify(normalise(checklist))) return 'unchanged';
      throw new ConflictError(
        `Checklist ${checklist.id} version ${checklist.version} already exists with different content. Give the new content a new version number.`,
      );
    }
    const pk = partitionOf(checklist.id, checklist.version);
    const actions: TransactionAction[] = checklist.actions.map((a) => ['create', actionRow(pk, a)]);
    // The header goes last: a version without its header is invisible, so a half-written
    // checklist (possible only beyond 99 actions) is never read.
    actions.push([
      'create',
      {
        partitionKey: pk,
        rowKey: 'header',
        title: checklist.title,
        order: JSON.stringify(checklist.actions.map((a) => a.id)),
      },
    ]);
    await submitInBatches(this.table, actions);
    await this.table.upsertEntity(
      {
        partitionKey: `versions|${checklist.id}`,
        rowKey: String(checklist.version).padStart(6, '0'),
      },
      'Replace',
    );
    return 'created';
  }

  private async findLatestVersion(id: string): Promise<number | undefined> {
    const rows = await readRows(
      this.table,
      partitionFilter(`versions|${assertValidKey(id, 'checklist id')}`),
      ['RowKey'],
    );
    const versions = rows.map((r) => Number(r.rowKey)).filter((v) => Number.isFinite(v));
    return versions.length > 0 ? Math.max(...versions) : undefined;
  }
}

function partitionOf(id: string, version: number): string {
  return `${assertValidKey(id, 'checklist id')}|v${String(version).padStart(6, '0')}`;
}

function normalise(checklist: Checklist): Checklist {
  return {
    id: checklist.id,
    version: checklist.version,
    title: checklist.title,
    actions: checklist.actions.map((a) => toAction(actionRow('', a))),
  };
}

function actionRow(
  partitionKey: string,
  action: ChecklistAction,
): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const row: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey,
    rowKey: `action|${assertValidKey(action.id, 'action id')}`,
    id: action.id,
    level: action.level,
    area: String(action.area),
    title: action.title,
    detail: action.detail,
    source: action.source,
    confidence: action.confidence,
  };
  if (action.due) row['due'] = action.due;
  return row;
}

function toAction(row: StoredRow): ChecklistAction {
  const action: ChecklistAction = {
    id: readText(row, 'id') ?? '',
    level: readText(row, 'level') as ChecklistAction['level'],
    area: readArea(row),
    title: readText(row, 'title') ?? '',
    detail: readText(row, 'detail') ?? '',
    source: readText(row, 'source') ?? '',
    confidence: readText(row, 'confidence') ?? '',
  };
  const due = readText(row, 'due');
  if (due) action.due = due;
  return action;
}
