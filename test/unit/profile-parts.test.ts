import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attributeProfile, describeParts, findProfile } from '../../bench/profile-parts';

// A tiny V8 CPU profile: a root with four stacks under it, sampled at known moments.
const frame = (functionName: string, url: string) => ({
  functionName,
  url,
  scriptId: '0',
  lineNumber: 0,
  columnNumber: 0,
});
const NODES = [
  { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4, 6, 8] },
  { id: 2, callFrame: frame('(garbage collector)', '') },
  { id: 3, callFrame: frame('(idle)', '') },
  // Node's socket code called from restify: restify's.
  {
    id: 4,
    callFrame: frame('send', 'file:///app/node_modules/restify/lib/response.js'),
    children: [5],
  },
  { id: 5, callFrame: frame('writev', 'node:internal/stream_base_commons') },
  // The templating library called from our card code: the library's, not ours.
  {
    id: 6,
    callFrame: frame('renderCard', 'file:///app/dist/src/cards/render-card.js'),
    children: [7],
  },
  {
    id: 7,
    callFrame: frame('expand', 'file:///app/node_modules/adaptivecards-templating/lib/x.js'),
  },
  // Work Node started with nothing of ours or a library's on the stack.
  { id: 8, callFrame: frame('socketOnData', 'node:_http_client') },
];

function writeProfile(dir: string, pid: number, samples: [number, number][]): string {
  const file = path.join(dir, `CPU.20261201.101010.${pid}.0.001.cpuprofile`);
  writeFileSync(
    file,
    JSON.stringify({
      nodes: NODES,
      startTime: 1_000,
      endTime: 1_000 + samples.reduce((n, [, dt]) => n + dt, 0),
      samples: samples.map(([id]) => id),
      timeDeltas: samples.map(([, dt]) => dt),
    }),
  );
  return file;
}

describe('the CPU profile breakdown of the benchmarks (bench/profile-parts.ts)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'arb-prof-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each sample to the owner of its stack, per window, leaving idle time out', () => {
    // Sample moments: 1,100 (gc), 1,300 (idle), 1,600 (restify), 2,100 (templating), 2,600 (node), 3,600 (gc).
    const file = writeProfile(dir, 4242, [
      [2, 100],
      [3, 200],
      [4, 300],
      [7, 500],
      [8, 500],
      [2, 1_000],
    ]);
    const seen = attributeProfile(file, [
      { label: 'a', startUs: 1_000, endUs: 2_000, units: 1 },
      { label: 'b', startUs: 2_000, endUs: 3_000, units: 1 },
      // A second window of the same label adds to it.
      { label: 'a', startUs: 3_500, endUs: 4_000, units: 1 },
    ]);
    const a = seen.get('a')!;
    assert.deepEqual(Object.fromEntries(a.parts), {
      'Garbage collection': 1.1,
      'HTTP server (restify)': 0.3,
    });
    assert.equal(a.total.toFixed(3), '1.400');
    assert.deepEqual(Object.fromEntries(seen.get('b')!.parts), {
      'Card templating (library)': 0.5,
      'HTTP and sockets (Node)': 0.5,
    });
  });

  it('divides by the units of every window of a label, side by side for two processes', () => {
    const service = writeProfile(dir, 5001, [
      [7, 100],
      [7, 2_000],
      [4, 2_000],
    ]);
    const floor = writeProfile(dir, 5002, [
      [4, 100],
      [4, 1_000],
    ]);
    assert.equal(findProfile(dir, 5001), service);
    assert.equal(findProfile(dir, 6000), undefined);
    const { lines, figures } = describeParts(
      ['c1'],
      [
        {
          name: 'service',
          file: service,
          windows: [
            { label: 'c1', startUs: 1_000, endUs: 3_200, units: 2 },
            { label: 'c1', startUs: 3_200, endUs: 9_000, units: 2 },
          ],
        },
        {
          name: 'floor',
          file: floor,
          windows: [{ label: 'c1', startUs: 1_000, endUs: 9_000, units: 1 }],
        },
      ],
    );
    // Service: 2.1 ms of templating and 2 ms of restify over 4 presses; floor: 1.1 ms over 1.
    assert.equal(figures['c1_service_card_templating_ms'], 0.525);
    assert.equal(figures['c1_service_http_server_ms'], 0.5);
    assert.equal(figures['c1_floor_http_server_ms'], 1.1);
    assert.equal(figures['c1_service_profiled_ms'], 1.025);
    assert.match(lines.join('\n'), /Card templating \(library\)\s+0\.5\d\s+0\.00/);
  });
});
