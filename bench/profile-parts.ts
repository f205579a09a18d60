import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A span of the benchmark, on the monotonic clock V8's profiler also uses (microseconds). */
export interface Window {
  label: string;
  startUs: number;
  endUs: number;
  /** How many presses (or other units) the window did, to give CPU per unit. */
  units: number;
}

/** Now on the monotonic clock of `process.hrtime` (CLOCK_MONOTONIC), which V8's profile timestamps share on Linux. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1_000n);
}

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

// Who a frame belongs to, by its script: the first rule that matches names the part. Node's own
// modules and V8's natives belong to whoever called them, so they are skipped while looking up
// the stack (see partOfStack).
const OWNERS: [RegExp, string][] = [
  [
    /node_modules\/(restify|find-my-way|body-parser|raw-body|formidable|qs|negotiator|mime|send|spdy|restify-errors)\//,
    'HTTP server (restify)',
  ],
  [
    /node_modules\/(botbuilder|botframework-|jsonwebtoken|jws|jwa|jose|cross-fetch|node-fetch)/,
    'Bot Framework (turn, auth)',
  ],
  [/node_modules\/(@azure|@typespec|tslib|fast-xml-parser|uuid)\b/, 'Azure Table SDK'],
  [
    /node_modules\/(adaptivecards-templating|adaptive-expressions|antlr4ts)\//,
    'Card templating (library)',
  ],
  [
    /node_modules\/(pino|sonic-boom|fast-redact|quick-format-unescaped|thread-stream|pino-std-serializers)\//,
    'Logging',
  ],
  [/node_modules\/zod\//, 'Validation (zod)'],
  [/node_modules\/(lru-cache|p-limit|yocto-queue)\//, 'Caches and queues (libraries)'],
  [/node_modules\/luxon\//, 'Dates (luxon)'],
  [/node_modules\/@opentelemetry\//, 'Telemetry'],
  [/node_modules\//, 'Other libraries'],
  [/dist\/src\/(cards|domain\/cards)\//, 'Drawing cards (ours)'],
  [/dist\/src\/storage\//, 'Storage adapters (ours)'],
  [/dist\/src\/(bot|http)\//, 'Bot routes and HTTP (ours)'],
  [/dist\/src\/(proactive|domain\/outbox)\//, 'Outbox and copies (ours)'],
  [/dist\/src\/app\//, 'Caches, projector, wiring (ours)'],
  [/dist\/src\/logging\//, 'Logging'],
  [/dist\/src\/telemetry\//, 'Telemetry'],
  [/dist\/src\/domain\//, 'Domain (ours)'],
  [/dist\/src\//, 'Other (ours)'],
  [/floor-bot\.cjs$/, 'Floor bot'],
];

// What is left when no frame on the stack has an owner: work started by Node itself (a socket's
// data, a timer), named by the innermost Node module.
function partOfNodeWork(url: string): string {
  if (/^node:(_http|net|stream|internal\/(streams|stream_base|http|net|dns))/.test(url))
    return 'HTTP and sockets (Node)';
  return 'Node and V8 (other)';
}

function partOfStack(stack: CallFrame[]): string | undefined {
  const leaf = stack[0];
  if (!leaf) return undefined;
  if (leaf.functionName === '(idle)') return undefined;
  if (leaf.functionName === '(garbage collector)') return 'Garbage collection';
  if (leaf.functionName === '(program)') return 'Node and V8 (other)';
  for (const frame of stack) {
    if (!frame.url || frame.url.startsWith('node:')) continue;
    const owner = OWNERS.find(([pattern]) => pattern.test(frame.url));
    if (owner) return owner[1];
  }
  const nodeFrame = stack.find((frame) => frame.url.startsWith('node:'));
  return nodeFrame ? partOfNodeWork(nodeFrame.url) : 'Node and V8 (other)';
}

/** Reads a `.cpuprofile` and gives, for each window label, the CPU the profile saw in each part (ms) and in all (ms). */
export function attributeProfile(
  file: string,
  windows: readonly Window[],
): Map<string, { total: number; parts: Map<string, number> }> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const partOfNode = new Map<number, string | undefined>();
  const partOf = (id: number): string | undefined => {
    if (partOfNode.has(id)) return partOfNode.get(id);
    const stack: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at);
      if (node) stack.push(node.callFrame);
    }
    const part = partOfStack(stack);
    partOfNode.set(id, part);
    return part;
  };
  const result = new Map<string, { total: number; parts: Map<string, number> }>();
  for (const w of windows) result.set(w.label, { total: 0, parts: new Map() });
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's delta is the time since the previous one: the time it stands for.
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const window = windows.find((w) => at >= w.startUs && at < w.endUs);
    if (!window) continue;
    const part = partOf(profile.samples[i] as number);
    if (!part) continue;
    const into = result.get(window.label)!;
    into.total += delta / 1_000;
    into.parts.set(part, (into.parts.get(part) ?? 0) + delta / 1_000);
  }
  return result;
}

/** The profile a process with `pid` wrote into `dir` (Node names it CPU.<date>.<time>.<pid>.…). */
export function findProfile(dir: string, pid: number): string | undefined {
  const name = readdirSync(dir).find((file) =>
    new RegExp(`^CPU\\.\\d+\\.\\d+\\.${pid}\\.\\d+\\.\\d+\\.cpuprofile$`).test(file),
  );
  return name ? path.join(dir, name) : undefined;
}

/**
 * Lines of a table, per label, of where each process's CPU went in ms per unit, largest first
 * (profiler time, so a little above the unprofiled figures), with the same as JSON figures.
 */
export function describeParts(
  labels: readonly string[],
  processes: { name: string; file: string; windows: readonly Window[] }[],
): { lines: string[]; figures: Record<string, number> } {
  const lines: string[] = [];
  const figures: Record<string, number> = {};
  const seen = processes.map((p) => attributeProfile(p.file, p.windows));
  for (const label of labels) {
    // A label can cover several windows (rounds that alternate with the floor): units add up.
    const units = processes.map(
      (p) => p.windows.filter((w) => w.label === label).reduce((n, w) => n + w.units, 0) || 1,
    );
    const rows = new Map<string, number[]>();
    seen.forEach((byLabel, i) => {
      for (const [part, ms] of byLabel.get(label)?.parts ?? []) {
        const row = rows.get(part) ?? processes.map(() => 0);
        row[i] = ms / units[i]!;
        rows.set(part, row);
      }
    });
    const totals = seen.map((byLabel, i) => (byLabel.get(label)?.total ?? 0) / units[i]!);
    lines.push(
      `   ${label}: CPU per press by part, in ms (from the CPU profiles)`,
      `     ${'part'.padEnd(34)}${processes.map((p) => p.name.padStart(10)).join('')}`,
    );
    for (const [part, row] of [...rows].sort(
      (a, b) => b[1][0]! - a[1][0]! || b[1][1]! - a[1][1]!,
    )) {
      lines.push(`     ${part.padEnd(34)}${row.map((ms) => ms.toFixed(2).padStart(10)).join('')}`);
      row.forEach((ms, i) => {
        figures[`${label}_${processes[i]!.name}_${slug(part)}_ms`] = Number(ms.toFixed(3));
      });
    }
    lines.push(
      `     ${'all'.padEnd(34)}${totals.map((ms) => ms.toFixed(2).padStart(10)).join('')}`,
    );
    totals.forEach((ms, i) => {
      figures[`${label}_${processes[i]!.name}_profiled_ms`] = Number(ms.toFixed(3));
    });
  }
  return { lines, figures };
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
