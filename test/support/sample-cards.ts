import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildEditCard,
  type EditCardView,
  buildChecklistCard,
  buildOverviewCard,
  type ChecklistCardView,
  type OverviewCardView,
} from '../../src/domain/cards/card-views';
import type { Campaign } from '../../src/domain/checklists/campaigns';
import type { Checklist, ChecklistAction } from '../../src/domain/checklists/checklists';
import type { Organisation } from '../../src/domain/access/organisations';
import { ITEM_STATUSES, type TrackedItem } from '../../src/domain/items/tracked-items';
import { PROJECT_ROOT } from '../../src/paths';

// Card view models built by the real view builders from the shipped checklist, for golden files
// and size budgets. `worst` fills every note to the 500-character limit and uses long names.

/** The shipped checklist. */
export const CHECKLIST = JSON.parse(
  readFileSync(path.join(PROJECT_ROOT, 'data', 'checklist-2023.json'), 'utf8'),
) as Checklist;

/** The date the samples are drawn on. */
export const SAMPLE_TODAY = '2026-11-25';

const ACTIONS = new Map<string, ChecklistAction>(CHECKLIST.actions.map((a) => [a.id, a]));

/** A running campaign over the demo ICB. */
export const SAMPLE_CAMPAIGN: Campaign = {
  id: 'demo-qz1',
  name: 'Demo: access recovery checklist (deadlines set relative to today)',
  checklistId: CHECKLIST.id,
  checklistVersion: 1,
  scope: { kind: 'icb', code: 'QZ1' },
  status: 'running',
  deadlines: {},
  icbOverrides: {},
  createdAt: '2026-11-01T09:00:00.000Z',
};

function org(code: string, level: Organisation['level'], name: string): Organisation {
  return {
    code,
    name,
    level,
    parentCode: level === 'practice' ? 'U99901' : 'QZ1',
    icbCode: 'QZ1',
    regionCode: 'Y63',
    open: true,
  };
}

/** Items of one organisation for every action of its level, statuses and deadlines spread. */
export function sampleItems(
  orgCode: string,
  level: 'practice' | 'pcn' | 'icb',
  worst: boolean,
): TrackedItem[] {
  const wanted = level === 'practice' ? 'practice' : level === 'pcn' ? 'PCN' : 'ICB';
  return CHECKLIST.actions
    .filter((a) => (a.level as string) === wanted)
    .map((a, i) => {
      const status = ITEM_STATUSES[i % ITEM_STATUSES.length] ?? 'not_started';
      const item: TrackedItem = {
        campaignId: SAMPLE_CAMPAIGN.id,
        orgCode,
        actionId: a.id,
        level: level,
        area: a.area ?? 'cross-cutting',
        icbCode: 'QZ1',
        regionCode: 'Y63',
        dueDate: `2026-${String(10 + (i % 3)).padStart(2, '0')}-${String(5 + i).padStart(2, '0')}`,
        status,
        note: worst ? 'N'.repeat(500) : status === 'blocked' ? 'Waiting for the supplier.' : '',
        version: 1 + i,
      };
      if (level === 'practice') item.pcnCode = 'U99901';
      if (status !== 'not_started') {
        item.updatedBy = '6a1f0d2c-9b8e-4f7a-8c6d-5e4f3a2b1c0d';
        item.updatedByName = worst ? 'Bartholomew Featherstonehaugh-Cholmondeley' : 'Priya Shah';
        item.updatedAt = '2026-11-20T14:05:00.000Z';
      }
      return item;
    });
}

const LONG = ' Health Centre and Community Medical Practice Partnership';

/** The card of one practice (12 actions). */
export function samplePracticeCard(worst = false): ChecklistCardView {
  return buildChecklistCard({
    org: org('X99001', 'practice', `Demo Bridgefoot Surgery${worst ? LONG : ''}`),
    campaign: SAMPLE_CAMPAIGN,
    actions: ACTIONS,
    items: sampleItems('X99001', 'practice', worst),
    today: SAMPLE_TODAY,
  });
}

/** The card of an ICB's actions in one area (ICB cards are split by area). */
export function sampleIcbAreaCard(area: string, worst = false): ChecklistCardView {
  return buildChecklistCard({
    org: org('QZ1', 'icb', 'NHS Demo Dales and Coast ICB'),
    campaign: SAMPLE_CAMPAIGN,
    actions: ACTIONS,
    items: sampleItems('QZ1', 'icb', worst),
    today: SAMPLE_TODAY,
    area,
  });
}

/** The PCN's own card. */
export function samplePcnCard(worst = false): ChecklistCardView {
  return buildChecklistCard({
    org: org('U99901', 'pcn', `Demo Riverside PCN${worst ? LONG : ''}`),
    campaign: SAMPLE_CAMPAIGN,
    actions: ACTIONS,
    items: sampleItems('U99901', 'pcn', worst),
    today: SAMPLE_TODAY,
  });
}

/** The overview of a PCN with `practices` member practices. */
export function samplePcnOverview(practices: number, worst = false): OverviewCardView {
  return buildOverviewCard({
    org: org('U99901', 'pcn', 'Demo Riverside PCN'),
    campaign: SAMPLE_CAMPAIGN,
    members: Array.from({ length: practices }, (_, i) => {
      const code = `X990${String(i + 1).padStart(2, '0')}`;
      return {
        org: { code, name: `Demo Practice ${i + 1}${worst ? LONG : ''}` },
        items: sampleItems(code, 'practice', false),
      };
    }),
    today: SAMPLE_TODAY,
  });
}

/** The update card of one practice item. */
export function sampleEditCard(): EditCardView {
  const item = sampleItems('X99001', 'practice', false)[3];
  if (!item) throw new Error('the sample practice has no fourth item');
  return buildEditCard({
    item,
    action: ACTIONS.get(item.actionId),
    org: { code: 'X99001', name: 'Demo Bridgefoot Surgery' },
    campaign: SAMPLE_CAMPAIGN,
    today: SAMPLE_TODAY,
    card: { view: 'items', campaignId: SAMPLE_CAMPAIGN.id, orgCode: 'X99001' },
  });
}
