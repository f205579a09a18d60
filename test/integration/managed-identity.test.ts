import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { ServiceProcess } from '../../bench/service-process';
import { findFreePort } from '../../src/storage/start-azurite';
import { removeDataDir } from '../support/start-test-service';

// The service from source, as `npm start` runs it: its own process, because the managed identity
// endpoint and the throwaway certificate authority are read from the environment at start.
const SOURCE_ARGS = ['--disable-warning=DEP0111', '--import', 'tsx', 'src/main.ts'];
const ROOT = path.resolve(__dirname, '../..');

const TENANT = '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f';
/** The user-assigned identity attached to the (pretend) App Service: the bot's own. */
const IDENTITY = 'c7f1b2a4-6d3e-4f8a-9b1c-2e5d7a9f0b13';
/** An identity that exists but whose tokens storage does not accept (as if it had no role). */
const UNAUTHORISED_IDENTITY = '5e8d2c1b-9a7f-4e3d-8c2b-1f0a9e8d7c6b';
const ADMIN = '9d4c2b1a-7e6f-4a5b-8c9d-0e1f2a3b4c5d';
/** A custom Azurite account: the emulator's well-known key does not open it. */
const ACCOUNT = 'arbidentity';

interface TokenRequest {
  query: Record<string, string>;
  header: string | undefined;
}

/**
 * A stand-in for App Service's managed identity endpoint (IDENTITY_ENDPOINT / IDENTITY_HEADER):
 * a token for the attached identity, 400 for any other client id, as App Service answers.
 */
