import assert from 'node:assert/strict';
import { findMilestones } from '../../src/domain/nudges/nudge-plan';

describe('findMilestones', () => {
  it('finds the 14-, 7- and 1-day reminders on the days they fall', () => {
    assert.deepEqual(
      findMilestones('2026-06-15', '2026-05-31', '2026-06-01').map((m) => m.key),
      ['before-14'],
    );
    assert.deepEqual(
      findMilestones('2026-06-15', '2026-06-07', '2026-06-08').map((m) => m.key),
      ['before-7'],
    );
    assert.deepEqual(
      findMilestones('2026-06-15', '2026-06-13', '2026-06-14').map((m) => m.key),
      ['before-1'],
    );
    assert.deepEqual(findMilestones('2026-06-15', '2026-06-01', '2026-06-02'), []);
  });

  it('catches up the days since the last run (a weekend, a bank holiday), never a day twice', () => {
    // Last run Friday 22 May; Monday 25 May is a bank holiday; this run is Tuesday 26 May.
    assert.deepEqual(
      findMilestones('2026-05-31', '2026-05-22', '2026-05-26').map((m) => m.key),
      ['before-7'],
    );
    assert.deepEqual(findMilestones('2026-05-31', '2026-05-26', '2026-05-27'), []);
  });

  it('reminds weekly once overdue, and marks urgency', () => {
    const overdue = findMilestones('2026-05-01', '2026-05-14', '2026-05-15');
    assert.deepEqual(
      overdue.map((m) => m.key),
      ['overdue-14'],
    );
    assert.equal(overdue[0]?.urgent, true);
    assert.equal(findMilestones('2026-06-15', '2026-05-31', '2026-06-01')[0]?.urgent, false);
    assert.equal(findMilestones('2026-06-15', '2026-06-13', '2026-06-14')[0]?.urgent, true);
  });
});
