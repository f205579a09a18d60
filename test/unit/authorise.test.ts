import assert from 'node:assert/strict';
import { canReadItems, canUpdateItems } from '../../src/domain/access/authorise';
import type { Organisation } from '../../src/domain/access/organisations';
import { ENGLAND, type Role, type RoleGrant } from '../../src/domain/access/roles';

// A small England: two regions; two ICBs in the first; two PCNs in the first ICB.
const ORGS: Record<string, Organisation> = Object.fromEntries(
  (
    [
      ['Y63', 'region', undefined, undefined, undefined],
      ['QZ1', 'icb', 'Y63', undefined, 'Y63'],
      ['QZ2', 'icb', 'Y63', undefined, 'Y63'],
      ['QX1', 'icb', 'Y56', undefined, 'Y56'],
      ['U10001', 'pcn', 'QZ1', 'QZ1', 'Y63'],
      ['U10002', 'pcn', 'QZ1', 'QZ1', 'Y63'],
      ['B81001', 'practice', 'U10001', 'QZ1', 'Y63'],
      ['B81002', 'practice', 'U10001', 'QZ1', 'Y63'],
      ['B82001', 'practice', 'U10002', 'QZ1', 'Y63'],
    ] as const
  ).map(([code, level, parentCode, icbCode, regionCode]) => [
    code,
    {
      code,
      name: code,
      level,
      open: true,
      ...(parentCode ? { parentCode } : {}),
      ...(icbCode ? { icbCode } : {}),
      ...(regionCode ? { regionCode } : {}),
    },
  ]),
);

const HOLDERS: Record<string, [Role, string] | undefined> = {
  'practice staff of B81001': ['practice_staff', 'B81001'],
  'PCN lead of U10001': ['pcn_lead', 'U10001'],
  'ICB lead of QZ1': ['icb_lead', 'QZ1'],
  'regional head of Y63': ['regional_head', 'Y63'],
  'administrator of QZ1': ['administrator', 'QZ1'],
  'administrator of England': ['administrator', ENGLAND],
  'someone with no role': undefined,
};

// The targets, each named by its relation to the practice staff member's practice (B81001):
// own practice, sister practice (same PCN), own PCN, a practice of another PCN, own ICB,
// another ICB of the region, an ICB of another region, the region.
const TARGETS = ['B81001', 'B81002', 'U10001', 'B82001', 'QZ1', 'QZ2', 'QX1', 'Y63'];

// R = may read, W = may read and change, - = neither. One row per holder, one column per target.
const EXPECTED: Record<string, string> = {
  'practice staff of B81001': 'W - - - - - - -',
  'PCN lead of U10001': 'W W W - - - - -',
  'ICB lead of QZ1': 'W W W W W - - -',
  'regional head of Y63': 'R R R R R R - R',
  'administrator of QZ1': 'W W W W W - - -',
  'administrator of England': 'W W W W W W W W',
  'someone with no role': '- - - - - - - -',
};

describe('who may read and change an organisation’s items (role × relation × operation)', () => {
  for (const [holder, grant] of Object.entries(HOLDERS)) {
    it(`${holder}: ${EXPECTED[holder]?.trim()}`, () => {
      const grants: RoleGrant[] = grant
        ? [{ userId: 'u', role: grant[0], orgCode: grant[1], grantedBy: 't', grantedAt: 't' }]
        : [];
      const got = TARGETS.map((code) => {
        const org = ORGS[code]!;
        const write = canUpdateItems(grants, org);
        const read = canReadItems(grants, org);
        // Whoever may change items may read them: a refusal never hides what one may edit.
        assert.ok(!write || read, `${holder} may change ${code} but not read it`);
        return write ? 'W' : read ? 'R' : '-';
      }).join(' ');
      assert.equal(got, EXPECTED[holder]?.trim());
    });
  }
});
