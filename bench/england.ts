import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Campaign } from '../src/domain/checklists/campaigns';
import { createCampaign } from '../src/domain/campaigns/create-campaign';
import type { Organisation } from '../src/domain/access/organisations';
import { applyOrgImport } from '../src/importers/apply-org-import';
import { generateEngland } from '../src/importers/generate-england';
import { parseChecklist } from '../src/importers/parse-checklist';
import type { Storage } from '../src/storage/open-storage';

// The setting several benchmarks share: the synthetic England hierarchy, imported, and an
// England-wide campaign of the shipped checklist, drafted and ready to launch.

/** What loading synthetic England took. */
export interface EnglandLoad {
  orgs: Organisation[];
  added: number;
  generateMs: number;
  importMs: number;
}

/** Generates synthetic England (7 regions, 42 ICBs, ~1,250 PCNs, ~6,300 practices) and imports it. */
export async function loadSyntheticEngland(storage: Storage): Promise<EnglandLoad> {
  let t = performance.now();
  const orgs = generateEngland();
  const generateMs = performance.now() - t;
  t = performance.now();
  const imported = await applyOrgImport(storage.organisations, orgs);
  return { orgs, added: imported.added, generateMs, importMs: performance.now() - t };
}

/** Saves the shipped checklist and drafts a campaign of it over `scopeCode` (England unless given; not launched). */
export async function draftEnglandCampaign(
  storage: Storage,
  id: string,
  now: () => Date,
  scopeCode = 'ENGLAND',
): Promise<Campaign> {
  const checklist = parseChecklist(
    readFileSync(path.join(__dirname, '..', 'data', 'checklist-2023.json'), 'utf8'),
  );
  await storage.checklists.saveChecklist(checklist);
  const { campaign } = await createCampaign(
    { ...storage, now },
    { checklistId: checklist.id, scopeCode, id },
  );
  return campaign;
}
