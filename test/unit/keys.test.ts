import assert from 'node:assert/strict';
import { assertValidKey, decodeKey, encodeKey } from '../../src/storage/keys';
import { InvalidInputError } from '../../src/domain/shared/errors';

describe('storage keys', () => {
  for (const bad of ['a/b', 'a\\b', 'a#b', 'a?b', 'a\u0007b', 'a\u007fb']) {
    it(`refuses ${JSON.stringify(bad)}, which Azure would reject`, () => {
      assert.throws(() => assertValidKey(bad, 'ODS code'), InvalidInputError);
    });
  }

  it('refuses an empty key and one over 1 KiB', () => {
    assert.throws(() => assertValidKey('', 'ODS code'), /must not be empty/);
    assert.throws(
      () => assertValidKey('x'.repeat(513), 'ODS code'),
      /longer than storage keys allow/,
    );
  });

  it('accepts Teams ids as they are', () => {
    assert.equal(assertValidKey('19:abc@thread.tacv2', 'id'), '19:abc@thread.tacv2');
  });

  it('encodes forbidden characters reversibly', () => {
    const id = 'a:1/2\\3#4?5%6\u00017';
    const key = encodeKey(id);
    assert.doesNotMatch(key, /[/\\#?\u0000-\u001f]/);
    assert.equal(decodeKey(key), id);
  });
});
