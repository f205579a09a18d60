import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when a request carries the jobs secret, in `x-jobs-secret` or as `Authorization: Bearer`.
 * Both sides are hashed first so the comparison takes the same time whatever was sent, its
 * length included.
 */
export function hasJobsSecret(
  headers: { jobsSecret?: string | undefined; authorization?: string | undefined },
  secret: string,
): boolean {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
  const presented = headers.jobsSecret ?? bearer;
  if (presented === undefined || secret === '') return false;
  return timingSafeEqual(digest(presented.trim()), digest(secret));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
