import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  describeConfidence,
  FROM_NHS_ENGLAND,
  RECONSTRUCTED,
  RECONSTRUCTED_SHORT,
} from '../../src/domain/cards/describe-source';
import type { ChecklistAction } from '../../src/domain/checklists/checklists';

const checklist = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', 'data', 'checklist-2023.json'), 'utf8'),
) as { actions: ChecklistAction[] };

describe('describeConfidence (the checklist note in words a practice manager reads)', () => {
  it('says an action NHS England states comes from its letters', () => {
    assert.equal(
      describeConfidence({ confidence: 'READ; due high', due: '2023-07-01' }),
      FROM_NHS_ENGLAND,
    );
  });

  it('says an action worked out from the sources is reconstructed, and to check it', () => {
    assert.equal(
      describeConfidence({ confidence: 'national target READ; practice action INFERRED' }),
      RECONSTRUCTED,
    );
    assert.equal(
      describeConfidence({ confidence: 'secondary source' }, 'short'),
      RECONSTRUCTED_SHORT,
    );
  });

  it('reads the parts about the date for the deadline, not for the action', () => {
    assert.equal(
      describeConfidence({
        confidence: 'requirement READ; legal start date uncertain - 1 Apr 2023 per LMC',
        due: '2023-04-01',
      }),
      `${FROM_NHS_ENGLAND}; deadline not confirmed`,
    );
    assert.equal(
      describeConfidence({
        confidence: 'date READ (contract); ICB role INFERRED',
        due: '2023-10-31',
      }),
      RECONSTRUCTED,
    );
  });

  it('never shows the internal tags for any action of the shipped checklist', () => {
    for (const action of checklist.actions) {
      const words = describeConfidence(action);
      assert.doesNotMatch(words, /READ|INFERRED|NOT FOUND|due high|medium/, action.id);
    }
  });
});
