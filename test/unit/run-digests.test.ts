import assert from 'node:assert/strict';
import type { Campaign } from '../../src/domain/checklists/campaigns';
import type { JobRun, JobRunStore } from '../../src/domain/jobs/job-runs';
import {
  campaignReachesRegion,
  digestDedupeKey,
  findPreviousFigures,
  resolveDetailUrl,
} from '../../src/domain/digests/run-digests';

function run(slot: string, date: string, status: JobRun['status'], pct: number): JobRun {
  return {
    job: 'digests',
    slot,
    trigger: 'schedule',
    scheduledFor: `${date}T09:00:00.000Z`,
    status,
    holder: 'test',
    startedAt: `${date}T09:00:00.000Z`,
    heartbeatAt: `${date}T09:00:00.000Z`,
    attempts: 1,
    resumptions: 0,
    summary: {
      date,
      figures: {
        'c1|Y63': {
          date,
          total: 100,
          finished: pct,
          percentComplete: pct,
          blocked: 0,
          overdue: 0,
          icbs: {},
        },
      },
    },
  };
}

function storeOf(runs: JobRun[]): JobRunStore {
  return {
    create: async () => undefined,
    get: async () => undefined,
    replace: async () => undefined,
    list: async (_job, since) =>
      runs.filter((r) => r.scheduledFor >= since.toISOString().slice(0, 10)),
  };
}

describe('the weekly digest run', () => {
  it('keys each card by campaign, region, ISO week and channel', () => {
    assert.equal(
      digestDedupeKey('c1', 'Y63', '2026-W48', {
        teamId: '19:t@thread.tacv2',
        channelId: '19:c@thread.tacv2',
      }),
      'digest|c1|Y63|2026-W48|19:t@thread.tacv2|19:c@thread.tacv2',
    );
  });

  it('compares with the last successful run of an earlier week', async () => {
    const runs = storeOf([
      run('2026-11-09', '2026-11-09', 'succeeded', 20),
      run('2026-11-16', '2026-11-16', 'succeeded', 30),
      run('2026-11-17', '2026-11-17', 'failed', 99),
      run('manual|2026-11-23T08:00:00.000Z', '2026-11-23', 'succeeded', 35), // this week already
    ]);
    const previous = await findPreviousFigures(runs, '2026-11-23');
    assert.equal(previous.from, 'digests|2026-11-16');
    assert.equal(previous.figures['c1|Y63']?.percentComplete, 30);
  });

  it('has nothing to compare with when no earlier week ran', async () => {
    const previous = await findPreviousFigures(
      storeOf([run('2026-11-23', '2026-11-23', 'succeeded', 35)]),
      '2026-11-25',
    );
    assert.deepEqual(previous, { figures: {} });
  });

  it('builds a region’s digest for the campaigns that reach it', () => {
    const campaign = (scope: Campaign['scope']) => ({ scope }) as Campaign;
    assert.ok(campaignReachesRegion(campaign({ kind: 'england' }), 'Y63', undefined));
    assert.ok(campaignReachesRegion(campaign({ kind: 'region', code: 'Y63' }), 'Y63', undefined));
    assert.ok(!campaignReachesRegion(campaign({ kind: 'region', code: 'Y56' }), 'Y63', undefined));
    assert.ok(campaignReachesRegion(campaign({ kind: 'icb', code: 'QZ1' }), 'Y63', 'Y63'));
    assert.ok(!campaignReachesRegion(campaign({ kind: 'icb', code: 'QZ1' }), 'Y56', 'Y63'));
  });

  it('fills the region and campaign into the Full detail address', () => {
    assert.equal(
      resolveDetailUrl('https://r.example/{region}?c={campaign}', 'demo qz1', 'Y63'),
      'https://r.example/Y63?c=demo%20qz1',
    );
  });
});
