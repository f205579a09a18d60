import type { Checklist } from '../../src/domain/checklists';
import type { Organisation } from '../../src/domain/organisations';

/** A small hierarchy: one region, one ICB, two PCNs, three practices (one closed), a second ICB. */
export const SAMPLE_ORGS: Organisation[] = [
  { code: 'Y63', name: 'North East and Yorkshire', level: 'region', open: true },
  { code: 'QZ1', name: 'NHS Test Dales ICB', level: 'icb', parentCode: 'Y63', regionCode: 'Y63', open: true },
  { code: 'QZ2', name: 'NHS Test Coast ICB', level: 'icb', parentCode: 'Y63', regionCode: 'Y63', open: true },
  { code: 'U10001', name: 'Riverside PCN', level: 'pcn', parentCode: 'QZ1', icbCode: 'QZ1', regionCode: 'Y63', open: true },
  { code: 'U10002', name: 'Moorland PCN', level: 'pcn', parentCode: 'QZ1', icbCode: 'QZ1', regionCode: 'Y63', open: true },
  { code: 'U20001', name: 'Harbour PCN', level: 'pcn', parentCode: 'QZ2', icbCode: 'QZ2', regionCode: 'Y63', open: true },
  { code: 'B81001', name: 'Bridge Street Surgery', level: 'practice', parentCode: 'U10001', icbCode: 'QZ1', regionCode: 'Y63', open: true },
  { code: 'B81002', name: 'Mill Lane Medical Centre', level: 'practice', parentCode: 'U10001', icbCode: 'QZ1', regionCode: 'Y63', open: true },
  { code: 'B81003', name: 'Old Forge Practice', level: 'practice', parentCode: 'U10002', icbCode: 'QZ1', regionCode: 'Y63', open: false },
  { code: 'B82001', name: 'Quayside Surgery', level: 'practice', parentCode: 'U20001', icbCode: 'QZ2', regionCode: 'Y63', open: true },
];

/** A small checklist with an action at each level. */
export const SAMPLE_CHECKLIST: Checklist = {
  id: 'sample',
  version: 1,
  title: 'Sample checklist',
  actions: [
    { id: 'REG-01', level: 'region', area: 'cross-cutting', title: 'Agree plans with ICBs', detail: 'd', due: '2023-11-30', source: 's', confidence: 'c' },
    { id: 'ICB-01', level: 'icb', area: 2, title: 'Sign up practices to digital telephony', detail: 'd', due: '2023-07-01', source: 's', confidence: 'c' },
    { id: 'PCN-01', level: 'pcn', area: 3, title: 'Agree an access improvement plan', detail: 'd', due: '2023-06-30', source: 's', confidence: 'c' },
    { id: 'PRAC-01', level: 'practice', area: 1, title: 'Switch on online access to records', detail: 'd', due: '2023-10-31', source: 's', confidence: 'c' },
    { id: 'PRAC-02', level: 'practice', area: 4, title: 'Review bureaucracy', detail: 'd', source: 's', confidence: 'c' },
  ],
};
