import assert from 'node:assert/strict';
import {
  formatUkInstant,
  fromUkLocalTime,
  NO_BANK_HOLIDAYS,
  toUkLocalTime,
} from '../../../src/domain/shared/uk-calendar';
import { isoWeekOf, mondayOf, todayInLondon } from '../../../src/domain/shared/uk-dates';
import { findNextOccurrence } from '../../../src/scheduler/find-occurrence';
import { parseSchedule } from '../../../src/scheduler/schedule';

// The UK changes its clocks at 01:00 UTC on the last Sunday of March (GMT → BST) and of October
// (BST → GMT). These dates are written out by hand, not computed, so a wrong rule cannot agree
// with itself.
const CHANGES = [
  { year: 2027, spring: '2027-03-28', autumn: '2027-10-31' },
  { year: 2028, spring: '2028-03-26', autumn: '2028-10-29' },
  { year: 2029, spring: '2029-03-25', autumn: '2029-10-28' },
  { year: 2030, spring: '2030-03-31', autumn: '2030-10-27' },
];

const at = (date: string, time: string) => new Date(`${date}T${time}:00Z`);
const utc = (date: string, time: string) => fromUkLocalTime(date, time).toISOString();
const dayBefore = (date: string) =>
  new Date(Date.parse(`${date}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const dayAfter = (date: string) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('the clock changes of 2027 to 2030', () => {
  for (const { year, spring, autumn } of CHANGES) {
    describe(`${year}: BST starts ${spring}, ends ${autumn}`, () => {
      it('reads 00:59 UTC as GMT and 01:00 UTC as BST on the spring Sunday', () => {
        assert.deepEqual(toUkLocalTime(at(spring, '00:59')), {
          date: spring,
          time: '00:59',
          weekday: 0,
        });
        assert.deepEqual(toUkLocalTime(at(spring, '01:00')), {
          date: spring,
          time: '02:00',
          weekday: 0,
        });
        assert.match(formatUkInstant(at(spring, '00:59')), /, 00:59 GMT$/);
        assert.match(formatUkInstant(at(spring, '01:00')), /, 02:00 BST$/);
      });

      it('reads 00:59 UTC as BST and 01:00 UTC as GMT on the autumn Sunday', () => {
        assert.deepEqual(toUkLocalTime(at(autumn, '00:59')), {
          date: autumn,
          time: '01:59',
          weekday: 0,
        });
        assert.deepEqual(toUkLocalTime(at(autumn, '01:00')), {
          date: autumn,
          time: '01:00',
          weekday: 0,
        });
        assert.match(formatUkInstant(at(autumn, '00:59')), /, 01:59 BST$/);
        assert.match(formatUkInstant(at(autumn, '01:00')), /, 01:00 GMT$/);
      });

      it('puts 08:30 UK time an hour earlier in UTC from the spring Sunday to the autumn Saturday', () => {
        assert.equal(utc(dayBefore(spring), '08:30'), `${dayBefore(spring)}T08:30:00.000Z`);
        assert.equal(utc(spring, '08:30'), `${spring}T07:30:00.000Z`);
        assert.equal(utc(dayBefore(autumn), '08:30'), `${dayBefore(autumn)}T07:30:00.000Z`);
        assert.equal(utc(autumn, '08:30'), `${autumn}T08:30:00.000Z`);
      });

      it('moves a time in the spring gap forward and takes the first of a repeated autumn time', () => {
        assert.equal(utc(spring, '00:59'), `${spring}T00:59:00.000Z`);
        assert.equal(utc(spring, '01:30'), `${spring}T01:30:00.000Z`);
        assert.equal(utc(spring, '02:00'), `${spring}T01:00:00.000Z`);
        assert.equal(utc(autumn, '00:59'), `${dayBefore(autumn)}T23:59:00.000Z`);
        assert.equal(utc(autumn, '01:30'), `${autumn}T00:30:00.000Z`);
        assert.equal(utc(autumn, '02:00'), `${autumn}T02:00:00.000Z`);
      });

      it('sends a daily 08:30 nudge once a day at 08:30 UK time on either side of each change', () => {
        const schedule = parseSchedule('every day 08:30');
        for (const change of [spring, autumn]) {
          const sent: string[] = [];
          let after = at(dayBefore(dayBefore(change)), '12:00');
          for (let n = 0; n < 3; n += 1) {
            const next = findNextOccurrence(schedule, NO_BANK_HOLIDAYS, after);
            assert.ok(next, `a nudge after ${after.toISOString()}`);
            sent.push(`${next.slot} ${next.at.toISOString()}`);
            after = next.at;
          }
          const hour = (date: string) => (date < spring || date >= autumn ? '08:30' : '07:30');
          assert.deepEqual(
            sent,
            [dayBefore(change), change, dayAfter(change)].map(
              (d) => `${d} ${d}T${hour(d)}:00.000Z`,
            ),
          );
        }
      });

      it('counts the UK date, not the UTC one, just after midnight in summer', () => {
        assert.equal(todayInLondon(at(spring, '23:30')), dayAfter(spring));
        assert.equal(todayInLondon(at(autumn, '23:30')), autumn);
        assert.equal(todayInLondon(at(dayBefore(autumn), '23:30')), autumn);
      });
    });
  }
});

describe('ISO weeks around the new years of 2027 to 2031', () => {
  const weeks: [date: string, week: string, monday: string][] = [
    ['2026-12-31', '2026-W53', '2026-12-28'],
    ['2027-01-03', '2026-W53', '2026-12-28'],
    ['2027-01-04', '2027-W01', '2027-01-04'],
    ['2027-12-31', '2027-W52', '2027-12-27'],
    ['2028-01-02', '2027-W52', '2027-12-27'],
    ['2028-01-03', '2028-W01', '2028-01-03'],
    ['2028-12-31', '2028-W52', '2028-12-25'],
    ['2029-01-01', '2029-W01', '2029-01-01'],
    ['2029-12-30', '2029-W52', '2029-12-24'],
    ['2029-12-31', '2030-W01', '2029-12-31'],
    ['2030-01-01', '2030-W01', '2029-12-31'],
    ['2030-12-29', '2030-W52', '2030-12-23'],
    ['2030-12-30', '2031-W01', '2030-12-30'],
    ['2031-01-01', '2031-W01', '2030-12-30'],
  ];
  for (const [date, week, monday] of weeks) {
    it(`puts ${date} in ${week}, which starts on Monday ${monday}`, () => {
      assert.equal(isoWeekOf(date), week);
      assert.equal(mondayOf(date), monday);
    });
  }
});
