import assert from 'node:assert/strict';
import { loadBankHolidays } from '../../../src/app/load-bank-holidays';
import { InvalidInputError } from '../../../src/domain/shared/errors';
import { NO_BANK_HOLIDAYS } from '../../../src/domain/shared/uk-calendar';
import {
  findLatestOccurrence,
  findNextOccurrence,
  findOccurrenceBySlot,
} from '../../../src/scheduler/find-occurrence';
import {
  checkSchedule,
  describeSchedule,
  parseSchedule,
  type Schedule,
} from '../../../src/scheduler/schedule';

const HOLIDAYS = loadBankHolidays().dates;

/** Every occurrence from `from` up to (not including) `to`, as "slot → UTC time". */
function occurrences(schedule: Schedule, from: string, to: string, holidays = HOLIDAYS) {
  const found: string[] = [];
  let after = new Date(from);
  for (;;) {
    const next = findNextOccurrence(schedule, holidays, after);
    if (!next || next.at.getTime() >= Date.parse(to)) return found;
    found.push(`${next.slot} ${next.at.toISOString().slice(0, 16)}`);
    after = next.at;
  }
}

function messageOf(text: string): string {
  try {
    parseSchedule(text);
  } catch (error) {
    assert.ok(error instanceof InvalidInputError, String(error));
    return error.message;
  }
  assert.fail(`"${text}" was accepted`);
}

