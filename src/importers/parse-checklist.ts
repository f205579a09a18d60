import {
  ACTION_LEVELS,
  type ActionLevel,
  type Area,
  type Checklist,
  type ChecklistAction,
} from '../domain/checklists/checklists';
import { findKeyProblem } from '../domain/shared/validate-code';
import { throwIfProblems, type ImportProblem } from './import-errors';
import { isIsoDate } from '../domain/shared/uk-dates';
import { checkCsvHeader, readCsvRows } from './read-csv-rows';

/** The format (worked out from the first character by default) and what the file may not say. */
export interface ParseChecklistOptions {
  format?: 'json' | 'csv';
  /** Used when the file does not say (a bare list of actions, or CSV); the file wins otherwise. */
  id?: string;
  version?: number;
  title?: string;
}

const WHAT = 'checklist file';
const MAX_TITLE = 200;
const MAX_ID = 40;
const ACTION_ID = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
const CHECKLIST_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CSV_COLUMNS = ['id', 'level', 'area', 'title', 'detail', 'due', 'source', 'confidence'];
const REQUIRED_CSV_COLUMNS = ['id', 'level', 'area', 'title'];

/** One action as found in the file, before checking. */
interface RawAction {
  /** Line (CSV) or property path prefix (JSON) for messages. */
  line?: number;
  path?: string;
  fields: Record<string, unknown>;
}

/**
 * Reads a checklist from JSON (a list of actions, or `{id, version, title, actions}`) or CSV
 * (header `id,level,area,title,detail,due,source,confidence`), normalising levels and areas.
 * Throws one ImportError listing every problem.
 */
export function parseChecklist(text: string, options: ParseChecklistOptions = {}): Checklist {
  const format = options.format ?? detectFormat(text);
  const problems: ImportProblem[] = [];
  const read = format === 'json' ? readJson(text, problems) : readCsv(text, problems);
  // The file's own id, version and title win; options only fill gaps (a bare list, or CSV).
  const id = read.meta.id ?? options.id;
  const version = read.meta.version ?? options.version;
  const title = read.meta.title?.trim() ?? options.title?.trim();
  checkMeta(id, version, title, problems);

  const actions: ChecklistAction[] = [];
  const seen = new Map<string, string>();
  for (const raw of read.actions) {
    const action = checkAction(raw, problems);
    if (!action) continue;
    const first = seen.get(action.id);
    if (first !== undefined) {
      problems.push({
        ...locate(raw, 'id'),
        message: `action id ${action.id} is used twice (first ${first}) — ids must be unique`,
      });
      continue;
    }
    seen.set(action.id, raw.line === undefined ? `at ${raw.path}` : `on line ${raw.line}`);
    actions.push(action);
  }
  if (read.actions.length === 0 && problems.length === 0) {
    problems.push({ message: 'the checklist has no actions' });
  }
  throwIfProblems(WHAT, problems);
  // checkMeta has refused a missing id, version or title, so these fallbacks never apply.
  return { id: id ?? '', version: version ?? 1, title: title ?? '', actions };
}

function detectFormat(text: string): 'json' | 'csv' {
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

interface ReadResult {
  meta: { id?: string; version?: number; title?: string };
  actions: RawAction[];
}

function readJson(text: string, problems: ImportProblem[]): ReadResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error: unknown) {
    const detail = error instanceof Error ? error.message : String(error);
    problems.push({ message: `the file is not valid JSON (${detail})` });
    return { meta: {}, actions: [] };
  }
  if (Array.isArray(parsed)) return { meta: {}, actions: toRawActions(parsed, '', problems) };
  if (typeof parsed !== 'object' || parsed === null) {
    problems.push({
      message: 'expected a list of actions or a checklist object at the top of the file',
    });
    return { meta: {}, actions: [] };
  }
  const record = parsed as Record<string, unknown>;
  const meta: ReadResult['meta'] = {};
  if (record['id'] !== undefined) {
    if (typeof record['id'] === 'string') meta.id = record['id'];
    else problems.push({ field: 'id', message: 'the checklist id must be text' });
  }
  if (record['version'] !== undefined) {
    if (typeof record['version'] === 'number') meta.version = record['version'];
    else problems.push({ field: 'version', message: 'the checklist version must be a number' });
  }
  if (record['title'] !== undefined) {
    if (typeof record['title'] === 'string') meta.title = record['title'];
    else problems.push({ field: 'title', message: 'the checklist title must be text' });
  }
  if (!Array.isArray(record['actions'])) {
    problems.push({ field: 'actions', message: 'the checklist has no "actions" list' });
    return { meta, actions: [] };
  }
  return { meta, actions: toRawActions(record['actions'], 'actions', problems) };
}

