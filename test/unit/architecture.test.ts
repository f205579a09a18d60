import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../src');

// The domain's folders from the top down: a folder may import only from folders on a lower row
// (or from its own folder), so the layout reads as a table of contents and no arrow runs back up.
const DOMAIN_LAYERS: readonly (readonly string[])[] = [
  ['dashboard'],
  ['status', 'nudges', 'digests', 'retention'],
  ['cards'],
  ['campaigns', 'outbox'],
  ['items', 'channels'],
  ['access'],
  ['checklists', 'shared', 'jobs'],
];

// Which top-level folders of src/ may import which third-party packages: Teams types stop at
// bot/ and proactive/, Azure's at storage/, and the domain imports no package at all.
const PACKAGE_OWNERS: Readonly<Record<string, readonly string[]>> = {
  botbuilder: ['bot', 'proactive'],
  'botframework-connector': ['bot', 'proactive'],
  '@azure/data-tables': ['storage'],
  '@azure/identity': ['storage'],
  // The tab's browser code alone talks to the Teams host; the server checks its tokens in http/.
  '@microsoft/teams-js': ['tab'],
  jose: ['http'],
  // OpenTelemetry and Azure Monitor stay behind src/telemetry's small API (spans, metrics, start).
  '@opentelemetry': ['telemetry'],
  '@azure/monitor-opentelemetry': ['telemetry'],
};

// Plain libraries the domain may lean on for solved problems; anything else stays at the edges.
const DOMAIN_LIBRARIES: readonly string[] = ['luxon', 'lru-cache', 'p-limit'];

function listSourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listSourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function readImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
}

function resolveImport(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(file), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this candidate; try the next
    }
  }
  return undefined;
}

function layerOf(folder: string): number {
  const index = DOMAIN_LAYERS.findIndex((row) => row.includes(folder));
  assert.notEqual(index, -1, `src/domain/${folder} is not in DOMAIN_LAYERS; add it to a row`);
  return index;
}

const files = listSourceFiles(SRC);

describe('the layout of src/', () => {
  it('keeps every domain file in one of the capability folders', () => {
    const loose = files.filter((f) => dirname(f) === join(SRC, 'domain'));
    assert.deepEqual(
      loose.map((f) => relative(SRC, f)),
      [],
    );
    for (const f of files.filter((file) => file.startsWith(join(SRC, 'domain') + '/'))) {
      layerOf(relative(join(SRC, 'domain'), f).split('/')[0]!);
    }
  });

  it('lets a domain folder import only from its own folder or folders below it', () => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => f.startsWith(join(SRC, 'domain') + '/'))) {
      const from = relative(join(SRC, 'domain'), file).split('/')[0]!;
      for (const spec of readImports(file)) {
        const target = resolveImport(file, spec);
        if (!target) continue;
        const rel = relative(join(SRC, 'domain'), target);
        if (rel.startsWith('..')) {
          wrong.push(`${relative(SRC, file)} imports ${relative(SRC, target)} outside the domain`);
          continue;
        }
        const to = rel.split('/')[0]!;
        if (to !== from && layerOf(to) <= layerOf(from)) {
          wrong.push(`${relative(SRC, file)} imports ${relative(SRC, target)} (not below it)`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('has no import circle between files of src/', () => {
    const graph = new Map<string, string[]>();
    for (const file of files) {
      graph.set(
        file,
        readImports(file)
          .map((spec) => resolveImport(file, spec))
          .filter((t): t is string => t !== undefined && t.endsWith('.ts')),
      );
    }
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        const loop = path.slice(path.indexOf(file)).concat(file);
        circles.push(loop.map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    assert.deepEqual(circles, []);
  });

  it('keeps botbuilder in bot/ and proactive/ and Azure Tables in storage/', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const folder = relative(SRC, file).split('/')[0]!;
      for (const spec of readImports(file)) {
        const owners = Object.entries(PACKAGE_OWNERS).find(
          ([pkg]) => spec === pkg || spec.startsWith(`${pkg}/`),
        )?.[1];
        if (owners && !owners.includes(folder))
          wrong.push(`${relative(SRC, file)} imports ${spec}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('lets the domain use only plain libraries (no Teams, Azure or HTTP packages)', () => {
    const wrong = files
      .filter((f) => f.startsWith(join(SRC, 'domain') + '/'))
      .flatMap((file) =>
        readImports(file)
          .filter((spec) => !spec.startsWith('.') && !DOMAIN_LIBRARIES.includes(spec))
          .map((spec) => `${relative(SRC, file)} imports ${spec}`),
      );
    assert.deepEqual(wrong, []);
  });

  it('gives bot handlers use cases, never a raw store', () => {
    const stores =
      /services\.(items|roles|organisations|campaigns|checklists|links|conversations|outbox|preferences|jobRuns|leases)\b/;
    const wrong = files
      .filter((f) => f.startsWith(join(SRC, 'bot') + '/'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => stores.test(line))
          .map((line) => `${relative(SRC, file)}: ${line.trim()}`),
      );
    assert.deepEqual(wrong, []);
  });

  it('keeps the tab’s browser code apart: the server never imports src/tab, and src/tab imports nothing of the server', () => {
    const tab = join(SRC, 'tab') + '/';
    const wrong: string[] = [];
    for (const file of files) {
      for (const spec of readImports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        const fromTab = file.startsWith(tab);
        const toTab = target.startsWith(tab) || target === join(SRC, 'tab');
        if (fromTab !== toTab) wrong.push(`${relative(SRC, file)} imports ${spec}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('wraps @microsoft/teams-js in one module of the tab', () => {
    const users = files.filter((f) =>
      readImports(f).some(
        (s) => s === '@microsoft/teams-js' || s.startsWith('@microsoft/teams-js/'),
      ),
    );
    assert.deepEqual(
      users.map((f) => relative(SRC, f)),
      ['tab/teams-host.ts'],
    );
  });
});
