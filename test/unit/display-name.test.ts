import assert from 'node:assert/strict';
import { buildChecklistCard, buildOverviewCard } from '../../src/domain/cards/card-views';
import { formatOrgName } from '../../src/domain/access/display-name';
import { CHECKLIST, SAMPLE_CAMPAIGN, SAMPLE_TODAY } from '../support/sample-cards';

describe('formatOrgName', () => {
  const cases: [string, string][] = [
    ['THE DENSHAM SURGERY', 'The Densham Surgery'],
    ["DR A ARORA'S PRACTICE", "Dr A Arora's Practice"],
    ['STOCKTON-ON-TEES HEALTH CENTRE', 'Stockton-on-Tees Health Centre'],
    ['NEWCASTLE UPON TYNE CENTRAL PCN', 'Newcastle upon Tyne Central PCN'],
    ['NHS SOUTH YORKSHIRE ICB - 03L', 'NHS South Yorkshire ICB - 03L'],
    ["O'BRIEN & PARTNERS", "O'Brien & Partners"],
    ['MCKENZIE MEDICAL CENTRE', 'McKenzie Medical Centre'],
    ['1ST STREET SURGERY (SE1)', '1st Street Surgery (SE1)'],
    ['ST. ANNE’S H/C', 'St. Anne’s H/C'],
  ];
  for (const [stored, shown] of cases) {
    it(`shows ${JSON.stringify(stored)} as ${JSON.stringify(shown)}`, () => {
      assert.equal(formatOrgName(stored), shown);
    });
  }

  it('leaves names with any lower-case letter as written', () => {
    for (const name of ['Demo Practice One', 'NHS Lancashire and South Cumbria ICB', 'eHealth Hub'])
      assert.equal(formatOrgName(name), name);
  });

  it('leaves names with no letters alone', () => {
    assert.equal(formatOrgName('123 - 456'), '123 - 456');
  });
});

describe('organisation names on cards', () => {
  const practice = {
    code: 'A81001',
    name: 'THE DENSHAM SURGERY',
    level: 'practice' as const,
    parentCode: 'U81234',
    open: true,
  };

  it('titles a checklist card in title case, keeping the stored name', () => {
    const card = buildChecklistCard({
      org: practice,
      campaign: SAMPLE_CAMPAIGN,
      actions: new Map(CHECKLIST.actions.map((a) => [a.id, a])),
      items: [],
      today: SAMPLE_TODAY,
    });
    assert.equal(card.title, 'The Densham Surgery (A81001)');
    assert.equal(practice.name, 'THE DENSHAM SURGERY');
  });

  it('lists the practices of an overview card in title case', () => {
    const card = buildOverviewCard({
      org: { code: 'U81234', name: 'STOCKTON CENTRAL PCN', level: 'pcn', open: true },
      campaign: SAMPLE_CAMPAIGN,
      members: [{ org: practice, items: [] }],
      today: SAMPLE_TODAY,
    });
    assert.equal(card.title, 'Stockton Central PCN (U81234): practices');
    assert.equal(card.rows[0]?.name, 'The Densham Surgery (A81001)');
  });
});