function toRawActions(items: unknown[], prefix: string, problems: ImportProblem[]): RawAction[] {
  const actions: RawAction[] = [];
  items.forEach((item, index) => {
    const path = `${prefix}[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ field: path, message: 'each action must be an object' });
      return;
    }
    actions.push({ path, fields: item as Record<string, unknown> });
  });
  return actions;
}

function readCsv(text: string, problems: ImportProblem[]): ReadResult {
  const csv = readCsvRows(text);
  problems.push(...csv.problems);
  const [header, ...data] = csv.rows;
  if (!header) return { meta: {}, actions: [] };
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const headerProblem = checkCsvHeader(header, names, {
    required: REQUIRED_CSV_COLUMNS,
    known: CSV_COLUMNS,
  });
  if (headerProblem) {
    problems.push(headerProblem);
    return { meta: {}, actions: [] };
  }
  const actions: RawAction[] = [];
  for (const { line, fields } of data) {
    if (fields.length !== names.length) {
      problems.push({
        line,
        message: `expected ${names.length} columns, as in the header, but found ${fields.length} — text with commas must be in double quotes`,
      });
      continue;
    }
    const record: Record<string, unknown> = {};
    names.forEach((name, index) => (record[name] = fields[index] ?? ''));
    actions.push({ line, fields: record });
  }
  return { meta: {}, actions };
}

function checkMeta(
  id: string | undefined,
  version: number | undefined,
  title: string | undefined,
  problems: ImportProblem[],
): void {
  if (id === undefined) {
    problems.push({
      field: 'id',
      message: 'the checklist has no id — give one, such as recovering-access-2023',
    });
  } else if (!CHECKLIST_ID.test(id) || id.length > MAX_ID) {
    problems.push({
      field: 'id',
      message: `checklist id ${JSON.stringify(id)} must be lower-case letters, digits and dashes (at most ${MAX_ID}), such as recovering-access-2023`,
    });
  }
  if (version === undefined) {
    problems.push({
      field: 'version',
      message: 'the checklist has no version — give one, such as 1',
    });
  } else if (!Number.isInteger(version) || version < 1) {
    problems.push({
      field: 'version',
      message: `version ${version} must be a whole number from 1`,
    });
  }
  if (title === undefined || title.trim() === '') {
    problems.push({ field: 'title', message: 'the checklist has no title' });
  }
}

function locate(raw: RawAction, field: string): Pick<ImportProblem, 'line' | 'field'> {
  return raw.line === undefined ? { field: `${raw.path}.${field}` } : { line: raw.line, field };
}

function checkAction(raw: RawAction, problems: ImportProblem[]): ChecklistAction | undefined {
  const before = problems.length;
  const fail = (field: string, message: string): void => {
    problems.push({ ...locate(raw, field), message });
  };
  const text = (field: string, required: boolean): string => {
    const value = raw.fields[field];
    if (value === undefined || value === null) {
      if (required) fail(field, `${field} is missing`);
      return '';
    }
    if (typeof value !== 'string') {
      fail(field, `${field} must be text`);
      return '';
    }
    return value;
  };
  if (raw.line === undefined) {
    for (const key of Object.keys(raw.fields)) {
      if (!CSV_COLUMNS.includes(key)) {
        fail(key, `unknown property "${key}" (expected ${CSV_COLUMNS.join(', ')})`);
      }
    }
  }

  const id = text('id', true).trim();
  const keyProblem = findKeyProblem(id);
  if (keyProblem) fail('id', `action id ${JSON.stringify(id)} ${keyProblem}`);
  else if (!ACTION_ID.test(id) || id.length > MAX_ID) {
    fail(
      'id',
      `action id ${JSON.stringify(id)} must be letters and digits in dash-separated parts, such as ICB-01 (at most ${MAX_ID} characters)`,
    );
  }
  const subject = id ? `${id}: ` : '';

  const rawLevel = text('level', true);
  const level = parseLevel(rawLevel);
  if (level === undefined && rawLevel !== '') {
    fail(
      'level',
      `${subject}unknown level ${JSON.stringify(rawLevel)} (expected region, ICB, PCN or practice)`,
    );
  }
  const area = parseArea(raw.fields['area']);
  if (area === undefined) {
    fail(
      'area',
      `${subject}unknown area ${JSON.stringify(raw.fields['area'])} (expected 1, 2, 3, 4 or cross-cutting)`,
    );
  }
  const title = text('title', true).trim();
  if (title === '') fail('title', `${subject}the title is empty`);
  else if (title.length > MAX_TITLE) {
    fail(
      'title',
      `${subject}the title is ${title.length} characters; keep it to ${MAX_TITLE} (put the rest in detail)`,
    );
  }
  const detail = text('detail', false).trim();
  const dueValue = raw.fields['due'];
  const due = dueValue === null || dueValue === undefined ? '' : text('due', false).trim();
  if (due !== '' && !isIsoDate(due)) {
    fail('due', `${subject}${JSON.stringify(due)} is not a real date written YYYY-MM-DD`);
  }
  // Shown to users as evidence, so kept exactly as written.
  const source = text('source', false);
  const confidence = text('confidence', false);

  if (problems.length > before || level === undefined || area === undefined) return undefined;
  const action: ChecklistAction = { id, level, area, title, detail, source, confidence };
  if (due !== '') action.due = due;
  return action;
}

function parseLevel(value: string): ActionLevel | undefined {
  const level = value.trim().toLowerCase();
  return (ACTION_LEVELS as readonly string[]).includes(level) ? (level as ActionLevel) : undefined;
}

// Areas are numbers in JSON and text in CSV; no area at all means the action is cross-cutting.
function parseArea(value: unknown): Area | undefined {
  if (value === null || value === undefined) return 'cross-cutting';
  const text = String(value).trim().toLowerCase();
  if (text === '' || text === 'cross-cutting') return 'cross-cutting';
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const area = Number(text);
  return area === 1 || area === 2 || area === 3 || area === 4 ? area : undefined;
}
