import {
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import { isGuid } from '../../domain/shared/ids';

/** Who a valid Teams SSO token says the caller is. */
export interface SsoIdentity {
  /** Entra object id (`oid`). */
  userId: string;
  tenantId: string;
  name?: string;
}

/** Why a token was not accepted: 401 (not authenticated), 403 (authenticated, not allowed), 503 (keys unreachable). */
export class TokenRefusal extends Error {
  constructor(
    readonly status: 401 | 403 | 503,
    /** Safe to show the caller: never says which check failed beyond what they can fix. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'TokenRefusal';
  }
}

/** What the token check needs: who the tokens must be for, which tenants, and where the keys are. */
export interface SsoOptions {
  /** The bot's Entra app id: the v2 token's audience. */
  appId: string;
  /** The tab's https origin; adds `api://<host>/botid-<appId>` as an accepted audience. */
  publicUrl?: string | undefined;
  allowedTenantIds: readonly string[];
  /** JWKS address; `{tenant}` is replaced by the tenant id. */
  jwksUrl: string;
  /** Seconds of clock difference allowed on exp/nbf/iat (default 60). */
  clockToleranceSeconds?: number;
}

/** The scope the tab's token must carry (exposed by the app registration for Teams SSO). */
export const SSO_SCOPE = 'access_as_user';

const NOT_SIGNED_IN =
  'Sign in through Microsoft Teams to use this dashboard: the request had no valid Teams sign-in token. Reload the tab; if it keeps happening, sign out of Teams and in again.';

/**
 * Builds the check of the Teams SSO token (`authentication.getAuthToken()`): RS256 only, signed
 * by a key of the tenant's JWKS, issuer the tenant's v2 or v1 issuer, audience the app id or its
 * `api://` URI, `scp` holding access_as_user, and `tid` on the allow-list.
 */
export function createSsoVerifier(
  options: SsoOptions,
): (authorization: string | undefined) => Promise<SsoIdentity> {
  const allowed = options.allowedTenantIds.map((t) => t.toLowerCase());
  const audiences = [options.appId];
  if (options.publicUrl)
    audiences.push(`api://${new URL(options.publicUrl).host}/botid-${options.appId}`);
  // One key set per allowed tenant, fetched lazily and cached by jose (refetched on an unknown kid
  // at most every 30 s). Keys are only ever fetched for allowed tenants: a token cannot make the
  // service call an address of its choosing.
  const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  const keysOf = (tenantId: string) => {
    let set = keySets.get(tenantId);
    if (!set) {
      set = createRemoteJWKSet(new URL(options.jwksUrl.replace('{tenant}', tenantId)), {
        cooldownDuration: 30_000,
        cacheMaxAge: 6 * 60 * 60_000,
        timeoutDuration: 5_000,
      });
      keySets.set(tenantId, set);
    }
    return set;
  };
  return async (authorization) => {
    const token = /^Bearer ([A-Za-z0-9._~+/=-]{20,8192})$/.exec(authorization ?? '')?.[1];
    if (!token) throw new TokenRefusal(401, NOT_SIGNED_IN);
    let claimedTenant: string;
    try {
      const claims = decodeJwt(token);
      claimedTenant = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : '';
    } catch (error) {
      throw new TokenRefusal(401, NOT_SIGNED_IN, { cause: error });
    }
    if (!isGuid(claimedTenant)) throw new TokenRefusal(401, NOT_SIGNED_IN);
    const tenantAllowed = allowed.includes(claimedTenant);
    const first = allowed[0];
    if (!first) throw new TokenRefusal(403, 'No tenant is allowed to use this dashboard.');
    // A token of another tenant is still checked, against an allowed tenant's keys (Entra signs
    // every tenant's tokens with the same keys), so a forged one gets 401 like any other and only a
    // genuine one learns that its tenant is not allowed.
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keysOf(tenantAllowed ? claimedTenant : first), {
        algorithms: ['RS256'],
        issuer: [
          `https://login.microsoftonline.com/${claimedTenant}/v2.0`,
          `https://sts.windows.net/${claimedTenant}/`,
        ],
        audience: audiences,
        clockTolerance: options.clockToleranceSeconds ?? 60,
        requiredClaims: ['exp', 'iat', 'tid', 'oid'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout))
        throw new TokenRefusal(401, NOT_SIGNED_IN, { cause: error });
      throw new TokenRefusal(
        503,
        'Sign-ins cannot be checked just now, so nothing was read or changed. Please try again in a minute.',
        { cause: error },
      );
    }
    const scopes = typeof payload['scp'] === 'string' ? payload['scp'].split(' ') : [];
    if (!scopes.includes(SSO_SCOPE))
      throw new TokenRefusal(
        403,
        `The sign-in token does not carry the ${SSO_SCOPE} permission. Ask your Teams administrator to consent to the app's permissions.`,
      );
    const userId = typeof payload['oid'] === 'string' ? payload['oid'].toLowerCase() : '';
    if (!isGuid(userId)) throw new TokenRefusal(401, NOT_SIGNED_IN);
    if (!tenantAllowed)
      throw new TokenRefusal(
        403,
        'Your organisation (Entra tenant) is not allowed to use this dashboard. Ask your ICB digital team.',
      );
    const name = typeof payload['name'] === 'string' ? payload['name'].slice(0, 200) : undefined;
    return { userId, tenantId: claimedTenant, ...(name ? { name } : {}) };
  };
}
