import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Checklist } from '../domain/checklists/checklists';
import type { Organisation } from '../domain/access/organisations';
import { parseChecklist } from '../importers/parse-checklist';
import { parseOrgs } from '../importers/parse-orgs';
import { PROJECT_ROOT } from '../paths';

/** The shipped reference data folder. */
export const DATA_DIR = path.join(PROJECT_ROOT, 'data');

/** Reads the demo organisations and the 2023 checklist from data/, through the same importers administrators use. */
export function loadDemoData(): { organisations: Organisation[]; checklist: Checklist } {
  const read = (name: string) => readFileSync(path.join(DATA_DIR, name), 'utf8');
  return {
    organisations: parseOrgs(read('demo-organisations.json'), { format: 'json' }),
    checklist: parseChecklist(read('checklist-2023.json'), { format: 'json' }),
  };
}
