import assert from 'node:assert/strict';
import { hasJobsSecret } from '../../src/http/check-jobs-secret';

const SECRET = 'k3y-for-the-job-trigger-0123456789abcdef';

describe('the job trigger secret', () => {
  it('accepts the secret in x-jobs-secret or as a bearer token', () => {
    assert.equal(hasJobsSecret({ jobsSecret: SECRET }, SECRET), true);
    assert.equal(hasJobsSecret({ authorization: `Bearer ${SECRET}` }, SECRET), true);
    assert.equal(hasJobsSecret({ authorization: `bearer  ${SECRET}` }, SECRET), true);
  });

  it('refuses a missing, wrong, shorter or longer secret', () => {
    assert.equal(hasJobsSecret({}, SECRET), false);
    assert.equal(hasJobsSecret({ jobsSecret: 'wrong' }, SECRET), false);
    assert.equal(hasJobsSecret({ jobsSecret: SECRET.slice(0, -1) }, SECRET), false);
    assert.equal(hasJobsSecret({ jobsSecret: `${SECRET}x` }, SECRET), false);
    assert.equal(hasJobsSecret({ authorization: SECRET }, SECRET), false, 'not a bearer token');
    assert.equal(hasJobsSecret({ authorization: `Basic ${SECRET}` }, SECRET), false);
  });

  it('refuses everything when no secret is configured', () => {
    assert.equal(hasJobsSecret({ jobsSecret: '' }, ''), false);
  });

  it('goes by x-jobs-secret when both are sent', () => {
    assert.equal(
      hasJobsSecret({ jobsSecret: 'wrong', authorization: `Bearer ${SECRET}` }, SECRET),
      false,
    );
  });
});
