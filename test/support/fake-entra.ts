import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, base64url } from 'jose';

/** Claims a test token may override or drop (set a claim to `undefined` to leave it out). */
export type TokenClaims = Record<string, unknown>;

/**
 * A local stand-in for Microsoft Entra's tenant signing keys (JWKS), with keys of its own that
 * sign Teams SSO tokens for tests: `sign()` makes a token that passes, and its options make each
 * way of failing (wrong audience, issuer, tenant, expired, not yet valid, wrong key, no scope).
 */
export class FakeEntra {
  readonly keyId = 'entra-test-key';
  private readonly privateKey: KeyObject;
  private readonly otherPrivateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  private server: http.Server | undefined;
  private base = '';
  /** Tenants whose keys were asked for, in order. */
  readonly fetchedTenants: string[] = [];

  constructor(
    readonly appId: string,
    readonly tenantId: string,
  ) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicJwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    this.otherPrivateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  /** The JWKS address to give the service (TAB_SSO_JWKS_URL). */
  get jwksUrl(): string {
    return `${this.base}/{tenant}/discovery/v2.0/keys`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const tenant = /^\/([^/]+)\/discovery\/v2\.0\/keys$/.exec(req.url ?? '')?.[1];
      if (!tenant) {
        res.statusCode = 404;
        res.end();
        return;
      }
      this.fetchedTenants.push(tenant);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          keys: [{ ...this.publicJwk, kid: this.keyId, kty: 'RSA', use: 'sig', alg: 'RS256' }],
        }),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** A token for `userId` that the service accepts, unless `claims` or `options` spoil it. */
  async sign(
    userId: string,
    claims: TokenClaims = {},
    options: { wrongKey?: boolean; alg?: 'RS256' | 'RS384'; kid?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const all: TokenClaims = {
      aud: this.appId,
      iss: `https://login.microsoftonline.com/${this.tenantId}/v2.0`,
      tid: this.tenantId,
      oid: userId,
      name: 'Test Person',
      scp: 'access_as_user',
      ver: '2.0',
      iat: now - 10,
      nbf: now - 10,
      exp: now + 3600,
      ...claims,
    };
    const payload = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
    return new SignJWT(payload)
      .setProtectedHeader({
        alg: options.alg ?? 'RS256',
        kid: options.kid ?? this.keyId,
        typ: 'JWT',
      })
      .sign(options.wrongKey ? this.otherPrivateKey : this.privateKey);
  }

  /** An unsigned token (`alg: none`) with otherwise valid claims. */
  async unsigned(userId: string): Promise<string> {
    const signed = await this.sign(userId);
    const payload = signed.split('.')[1];
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    return `${header}.${payload}.`;
  }
}
