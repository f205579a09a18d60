import assert from 'node:assert/strict';
import { planChannelCards, type CardDeps } from '../../src/domain/cards/plan-cards';
import type { ChecklistAction } from '../../src/domain/checklists/checklists';
import type { Organisation, OrganisationStore } from '../../src/domain/access/organisations';
import { CHECKLIST, SAMPLE_CAMPAIGN, sampleItems } from '../support/sample-cards';

const PCN: Organisation = {
  code: 'U99901',
  name: 'DEMO RIVERSIDE PCN',
  level: 'pcn',
  parentCode: 'QZ1',
  icbCode: 'QZ1',
  regionCode: 'Y63',
  open: true,
};
// Listed by code, as storage lists them; the names sort the other way (and one is in capitals).
const PRACTICES: Organisation[] = [
  ['X99001', 'WEIRSIDE HEALTH CENTRE'],
  ['X99002', 'Mill Lane Medical Practice'],
  ['X99003', 'Bridgefoot Surgery'],
].map(([code = '', name = '']) => ({
  ...PCN,
  code,
  name,
  level: 'practice',
  parentCode: PCN.code,
}));

const organisations: Pick<OrganisationStore, 'getOrganisation' | 'listChildren'> = {
  getOrganisation: async (code) => [PCN, ...PRACTICES].find((o) => o.code === code),
  listChildren: async (code) => (code === PCN.code ? PRACTICES : []),
};

describe('planChannelCards (the cards a linked channel gets, in order)', () => {
  it('gives a PCN channel its overview, then the PCN’s own card, then its practices by name', async () => {
    const items = [
      ...sampleItems(PCN.code, 'pcn', false),
      ...PRACTICES.flatMap((p) =>
        sampleItems(p.code, 'practice', false).map((i) => ({ ...i, pcnCode: PCN.code })),
      ),
    ];
    const actions = new Map<string, ChecklistAction>(CHECKLIST.actions.map((a) => [a.id, a]));
    const deps = { organisations, now: () => new Date('2026-11-25T09:00:00Z') } as CardDeps;
    const cards = await planChannelCards(deps, SAMPLE_CAMPAIGN, PCN, items, actions);
    assert.deepEqual(
      cards.map((c) => c.data.title),
      [
        'Demo Riverside PCN (U99901): practices',
        'Demo Riverside PCN (U99901)',
        'Bridgefoot Surgery (X99003)',
        'Mill Lane Medical Practice (X99002)',
        'Weirside Health Centre (X99001)',
      ],
    );
    const overview = cards[0]?.template === 'overview' ? cards[0].data : undefined;
    assert.deepEqual(
      overview?.rows.map((r) => r.name),
      [
        'Bridgefoot Surgery (X99003)',
        'Mill Lane Medical Practice (X99002)',
        'Weirside Health Centre (X99001)',
      ],
      'the overview lists them in the same order',
    );
  });
});
