import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { READ_SETTINGS } from '../../src/config/load-config';
import { renderSettingsTable } from '../../src/config/render-settings-table';
import { SETTINGS } from '../../src/config/settings';

describe('the configuration table in docs/operations.md', () => {
  it('documents exactly the settings loadConfig reads', () => {
    assert.deepEqual(SETTINGS.map((s) => s.name).sort(), [...READ_SETTINGS].sort());
  });

  it('is up to date (run npm run docs:config after changing a setting)', () => {
    const page = readFileSync(path.resolve(__dirname, '../../docs/operations.md'), 'utf8');
    assert.ok(
      page.includes(renderSettingsTable()),
      'docs/operations.md table differs from src/config/settings.ts',
    );
  });
});
