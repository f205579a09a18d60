import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/load-config';
import { describeSchedule } from '../../src/scheduler/schedule';

describe('the retention settings', () => {
  it('default to 30 days of messages, 90 of job runs, history for a year after a campaign closes, purged at 02:30', () => {
    const config = loadConfig({});
    assert.deepEqual(config.retention, {
      outboxDays: 30,
      jobRunsDays: 90,
      historyDaysAfterClose: 365,
    });
    assert.equal(describeSchedule(config.scheduler.purgeSchedule), '02:30 UK time every day');
  });

  it('read whole numbers of days and a schedule', () => {
    const config = loadConfig({
      RETENTION_OUTBOX_DAYS: '7',
      RETENTION_JOB_RUNS_DAYS: '40',
      RETENTION_HISTORY_DAYS_AFTER_CLOSE: '0',
      PURGE_SCHEDULE: 'Sunday 03:00',
    });
    assert.deepEqual(config.retention, {
      outboxDays: 7,
      jobRunsDays: 40,
      historyDaysAfterClose: 0,
    });
    assert.equal(config.scheduler.purgeSchedule.kind, 'weekly');
  });

  it('refuse periods that would lose work or break the digest comparison, naming each', () => {
    assert.throws(
      () =>
        loadConfig({
          RETENTION_OUTBOX_DAYS: '0',
          RETENTION_JOB_RUNS_DAYS: '10',
          RETENTION_HISTORY_DAYS_AFTER_CLOSE: 'a year',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.problems.join('\n');
        assert.match(text, /RETENTION_OUTBOX_DAYS: must be at least 1 day /);
        assert.match(text, /RETENTION_JOB_RUNS_DAYS: must be at least 35 days \(the weekly digest/);
        assert.match(text, /RETENTION_HISTORY_DAYS_AFTER_CLOSE: must be a whole number of days/);
        return true;
      },
    );
    assert.throws(() => loadConfig({ PURGE_SCHEDULE: '25:00' }), /PURGE_SCHEDULE/);
  });
});
