import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderCard } from '../../src/cards/render-card';
import { SAMPLES } from '../support/card-samples';

const ROOT = path.resolve(__dirname, '../..');

describe('the warnings not to enter patient data', () => {
  it('stand in the README', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, /## Data protection/);
    assert.match(readme, /Do not enter patient-identifiable information/);
  });

  it('stand next to the note box of the edit card', () => {
    const card = JSON.stringify(renderCard('edit-item', SAMPLES['edit-item'] ?? {}));
    assert.match(card, /do not enter patient-identifiable information/);
    assert.match(card, /No patient names, NHS numbers or dates of birth/);
  });
});
