import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake metadata endpoint behaves. */
export type OpenIdMode = 'up' | 'slow' | 'failing' | 'other-keys';

const ISSUER = 'https://api.botframework.com';

/**
 * A local stand-in for the Bot Framework's OpenID metadata and signing keys
 * (login.botframework.com/v1/.well-known/openidconfiguration), with a key of its own that signs
 * test tokens. `mode` makes it slow, fail with 500, or serve keys that did not sign the tokens;
 * `stop()` makes it unreachable.
 */
export class FakeOpenId {
  mode: OpenIdMode = 'up';
  readonly keyId = 'test-key-1';
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  private readonly otherJwk: Record<string, unknown>;
  private server: http.Server | undefined;
  private base = '';

  constructor() {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicJwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.otherJwk = other.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  }

  /** The metadata URL to give the bot (BOT_OPENID_METADATA_URL). */
  get metadataUrl(): string {
    return `${this.base}/openid`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const answer = () => {
        if (this.mode === 'failing') {
          res.statusCode = 500;
          res.end('metadata store on fire');
          return;
        }
        res.setHeader('content-type', 'application/json');
        if (req.url === '/openid') {
          res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${this.base}/keys` }));
          return;
        }
        const jwk = this.mode === 'other-keys' ? this.otherJwk : this.publicJwk;
        res.end(JSON.stringify({ keys: [{ ...jwk, kid: this.keyId, kty: 'RSA', use: 'sig' }] }));
      };
      if (this.mode === 'slow') setTimeout(answer, 20_000).unref();
      else answer();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops answering at all (connection refused from now on). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }

  /** A Bot Framework channel token for `appId`, signed with this endpoint's key. */
  token(appId: string, serviceUrl: string, key: KeyObject = this.privateKey): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const body = `${part({ alg: 'RS256', typ: 'JWT', kid: this.keyId })}.${part({
      iss: ISSUER,
      aud: appId,
      serviceurl: serviceUrl,
      nbf: now - 60,
      iat: now - 60,
      exp: now + 3600,
    })}`;
    return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
  }

  /** A token that looks right but is signed by a key nobody publishes. */
  forgedToken(appId: string, serviceUrl: string): string {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return this.token(
      appId,
      serviceUrl,
      createPrivateKey(stranger.export({ format: 'pem', type: 'pkcs8' })),
    );
  }
}
