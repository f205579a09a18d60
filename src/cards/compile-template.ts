import * as ACData from 'adaptivecards-templating';

// A checklist card is a dozen rows, and a press changes one of them: expanding all of them again
// on every press was most of a press's CPU (the expression parser runs on every expansion). So a
// template's innermost repeated element (a `$data: "${rows}"` node with no repeat inside it) is
// expanded once per row object and remembered for as long as that object lives; the card builder
// hands back the same object for a row that has not changed (card-views.ts), and the rest of the
// card (title, summary, section headings) is expanded as before around markers for the rows.

/** One repeated element expanded row by row: where its rows are in the data, and their cache. */
interface RowNode {
  /** Names of the `$data` bindings from the root to this node, e.g. ['sections', 'rows']. */
  path: readonly string[];
  template: ACData.Template;
  /** Expanded rows (frozen) with their size as JSON, by row object. */
  expanded: WeakMap<object, { json: unknown; chars: number }>;
}

/** A template ready to expand: the card around its repeated rows, and each repeated row's template. */
export interface CompiledTemplate {
  shell: ACData.Template;
  rows: readonly RowNode[];
}

/** Data key and marker property that stand for one expanded row while the shell is expanded. */
const MARKER = '__row';

const SIMPLE_BINDING = /^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$/;

// A row that looks outside itself ($root, $index, $host) depends on more than its own object.
const OUTSIDE_LOOKUP = /\$(root|index|host|_)/;

/** Parses a card template once, splitting out the repeated rows that can be expanded one by one. */
export function compileTemplate(json: unknown): CompiledTemplate {
  const rows: RowNode[] = [];
  const shell = splitRows(json, [], rows);
  return { shell: new ACData.Template(shell), rows };
}

function splitRows(node: unknown, path: readonly string[], rows: RowNode[]): unknown {
  if (Array.isArray(node)) return node.map((n) => splitRows(n, path, rows));
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  const binding = typeof record['$data'] === 'string' ? SIMPLE_BINDING.exec(record['$data']) : null;
  if (record['$data'] !== undefined && !binding) return node; // a computed binding: leave it whole
  const here = binding ? [...path, binding[1] as string] : path;
  if (binding && record['$when'] === undefined && isLeafRow(record)) {
    const { $data: _binding, ...row } = record;
    rows.push({ path: here, template: new ACData.Template(row), expanded: new WeakMap() });
    return { $data: record['$data'], [MARKER]: `\${${MARKER}}` };
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, splitRows(v, here, rows)]));
}

function isLeafRow(row: Record<string, unknown>): boolean {
  const { $data: _binding, ...rest } = row;
  const text = JSON.stringify(rest);
  return !text.includes('"$data"') && !OUTSIDE_LOOKUP.test(text);
}

/** Expands a compiled template, reusing rows already expanded; returns the card and its length as JSON. */
export function expandCompiled(
  compiled: CompiledTemplate,
  data: object,
): { card: Record<string, unknown>; chars: number } {
  const found: { json: unknown; chars: number }[] = [];
  let shellData: unknown = data;
  for (const row of compiled.rows) shellData = markRows(shellData, row, 0, found);
  const shell = compiled.shell.expand({ $root: shellData }) as Record<string, unknown>;
  if (found.length === 0) return { card: shell, chars: JSON.stringify(shell).length };
  let chars = JSON.stringify(shell).length;
  const card = placeRows(shell, found, (marker, row) => {
    chars += row.chars - JSON.stringify(marker).length;
  }) as Record<string, unknown>;
  return { card, chars };
}

// Copies the data along the row node's path (never changing the caller's objects), putting a
// marker with the index of each row's expansion in place of the row.
function markRows(
  value: unknown,
  node: RowNode,
  depth: number,
  found: { json: unknown; chars: number }[],
): unknown {
  if (Array.isArray(value)) return value.map((v) => markRows(v, node, depth, found));
  if (depth === node.path.length) return { [MARKER]: found.push(expandRow(node, value)) - 1 };
  if (value === null || typeof value !== 'object') return value;
  const key = node.path[depth] as string;
  const record = value as Record<string, unknown>;
  if (!(key in record)) return value;
  return { ...record, [key]: markRows(record[key], node, depth + 1, found) };
}

function expandRow(node: RowNode, row: unknown): { json: unknown; chars: number } {
  const cacheable = row !== null && typeof row === 'object';
  const known = cacheable ? node.expanded.get(row) : undefined;
  if (known) return known;
  const json = deepFreeze(node.template.expand({ $root: row }));
  const expanded = { json, chars: JSON.stringify(json).length };
  if (cacheable) node.expanded.set(row, expanded);
  return expanded;
}

function placeRows(
  value: unknown,
  found: readonly { json: unknown; chars: number }[],
  onPlace: (marker: unknown, row: { json: unknown; chars: number }) => void,
): unknown {
  if (Array.isArray(value)) return value.map((v) => placeRows(v, found, onPlace));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const index = record[MARKER];
  if (index !== undefined && Object.keys(record).length === 1) {
    const row = found[Number(index)];
    if (row) {
      onPlace(value, row);
      return row.json;
    }
  }
  for (const [k, v] of Object.entries(record)) {
    if (v !== null && typeof v === 'object') record[k] = placeRows(v, found, onPlace);
  }
  return record;
}

// Rows are shared between the cards that show them, so nobody may change one in place.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
