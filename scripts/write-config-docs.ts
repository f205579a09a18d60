// `npm run docs:config`: rewrites the configuration table in docs/operations.md from src/config/settings.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replaceSettingsTable } from '../src/config/render-settings-table';

/** The page that holds the generated table (test/unit/settings-docs.test.ts checks it). */
const file = path.resolve(__dirname, '..', 'docs', 'operations.md');
writeFileSync(file, replaceSettingsTable(readFileSync(file, 'utf8')));
process.stdout.write(`Updated the configuration table in ${file}\n`);
