import assert from 'node:assert/strict';
import { isoWeekOf, mondayOf } from '../../src/domain/shared/uk-dates';

describe('ISO weeks', () => {
  it('start on Monday and belong to the year of their Thursday', () => {
    assert.equal(isoWeekOf('2026-11-23'), '2026-W48');
    assert.equal(isoWeekOf('2026-11-29'), '2026-W48');
    assert.equal(isoWeekOf('2026-11-30'), '2026-W49');
    assert.equal(isoWeekOf('2027-01-01'), '2026-W53');
    assert.equal(isoWeekOf('2024-12-30'), '2025-W01');
    assert.equal(isoWeekOf('2021-01-03'), '2020-W53');
    assert.equal(mondayOf('2026-11-29'), '2026-11-23');
  });
});
