// `npm run docs:config`: rewrites the configuration table in README.md from src/config/settings.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replaceSettingsTable } from '../src/config/render-settings-table';

const file = path.resolve(__dirname, '..', 'README.md');
writeFileSync(file, replaceSettingsTable(readFileSync(file, 'utf8')));
process.stdout.write(`Updated the configuration table in ${file}\n`);