async function startFakeIdentityEndpoint(secret: string) {
  const requests: TokenRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const header = req.headers['x-identity-header'] as string | undefined;
    requests.push({ query, header });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (header !== secret || query['api-version'] !== '2019-08-01')
      return reply(401, { statusCode: 401, message: 'Unauthorized' });
    const clientId = query['client_id'];
    if (clientId !== IDENTITY && clientId !== UNAUTHORISED_IDENTITY)
      return reply(400, {
        statusCode: 400,
        message: 'Unable to load the proper Managed Identity.',
        correlationId: randomUUID(),
      });
    const now = Math.floor(Date.now() / 1000);
    const expires = now + 3600;
    // Azurite's basic OAuth decodes the token without checking its signature; it checks the
    // issuer prefix, the audience (storage), and nbf/iat/exp, as Azure Storage would.
    new SignJWT({
      tid: TENANT,
      oid: randomUUID(),
      appid: clientId,
      idtyp: 'app',
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(`https://sts.windows.net/${TENANT}/`)
      .setAudience(clientId === IDENTITY ? 'https://storage.azure.com' : 'https://vault.azure.net')
      .setIssuedAt(now - 60)
      .setNotBefore(now - 60)
      .setExpirationTime(expires)
      .sign(randomBytes(32))
      .then((token) =>
        reply(200, {
          access_token: token,
          expires_on: String(expires),
          resource: query['resource'],
          token_type: 'Bearer',
          client_id: clientId,
        }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/msi/token`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Azurite's table service over HTTPS with basic OAuth, one custom account, and a debug log. */
async function startOAuthAzurite(dir: string, cert: string, key: string) {
  const port = await findFreePort();
  const debugLog = path.join(dir, 'azurite-debug.log');
  const child = spawn(
    process.execPath,
    [
      require.resolve('azurite/dist/src/table/main.js'),
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--oauth',
      'basic',
      '--cert',
      cert,
      '--key',
      key,
      '--debug',
      debugLog,
    ],
    {
      env: {
        PATH: process.env['PATH'] ?? '',
        AZURITE_ACCOUNTS: `${ACCOUNT}:${randomBytes(64).toString('base64')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('successfully started')) {
        clearTimeout(timer);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Azurite exited with ${code}: ${output}`)));
  });
  return {
    url: `https://127.0.0.1:${port}/${ACCOUNT}`,
    debugLog,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

/** One request to Azurite from this process, trusting the throwaway certificate. */
function requestTable(
  url: string,
  ca: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        ca,
        headers: {
          accept: 'application/json;odata=nometadata',
          'x-ms-version': '2019-02-02',
          'x-ms-date': new Date().toUTCString(),
          ...headers,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Runs the service expecting it to refuse to start; gives its exit code and stderr. */
function runUntilExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, SOURCE_ARGS, {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('storage through a managed identity (Azurite with OAuth over HTTPS, a fake App Service identity endpoint)', function () {
  this.timeout(90_000);
  const identitySecret = randomBytes(16).toString('hex');
  let dir: string;
  let ca: string;
  let identity: Awaited<ReturnType<typeof startFakeIdentityEndpoint>>;
  let azurite: Awaited<ReturnType<typeof startOAuthAzurite>>;
  let service: ServiceProcess | undefined;
  let env: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'arb-identity-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    // A throwaway self-signed certificate for 127.0.0.1, trusted by the service through
    // NODE_EXTRA_CA_CERTS (bearer tokens are only ever sent over HTTPS).
    const made = spawnSync(
      '/usr/bin/openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    ca = readFileSync(cert, 'utf8');
    identity = await startFakeIdentityEndpoint(identitySecret);
    azurite = await startOAuthAzurite(dir, cert, key);
    env = {
      ARB_MODE: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'info',
      SCHEDULER_ENABLED: 'false',
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppId: IDENTITY,
      MicrosoftAppTenantId: TENANT,
      BOOTSTRAP_ADMINISTRATORS: ADMIN,
      STORAGE_ACCOUNT_URL: azurite.url,
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identitySecret,
      NODE_EXTRA_CA_CERTS: cert,
    };
  });
  after(async () => {
    await service?.stop().catch(() => undefined);
    await azurite?.stop();
    await identity?.stop();
    if (dir) removeDataDir(dir);
  });

  it('starts, writes and reads with the bot’s user-assigned identity, and never with a key', async () => {
    service = new ServiceProcess(env, SOURCE_ARGS);
    await service.start();

    // A read through the token: readiness pings a table.
    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 200, await ready.text());

    // Writes through the token: the tables, and the grant of BOOTSTRAP_ADMINISTRATORS.
    const token = await fetch(
      `${identity.url}?resource=https://storage.azure.com&api-version=2019-08-01&client_id=${IDENTITY}`,
      { headers: { 'x-identity-header': identitySecret } },
    ).then((r) => r.json() as Promise<{ access_token: string }>);
    const grants = await requestTable(`${azurite.url}/Roles()`, ca, {
      authorization: `Bearer ${token.access_token}`,
    });
    assert.equal(grants.status, 200, grants.body);
    const rows = (JSON.parse(grants.body) as { value: Record<string, unknown>[] }).value;
    assert.ok(
      rows.some((r) => JSON.stringify(r).includes(ADMIN)),
      `the administrator's grant was written: ${grants.body}`,
    );

    // The service asked App Service's endpoint for a storage token for its own identity.
    const asked = identity.requests.filter((r) => r.query['client_id'] === IDENTITY);
    assert.ok(asked.length >= 1);
    for (const request of asked) {
      assert.equal(request.header, identitySecret);
      assert.equal(request.query['api-version'], '2019-08-01');
      assert.match(request.query['resource'] ?? '', /^https:\/\/storage\.azure\.com\/?$/);
    }

    // Every request Azurite accepted was accepted on the token: no shared-key signature matched
    // (the account's key is a random one the service never saw, so none could).
    const log = readFileSync(azurite.debugLog, 'utf8');
    assert.match(
      log,
      /TableTokenAuthenticator:authenticateBasic\(\) Validation against token authentication successfully/,
    );
    assert.doesNotMatch(log, /TableSharedKeyAuthenticator:validate\(\) Signature .*matched/);
  });

  it('refuses a request without a token', async () => {
    const anonymous = await requestTable(`${azurite.url}/Tables`, ca, {});
    assert.equal(anonymous.status, 403, anonymous.body);
    assert.match(anonymous.body, /AuthorizationFailure/);
  });

  it('stops at start with a clear message when the client id is not an identity of this app', async () => {
    const wrong = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const started = Date.now();
    const result = await runUntilExit({
      ...env,
      MANAGED_IDENTITY_CLIENT_ID: wrong,
      DATA_DIR: path.join(dir, 'wrong'),
    });
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      new RegExp(`Could not get a storage token for the managed identity ${wrong}`),
    );
    assert.match(result.stderr, /Unable to load the proper Managed Identity/);
    assert.match(
      result.stderr,
      /Client ID of a user-assigned managed identity attached to this app/,
    );
    assert.ok(Date.now() - started < 30_000, 'it does not retry for long');
  });

  it('says which role is missing when storage refuses the identity’s token', async () => {
    const result = await runUntilExit({
      ...env,
      MANAGED_IDENTITY_CLIENT_ID: UNAUTHORISED_IDENTITY,
      DATA_DIR: path.join(dir, 'unauthorised'),
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /The storage account refused access \(403/);
    assert.match(result.stderr, /Storage Table Data Contributor/);
  });
});
