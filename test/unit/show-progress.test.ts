import assert from 'node:assert/strict';
import { describePercent, startProgress } from '../../src/cli/show-progress';

describe('startProgress without a terminal', () => {
  it('reports each tenth with the exact share done and thousands separators', () => {
    const lines: string[] = [];
    const progress = startProgress('Writing organisations', 0, {
      interactive: false,
      err: (line) => lines.push(line),
    });
    for (const done of [0, 1_234, 2_999, 7_000, 8_204]) progress.update(done, 8_204);
    progress.stop();
    assert.deepEqual(lines, [
      'Writing organisations: 0 of 8,204 (0%)',
      'Writing organisations: 1,234 of 8,204 (15%)',
      'Writing organisations: 2,999 of 8,204 (36%)',
      'Writing organisations: 7,000 of 8,204 (85%)',
      'Writing organisations: 8,204 of 8,204 (100%)',
    ]);
  });
});

describe('describePercent', () => {
  it('rounds down, so 100% means all done', () => {
    assert.equal(describePercent(8_203, 8_204), '99%');
    assert.equal(describePercent(8_204, 8_204), '100%');
    assert.equal(describePercent(1, 3), '33%');
    assert.equal(describePercent(0, 0), '100%');
  });
});
