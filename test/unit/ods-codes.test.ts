import assert from 'node:assert/strict';
import { isOdsCode, ODS_CODE_SHAPES, parseOdsCode } from '../../src/domain/access/ods-codes';
import { ORG_LEVELS } from '../../src/domain/access/organisations';

describe('ODS codes (the one rule every entry point uses)', () => {
  const good = { region: 'Y63', icb: 'QE1', pcn: 'U59980', practice: 'A81001' } as const;

  it('accepts a code of each level, and only at its own level', () => {
    for (const level of ORG_LEVELS) {
      assert.ok(isOdsCode(good[level]), `${good[level]} is a code`);
      for (const other of ORG_LEVELS)
        assert.equal(
          ODS_CODE_SHAPES[other].pattern.test(good[level]),
          other === level || (level === 'pcn' && other === 'practice'),
          `${good[level]} as a ${other}`,
        );
    }
  });

  it('refuses shapes no level has', () => {
    for (const bad of [
      '',
      'Y6',
      'Y633',
      'QE',
      'QE12',
      'U5998',
      'A8100',
      'A810011',
      'ABC',
      'PHONES',
      'qe1',
      'U99901 ',
    ])
      assert.equal(isOdsCode(bad), false, bad);
  });

  it('limits the levels when asked (chat updates ignore region codes)', () => {
    assert.equal(isOdsCode('Y63', ['icb', 'pcn', 'practice']), false);
    assert.equal(isOdsCode('QE1', ['icb', 'pcn', 'practice']), true);
  });

  it('reads a typed code in any case with spaces around it, and says what to type otherwise', () => {
    assert.equal(parseOdsCode(' u99901 '), 'U99901');
    assert.throws(() => parseOdsCode('ABCDEF'), /is not an ODS code.*for example/);
    assert.throws(() => parseOdsCode(42), /is not an ODS code/);
  });
});
