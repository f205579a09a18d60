import assert from 'node:assert/strict';
import { getMyActions } from '../../src/domain/status/get-my-actions';
import type { Organisation } from '../../src/domain/access/organisations';
import { CHECKLIST, SAMPLE_CAMPAIGN, sampleItems } from '../support/sample-cards';

const PRACTICE: Organisation = {
  code: 'X99001',
  name: 'Demo Bridgefoot Surgery',
  level: 'practice',
  parentCode: 'U99901',
  icbCode: 'QZ1',
  regionCode: 'Y63',
  open: true,
};
// Two running campaigns over the same practice: the same actions appear twice on one card.
const CAMPAIGNS = [SAMPLE_CAMPAIGN, { ...SAMPLE_CAMPAIGN, id: 'demo-qz1-rerun', name: 'Rerun' }];

describe('getMyActions (the "my actions" card)', () => {
  it('gives every row its own Details target, even for one action in two campaigns', async () => {
    const deps = {
      now: () => new Date('2026-11-25T09:00:00Z'),
      roles: {
        listRolesOfUser: async () => [
          {
            userId: 'u',
            role: 'practice_staff',
            orgCode: PRACTICE.code,
            grantedBy: 't',
            grantedAt: '',
          },
        ],
      },
      organisations: { getOrganisation: async () => PRACTICE },
      campaigns: { listCampaigns: async () => CAMPAIGNS },
      checklists: { getChecklist: async () => CHECKLIST },
      items: {
        listItemsForOrg: async (campaignId: string) =>
          sampleItems(PRACTICE.code, 'practice', false).map((i) => ({ ...i, campaignId })),
      },
    } as unknown as Parameters<typeof getMyActions>[0];
    const { view } = await getMyActions(deps, 'u');
    const ids = view.sections.flatMap((s) => s.rows.map((r) => r.detailsId));
    assert.equal(view.sections.length, 2, 'both campaigns are listed');
    assert.equal(new Set(ids).size, ids.length, ids.join(' '));
  });
});
