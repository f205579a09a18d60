import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeBankHolidays } from '../../../src/app/compute-bank-holidays';
import { loadBankHolidays } from '../../../src/app/load-bank-holidays';
import { addDays } from '../../../src/domain/shared/uk-dates';

const HOLIDAYS = loadBankHolidays().dates;

// GOV.UK's published England and Wales list, 2020 to 2027: the computed dates must agree with it.
const GOV_UK = JSON.parse(
  readFileSync(path.join(__dirname, '../../fixtures/gov-uk-bank-holidays.json'), 'utf8'),
) as { dates: { date: string; title: string }[] };

/** Every date of `year` that `HOLIDAYS` counts as a bank holiday. */
function holidaysIn(year: number, holidays = HOLIDAYS): string[] {
  const found: string[] = [];
  for (let day = `${year}-01-01`; day.startsWith(`${year}-`); day = addDays(day, 1)) {
    if (holidays.has(day)) found.push(day);
  }
  return found;
}

describe('England and Wales bank holidays', () => {
  it('agree with GOV.UK for 2020 to 2027, one-offs and moved holidays included', () => {
    for (let year = 2020; year <= 2027; year += 1) {
      const published = GOV_UK.dates.map((d) => d.date).filter((d) => d.startsWith(`${year}-`));
      assert.equal(published.length >= 8, true, `GOV.UK list for ${year}`);
      assert.deepEqual(holidaysIn(year), published, String(year));
    }
  });

  it('do not run out: Easter and August 2028 to 2030', () => {
    assert.ok(HOLIDAYS.has('2028-04-14'), 'Good Friday 2028');
    assert.ok(HOLIDAYS.has('2028-04-17'), 'Easter Monday 2028');
    assert.ok(HOLIDAYS.has('2030-08-26'), 'Summer bank holiday 2030');
    assert.deepEqual(holidaysIn(2028), [
      '2028-01-03', // 1 January is a Saturday: the Monday after is the substitute
      '2028-04-14',
      '2028-04-17',
      '2028-05-01',
      '2028-05-29',
      '2028-08-28',
      '2028-12-25',
      '2028-12-26',
    ]);
    assert.equal(holidaysIn(2029).length, 8);
    assert.equal(holidaysIn(2030).length, 8);
    assert.equal(HOLIDAYS.has('2030-08-19'), false, 'a Monday, not the last of August');
    assert.equal(holidaysIn(2055).length, 8, 'however far ahead');
  });

  it('give substitute days when Christmas and Boxing Day fall at a weekend (2027, 2032)', () => {
    // 25 December 2027 is a Saturday, the 26th a Sunday: Monday 27th and Tuesday 28th instead.
    assert.deepEqual(
      holidaysIn(2027).filter((d) => d.startsWith('2027-12')),
      ['2027-12-27', '2027-12-28'],
    );
    assert.equal(HOLIDAYS.has('2027-12-25'), false, 'a Saturday is no working day anyway');
    // 25 December 2032 is a Saturday too.
    assert.deepEqual(
      holidaysIn(2032).filter((d) => d.startsWith('2032-12')),
      ['2032-12-27', '2032-12-28'],
    );
  });

  describe('the overrides in data/bank-holidays.json', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'arb-holidays-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function loadFrom(contents: unknown) {
      const file = path.join(dir, 'bank-holidays.json');
      writeFileSync(file, JSON.stringify(contents));
      return loadBankHolidays(file);
    }

    it('add one-off holidays and remove computed ones that moved, in any year', () => {
      assert.ok(computeBankHolidays(2029).includes('2029-05-07'), 'computed early May 2029');
      const { dates } = loadFrom({
        division: 'england-and-wales',
        add: [
          { date: '2029-05-11', title: 'Early May bank holiday, moved (an imagined anniversary)' },
          { date: '2029-07-02', title: 'An imagined one-off holiday' },
        ],
        remove: [{ date: '2029-05-07', title: 'Early May bank holiday, moved to Friday 11 May' }],
      });
      assert.deepEqual(holidaysIn(2029, dates), [
        '2029-01-01',
        '2029-03-30',
        '2029-04-02',
        '2029-05-11',
        '2029-05-28',
        '2029-07-02',
        '2029-08-27',
        '2029-12-25',
        '2029-12-26',
      ]);
    });

    it('are optional: with none, the computed dates stand', () => {
      assert.deepEqual(holidaysIn(2028, loadFrom({}).dates), holidaysIn(2028));
    });

    it('are refused, naming the file and the entry, when malformed or contradictory', () => {
      assert.throws(
        () => loadFrom({ add: [{ date: '2029-13-01', title: 'no such month' }] }),
        /bank-holidays\.json: expected "add": .*2029-13-01/,
      );
      assert.throws(() => loadFrom({ remove: [{ date: '2029-05-07' }] }), /expected "remove"/);
      assert.throws(() => loadFrom({ add: '2029-05-07' }), /expected "add"/);
      assert.throws(
        () =>
          loadFrom({
            add: [{ date: '2029-05-07', title: 'a' }],
            remove: [{ date: '2029-05-07', title: 'b' }],
          }),
        /2029-05-07 is both added and removed/,
      );
    });
  });
});