describe('schedules', () => {
  describe('reading a setting', () => {
    it('reads a bare time as working days, and "every day" as every day', () => {
      assert.deepEqual(parseSchedule('08:30'), {
        kind: 'daily',
        time: '08:30',
        workingDaysOnly: true,
      });
      assert.deepEqual(parseSchedule(' every  day 6:05 '), {
        kind: 'daily',
        time: '06:05',
        workingDaysOnly: false,
      });
      assert.deepEqual(parseSchedule('Working days 17:00'), {
        kind: 'daily',
        time: '17:00',
        workingDaysOnly: true,
      });
    });

    it('reads a weekday and time; Saturday and Sunday stay where they are', () => {
      assert.deepEqual(parseSchedule('Monday 09:00'), {
        kind: 'weekly',
        weekday: 1,
        time: '09:00',
        workingDaysOnly: true,
      });
      assert.deepEqual(parseSchedule('fri 16:30'), {
        kind: 'weekly',
        weekday: 5,
        time: '16:30',
        workingDaysOnly: true,
      });
      assert.equal(parseSchedule('Sunday 10:00').workingDaysOnly, false);
    });

    it('reads a 5-field cron expression, with "working days" to skip non-working days', () => {
      assert.deepEqual(parseSchedule('30 8 * * 1-5'), {
        kind: 'cron',
        expression: '30 8 * * 1-5',
        workingDaysOnly: false,
      });
      assert.deepEqual(parseSchedule('working days 0 9 * * MON'), {
        kind: 'cron',
        expression: '0 9 * * MON',
        workingDaysOnly: true,
      });
    });

    it('says what to type instead of something that is not a time', () => {
      for (const bad of ['8.30', '25:00', '12:60', '08:30pm', '', 'every day', 'Monday']) {
        const message = messageOf(bad);
        assert.match(message, /(HH:MM|not a schedule|is empty)/, bad);
        assert.match(message, /"08:30"/, `${bad}: names a valid form`);
      }
      assert.match(messageOf('25:00'), /"25:00" is not a time of day: use 24-hour HH:MM/);
    });

    it('says what is wrong with a day or a cron expression', () => {
      assert.match(messageOf('Funday 09:00'), /"Funday" is not a day of the week/);
      assert.match(messageOf('* * * *'), /has 4 fields, not 5/);
      assert.match(messageOf('0 30 8 * * 1'), /has 6 fields, not 5 \(seconds are not supported\)/);
      assert.match(messageOf('61 8 * * *'), /not a valid cron expression.*e\.g\. "30 8 \* \* 1-5"/);
      assert.match(messageOf('30 8 1 * 1'), /both a day of month and a day of week/);
    });

    it('checks schedules written in code as strictly', () => {
      assert.throws(
        () => checkSchedule({ kind: 'daily', time: '8:30', workingDaysOnly: true }),
        /HH:MM/,
      );
      assert.throws(
        () => checkSchedule({ kind: 'cron', expression: '* *', workingDaysOnly: false }),
        /not 5/,
      );
    });

    it('describes a schedule in words', () => {
      assert.equal(describeSchedule(parseSchedule('08:30')), '08:30 UK time on working days');
      assert.match(describeSchedule(parseSchedule('Monday 09:00')), /^Mondays at 09:00 UK time/);
    });
  });

  describe('occurrences', () => {
    it('keeps 08:30 UK time through the week BST starts (29 March 2026), on working days only', () => {
      assert.deepEqual(
        occurrences(parseSchedule('08:30'), '2026-03-23T00:00:00Z', '2026-04-02T00:00:00Z'),
        [
          '2026-03-23 2026-03-23T08:30',
          '2026-03-24 2026-03-24T08:30',
          '2026-03-25 2026-03-25T08:30',
          '2026-03-26 2026-03-26T08:30',
          '2026-03-27 2026-03-27T08:30',
          '2026-03-30 2026-03-30T07:30',
          '2026-03-31 2026-03-31T07:30',
          '2026-04-01 2026-04-01T07:30',
        ],
      );
    });

    it('keeps 08:30 UK time through the week BST ends (25 October 2026), every day', () => {
      assert.deepEqual(
        occurrences(
          parseSchedule('every day 08:30'),
          '2026-10-23T00:00:00Z',
          '2026-10-27T00:00:00Z',
        ),
        [
          '2026-10-23 2026-10-23T07:30',
          '2026-10-24 2026-10-24T07:30',
          '2026-10-25 2026-10-25T08:30',
          '2026-10-26 2026-10-26T08:30',
        ],
      );
    });

    it('runs a 01:30 job once on each clock-change day', () => {
      const schedule = parseSchedule('every day 01:30');
      assert.deepEqual(occurrences(schedule, '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z'), [
        '2026-03-29 2026-03-29T01:30',
        '2026-03-30 2026-03-30T00:30',
      ]);
      assert.deepEqual(occurrences(schedule, '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z'), [
        '2026-10-25 2026-10-25T00:30',
        '2026-10-26 2026-10-26T01:30',
      ]);
    });

    it('skips a bank holiday Monday (4 May 2026), or not when bank holidays are not skipped', () => {
      const schedule = parseSchedule('08:30');
      const week = ['2026-05-01T00:00:00Z', '2026-05-06T00:00:00Z'] as const;
      assert.deepEqual(occurrences(schedule, ...week), [
        '2026-05-01 2026-05-01T07:30',
        '2026-05-05 2026-05-05T07:30',
      ]);
      assert.deepEqual(occurrences(schedule, ...week, NO_BANK_HOLIDAYS), [
        '2026-05-01 2026-05-01T07:30',
        '2026-05-04 2026-05-04T07:30',
        '2026-05-05 2026-05-05T07:30',
      ]);
    });

    it('moves a Monday digest to Tuesday after a bank holiday Monday (Easter, May, August 2026)', () => {
      const schedule = parseSchedule('Monday 09:00');
      assert.deepEqual(occurrences(schedule, '2026-03-28T00:00:00Z', '2026-04-14T00:00:00Z'), [
        '2026-03-30 2026-03-30T08:00',
        '2026-04-07 2026-04-07T08:00',
        '2026-04-13 2026-04-13T08:00',
      ]);
      assert.deepEqual(occurrences(schedule, '2026-08-29T00:00:00Z', '2026-09-08T00:00:00Z'), [
        '2026-09-01 2026-09-01T08:00',
        '2026-09-07 2026-09-07T08:00',
      ]);
    });

    it('skips Good Friday and Easter Monday 2028, past the end of the shipped list', () => {
      const week = ['2028-04-13T00:00:00Z', '2028-04-20T00:00:00Z'] as const;
      assert.deepEqual(occurrences(parseSchedule('08:30'), ...week), [
        '2028-04-13 2028-04-13T07:30',
        '2028-04-18 2028-04-18T07:30',
        '2028-04-19 2028-04-19T07:30',
      ]);
      // A weekly digest on either holiday goes out on Tuesday 18 April, the next working day.
      for (const digest of ['Friday 09:00', 'Monday 09:00']) {
        assert.deepEqual(occurrences(parseSchedule(digest), ...week), [
          '2028-04-18 2028-04-18T08:00',
        ]);
      }
    });

    it('reads cron in UK time across the clock change and skips non-working days when asked', () => {
      assert.deepEqual(
        occurrences(parseSchedule('30 8 * * 1-5'), '2026-03-27T00:00:00Z', '2026-04-08T00:00:00Z'),
        [
          '2026-03-27T08:30 2026-03-27T08:30',
          '2026-03-30T08:30 2026-03-30T07:30',
          '2026-03-31T08:30 2026-03-31T07:30',
          '2026-04-01T08:30 2026-04-01T07:30',
          '2026-04-02T08:30 2026-04-02T07:30',
          '2026-04-03T08:30 2026-04-03T07:30',
          '2026-04-06T08:30 2026-04-06T07:30',
          '2026-04-07T08:30 2026-04-07T07:30',
        ],
      );
      assert.deepEqual(
        occurrences(
          parseSchedule('working days 30 8 * * *'),
          '2026-04-02T12:00:00Z',
          '2026-04-08T00:00:00Z',
        ),
        ['2026-04-07T08:30 2026-04-07T07:30'],
      );
    });

    it('finds the latest occurrence at or before now: the slot a tick should run', () => {
      const schedule = parseSchedule('08:30');
      const latest = (iso: string) => findLatestOccurrence(schedule, HOLIDAYS, new Date(iso))?.slot;
      assert.equal(latest('2026-11-25T08:29:59Z'), '2026-11-24');
      assert.equal(latest('2026-11-25T08:30:00Z'), '2026-11-25');
      assert.equal(latest('2026-11-29T12:00:00Z'), '2026-11-27', 'Sunday: Friday’s');
      assert.equal(latest('2026-05-04T12:00:00Z'), '2026-05-01', 'bank holiday: Friday’s');
    });

    it('knows which slots a schedule has', () => {
      const daily = parseSchedule('08:30');
      assert.equal(
        findOccurrenceBySlot(daily, HOLIDAYS, '2026-11-24')?.at.toISOString(),
        '2026-11-24T08:30:00.000Z',
      );
      assert.equal(findOccurrenceBySlot(daily, HOLIDAYS, '2026-11-28'), undefined, 'Saturday');
      assert.equal(findOccurrenceBySlot(daily, HOLIDAYS, '2026-05-04'), undefined, 'holiday');
      assert.equal(findOccurrenceBySlot(daily, HOLIDAYS, '24/11/2026'), undefined);
      const cron = parseSchedule('30 8 * * 1-5');
      assert.ok(findOccurrenceBySlot(cron, HOLIDAYS, '2026-11-24T08:30'));
      assert.equal(findOccurrenceBySlot(cron, HOLIDAYS, '2026-11-24T08:31'), undefined);
      assert.equal(findOccurrenceBySlot(cron, HOLIDAYS, '2026-11-24'), undefined);
    });
  });
});
