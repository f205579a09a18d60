import assert from 'node:assert/strict';
import { loadBankHolidays } from '../../../src/app/load-bank-holidays';
import {
  formatUkInstant,
  fromUkLocalTime,
  isWorkingDay,
  NO_BANK_HOLIDAYS,
  toUkLocalTime,
  workingDayOnOrAfter,
  workingDayOnOrBefore,
} from '../../../src/domain/shared/uk-calendar';

const HOLIDAYS = loadBankHolidays().dates;
const utc = (date: string, time: string) => fromUkLocalTime(date, time).toISOString();

describe('the UK calendar', () => {
  describe('UK time to UTC across the clock changes', () => {
    it('is UTC in winter and an hour ahead in summer (BST starts 29 March 2026)', () => {
      assert.equal(utc('2026-03-28', '08:30'), '2026-03-28T08:30:00.000Z');
      assert.equal(utc('2026-03-29', '08:30'), '2026-03-29T07:30:00.000Z');
      assert.equal(utc('2026-03-30', '08:30'), '2026-03-30T07:30:00.000Z');
    });

    it('moves a time that does not exist (01:00–01:59 on 29 March 2026) forward by the hour skipped', () => {
      assert.equal(utc('2026-03-29', '00:59'), '2026-03-29T00:59:00.000Z');
      assert.equal(utc('2026-03-29', '01:30'), '2026-03-29T01:30:00.000Z');
      assert.equal(toUkLocalTime(fromUkLocalTime('2026-03-29', '01:30')).time, '02:30');
      assert.equal(utc('2026-03-29', '02:00'), '2026-03-29T01:00:00.000Z');
    });

    it('takes the first of a time that happens twice (01:00–01:59 on 25 October 2026, BST ends)', () => {
      assert.equal(utc('2026-10-25', '00:30'), '2026-10-24T23:30:00.000Z');
      assert.equal(utc('2026-10-25', '01:30'), '2026-10-25T00:30:00.000Z');
      assert.equal(utc('2026-10-25', '02:00'), '2026-10-25T02:00:00.000Z');
      assert.equal(utc('2026-10-26', '08:30'), '2026-10-26T08:30:00.000Z');
    });

    it('reads an instant back as the UK date, time and weekday', () => {
      assert.deepEqual(toUkLocalTime(new Date('2026-06-30T23:30:00Z')), {
        date: '2026-07-01',
        time: '00:30',
        weekday: 3,
      });
      assert.deepEqual(toUkLocalTime(new Date('2026-12-31T23:30:00Z')), {
        date: '2026-12-31',
        time: '23:30',
        weekday: 4,
      });
    });

    it('round-trips every quarter hour of the BST change weeks', () => {
      for (const start of ['2026-03-26', '2026-10-22']) {
        for (let t = Date.parse(`${start}T00:00:00Z`), n = 0; n < 7 * 96; n += 1, t += 900_000) {
          const local = toUkLocalTime(new Date(t));
          // Only the second 01:xx of the autumn change maps back to the first one.
          const back = fromUkLocalTime(local.date, local.time).getTime();
          assert.ok(back === t || back === t - 3_600_000, new Date(t).toISOString());
        }
      }
    });

    it('shows times as people in the UK read them, with GMT or BST', () => {
      assert.equal(
        formatUkInstant(new Date('2026-03-30T07:30:00Z')),
        'Mon, 30 Mar 2026, 08:30 BST',
      );
      assert.equal(
        formatUkInstant(new Date('2026-11-25T08:30:00Z')),
        'Wed, 25 Nov 2026, 08:30 GMT',
      );
    });

    it('refuses a date or time that is not one', () => {
      assert.throws(() => fromUkLocalTime('2026-02-30', '08:30'), RangeError);
      assert.throws(() => fromUkLocalTime('2026-02-03', '24:00'), RangeError);
    });
  });

  describe('working days', () => {
    it('skips weekends, and England and Wales bank holidays when given them', () => {
      assert.equal(isWorkingDay('2026-11-27', HOLIDAYS), true, 'a Friday');
      assert.equal(isWorkingDay('2026-11-28', HOLIDAYS), false, 'a Saturday');
      assert.equal(isWorkingDay('2026-11-29', HOLIDAYS), false, 'a Sunday');
      assert.equal(isWorkingDay('2026-05-04', HOLIDAYS), false, 'Early May bank holiday');
      assert.equal(isWorkingDay('2026-08-31', HOLIDAYS), false, 'Summer bank holiday');
      assert.equal(isWorkingDay('2026-05-04', NO_BANK_HOLIDAYS), true, 'holidays not skipped');
    });

    it('moves a deadline on a weekend to the Friday before, or the Monday after', () => {
      assert.equal(workingDayOnOrBefore('2026-11-29', HOLIDAYS), '2026-11-27');
      assert.equal(workingDayOnOrAfter('2026-11-28', HOLIDAYS), '2026-11-30');
      assert.equal(workingDayOnOrBefore('2026-11-26', HOLIDAYS), '2026-11-26', 'already one');
    });

    it('steps over a bank holiday weekend and Christmas', () => {
      assert.equal(workingDayOnOrAfter('2026-05-02', HOLIDAYS), '2026-05-05');
      assert.equal(workingDayOnOrBefore('2026-04-06', HOLIDAYS), '2026-04-02', 'Easter 2026');
      // 25 Dec 2026 is a Friday; Boxing Day falls on Saturday, so Monday 28th is its substitute.
      assert.equal(workingDayOnOrAfter('2026-12-25', HOLIDAYS), '2026-12-29');
    });
  });

  describe('bank holidays past the end of the shipped list (2027)', () => {
    it('are still skipped: Good Friday and Easter Monday 2028', () => {
      assert.equal(workingDayOnOrAfter('2028-04-14', HOLIDAYS), '2028-04-18');
      assert.equal(workingDayOnOrBefore('2028-04-17', HOLIDAYS), '2028-04-13');
    });
  });
});
