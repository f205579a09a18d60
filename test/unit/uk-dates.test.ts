import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import {
  formatUkDateTime,
  isoWeekOf,
  mondayOf,
  todayInLondon,
  UK_DATE_TIME_PARTS,
} from '../../src/domain/shared/uk-dates';

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

describe('UK dates and times remembered by the hour and the minute', () => {
  // The remembered answers must be exactly what Luxon gives for the instant itself, across both
  // clock changes of a year and at midnights either side of them.
  const luxonToday = (ms: number) =>
    DateTime.fromMillis(ms, { zone: 'Europe/London' }).toISODate() ?? '';
  const luxonMoment = (ms: number) => {
    const parts = DateTime.fromMillis(ms, { zone: 'Europe/London', locale: 'en-GB' }).toLocaleParts(
      UK_DATE_TIME_PARTS,
    );
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('day')} ${part('month')} ${part('year')}, ${part('hour')}:${part('minute')}`;
  };

  it('gives the date in England for every instant of a year, every 37 min 13 s', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let ms = start; ms < start + 366 * 86_400_000; ms += 2_233_000)
      assert.equal(todayInLondon(new Date(ms)), luxonToday(ms), new Date(ms).toISOString());
  });

  it('is right either side of the clock changes and of midnight', () => {
    assert.equal(todayInLondon(new Date('2026-03-29T00:59:59.999Z')), '2026-03-29');
    assert.equal(todayInLondon(new Date('2026-06-30T22:59:59.999Z')), '2026-06-30');
    assert.equal(todayInLondon(new Date('2026-06-30T23:00:00.000Z')), '2026-07-01');
    assert.equal(todayInLondon(new Date('2026-10-24T23:30:00.000Z')), '2026-10-25');
    assert.equal(todayInLondon(new Date('2026-12-01T23:59:59.999Z')), '2026-12-01');
    assert.throws(() => todayInLondon(new Date('nonsense')), RangeError);
  });

  it('writes a moment in UK time as Luxon does, to the minute, for a year of odd seconds', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let ms = start; ms < start + 366 * 86_400_000; ms += 3_917_311)
      assert.equal(
        formatUkDateTime(new Date(ms).toISOString()),
        luxonMoment(ms),
        new Date(ms).toISOString(),
      );
    assert.equal(formatUkDateTime('2026-10-25T00:59:59.999Z'), '25 Oct 2026, 01:59');
    assert.equal(formatUkDateTime('2026-10-25T01:00:00.000Z'), '25 Oct 2026, 01:00');
  });
});
