import assert from 'node:assert/strict';
import { splitPeople } from '../../src/domain/digests/digest-mentions';

describe('splitPeople (digest mention)', () => {
  it('reads names separated by commas, and e-mails or @mentions separated by spaces', () => {
    assert.deepEqual(splitPeople('asha.rao@nhs.net, Sam Jones; Ravi'), [
      'asha.rao@nhs.net',
      'Sam Jones',
      'Ravi',
    ]);
    assert.deepEqual(splitPeople(' 29:asha   29:sam a@b.c '), ['29:asha', '29:sam', 'a@b.c']);
    assert.deepEqual(splitPeople(' , ;'), []);
  });
});
