import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseChecklist } from '../../../src/importers/parse-checklist';
import { parseOrgs } from '../../../src/importers/parse-orgs';

const DATA = path.join(__dirname, '..', '..', '..', 'data');

function readData(name: string): string {
  return readFileSync(path.join(DATA, name), 'utf8');
}

describe('reference data in data/', () => {
  it('checklist-2023.json holds the 41 reference actions verbatim and parses cleanly', () => {
    const reference: unknown = JSON.parse(
      readFileSync('/work/shared/reference/checklist-2023.json', 'utf8'),
    );
    const file = JSON.parse(readData('checklist-2023.json')) as {
      id: string;
      version: number;
      actions: unknown;
    };
    assert.deepEqual(file.actions, reference);
    const checklist = parseChecklist(readData('checklist-2023.json'));
    assert.equal(checklist.id, 'recovering-access-2023');
    assert.equal(checklist.version, 1);
    assert.equal(checklist.actions.length, (reference as unknown[]).length);
  });

  it('regions.json lists the 7 NHS England regions by their epraccur codes', () => {
    const regions = JSON.parse(readData('regions.json')) as { code: string; name: string }[];
    assert.deepEqual(Object.fromEntries(regions.map((r) => [r.code, r.name])), {
      Y56: 'London',
      Y58: 'South West',
      Y59: 'South East',
      Y60: 'Midlands',
      Y61: 'East of England',
      Y62: 'North West',
      Y63: 'North East and Yorkshire',
    });
  });

  describe('icbs-and-regions.json', () => {
    const file = JSON.parse(readData('icbs-and-regions.json')) as {
      source: string;
      asOf: string;
      regions: { code: string; name: string }[];
      icbs: { code: string; name: string; regionCode: string }[];
    };

    it('names its source and date', () => {
      assert.match(file.source, /Organisation Data Service/);
      assert.equal(file.asOf, '2022-07-01');
    });

    it('has the same 7 regions as regions.json', () => {
      assert.deepEqual(file.regions, JSON.parse(readData('regions.json')));
    });

    it('lists the 42 ICBs once each, by ODS code, in their regions', () => {
      assert.equal(file.icbs.length, 42);
      assert.equal(new Set(file.icbs.map((icb) => icb.code)).size, 42);
      const perRegion: Record<string, number> = {};
      for (const icb of file.icbs) {
        assert.match(icb.code, /^Q[A-Z0-9]{2}$/);
        assert.match(icb.name, /^NHS .+ Integrated Care Board$/);
        perRegion[icb.regionCode] = (perRegion[icb.regionCode] ?? 0) + 1;
      }
      // NHS England's list: London 5, South West 7, South East 6, Midlands 11, East of England 6,
      // North West 3, North East and Yorkshire 4.
      assert.deepEqual(perRegion, {
        Y56: 5,
        Y58: 7,
        Y59: 6,
        Y60: 11,
        Y61: 6,
        Y62: 3,
        Y63: 4,
      });
    });

    it('agrees with the ONS lookup sample on the ICBs both name', () => {
      const lookup = readFileSync(
        path.join(__dirname, '..', '..', 'fixtures', 'ods', 'sub-icb-lookup-sample.csv'),
        'utf8',
      );
      for (const icb of file.icbs) {
        const line = lookup.split(/\r?\n/).find((l) => l.includes(`,${icb.code},`));
        if (line) assert.ok(line.includes(`,${icb.name},`), `${icb.code}: ${line}`);
      }
    });
  });

  describe('bank-holidays.json', () => {
    type Override = { date: string; title: string };
    const holidays = JSON.parse(readData('bank-holidays.json')) as {
      division: string;
      add: Override[];
      remove: Override[];
    };
    const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

    it('holds England and Wales overrides only: one-offs added, moved holidays removed, in order', () => {
      assert.equal(holidays.division, 'england-and-wales');
      for (const list of [holidays.add, holidays.remove]) {
        const dates = list.map((d) => d.date);
        assert.deepEqual([...dates].sort(), dates);
        assert.equal(new Set(dates).size, dates.length);
      }
      // The 2023 coronation, the 2022 jubilee and state funeral, and the two moved holidays.
      assert.deepEqual(
        holidays.add.map((d) => d.date),
        ['2020-05-08', '2022-06-02', '2022-06-03', '2022-09-19', '2023-05-08'],
      );
      assert.deepEqual(
        holidays.remove.map((d) => d.date),
        ['2020-05-04', '2022-05-30'],
      );
    });

    it('adds weekdays only and removes Mondays (the holidays that move), each with a reason', () => {
      for (const { date, title } of holidays.add) {
        assert.ok(weekday(date) >= 1 && weekday(date) <= 5, `${date} ${title} is a weekend`);
        assert.ok(title.length > 10, date);
      }
      for (const { date, title } of holidays.remove) {
        assert.equal(weekday(date), 1, `${date} ${title}`);
        assert.match(title, /moved to/, date);
      }
    });
  });

  it('demo-organisations.json is a small fictional hierarchy with one closed practice', () => {
    const orgs = parseOrgs(readData('demo-organisations.json'));
    const levels = (level: string) => orgs.filter((org) => org.level === level);
    assert.deepEqual(
      levels('region').map((org) => org.code),
      ['Y63'],
    );
    assert.equal(levels('icb').length, 1);
    assert.equal(levels('pcn').length, 3);
    assert.ok(levels('practice').length >= 8 && levels('practice').length <= 10);
    assert.equal(levels('practice').filter((org) => !org.open).length, 1);
    for (const org of orgs.filter((o) => o.level !== 'region')) assert.match(org.name, /Demo/);
  });
});
