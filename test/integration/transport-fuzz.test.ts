import assert from 'node:assert/strict';
import net from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createSeededRandom } from '../../src/importers/create-seeded-random';
import { createLogger } from '../../src/logging/create-logger';
import { startAzurite } from '../../src/storage/start-azurite';
import { FakeConnector } from '../support/fake-connector';
import { FakeOpenId } from '../support/fake-openid';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import { cardAction, personalMessage, TENANT_ID } from '../support/teams-activities';

// Malformed transport: bodies that do not match their declared encoding, truncated and oversized
// compressed bodies, wrong content types, invalid UTF-8, duplicate keys, lying Content-Length.
// Every one must be answered (or dropped, when the client hangs up) for that request alone; the
// process stays up and goes on serving real activities.
const CASES = Number(process.env['TRANSPORT_FUZZ_CASES'] ?? 400);
const CONCURRENCY = 4;
const APP_ID = '0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69';

interface RawRequest {
  headers: Record<string, string>;
  body: Buffer;
  /** Send only this many bytes of the body, then hang up. */
  hangUpAfter?: number;
}

// Decompression bombs: megabytes of padding in a few kilobytes (made once, they are slow to make).
const GZIP_BOMB = gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20));
const BROTLI_BOMB = brotliCompressSync(Buffer.alloc(8 * 1024 * 1024, 0x7b));

function buildCases(serviceUrl: string, seed: number): RawRequest[] {
  const random = createSeededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const valid = () => Buffer.from(JSON.stringify(personalMessage(serviceUrl, 'help')));
  const bodies: (() => Buffer)[] = [
    valid,
    () => Buffer.from('{"type":"message","type":"invoke","text":"a","text":"b"}'),
    () => {
      const text = JSON.stringify(personalMessage(serviceUrl, 'help'));
      // A lone continuation byte and an overlong encoding inside the text.
      return Buffer.concat([
        Buffer.from(text.slice(0, 40)),
        Buffer.from([0x80, 0xc0, 0xaf]),
        Buffer.from(text.slice(40)),
      ]);
    },
    () => Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
    () => Buffer.from('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
    () => Buffer.from('['.repeat(50_000) + ']'.repeat(50_000)),
    () => Buffer.from(pick(['', ' ', 'null', '[]', '"x"', '1', 'true', '{', '{"a":}', '\u0000'])),
    () => Buffer.from('x'.repeat(300 * 1024)),
    () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))),
  ];
  const encodings: [string | undefined, (b: Buffer) => Buffer][] = [
    [undefined, (b) => b],
    ['identity', (b) => b],
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['gzip', (b) => b], // declared but not compressed
    ['deflate', gzipSync], // declared one, sent another
    ['br', gzipSync],
    ['gzip', (b) => gzipSync(b).subarray(0, Math.max(1, Math.floor(gzipSync(b).length / 2)))],
    ['gzip', (b) => gzipSync(b).subarray(0, gzipSync(b).length - 4)],
    ['deflate', (b) => deflateSync(b).subarray(0, 8)],
    ['gzip', () => GZIP_BOMB],
    ['br', () => BROTLI_BOMB],
    ['gzip, gzip', (b) => gzipSync(gzipSync(b))],
    ['compress', (b) => b],
    ['x-made-up', (b) => b],
  ];
  const types = [
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/vnd.api+json',
    '',
  ];
  return Array.from({ length: CASES }, () => {
    const [encoding, encode] = pick(encodings);
    const body = encode(pick(bodies)());
    const headers: Record<string, string> = {};
    const type = pick(types);
    if (type) headers['content-type'] = type;
    if (encoding) headers['content-encoding'] = encoding;
    const lie = random();
    if (lie < 0.05)
      headers['content-length'] = String(body.length + 10); // then hangs up
    else if (lie < 0.1) headers['content-length'] = String(Math.floor(body.length / 2));
    else headers['content-length'] = String(body.length);
    return lie < 0.05
      ? { headers, body, hangUpAfter: Math.floor(body.length / 2) }
      : { headers, body };
  });
}

/** Sends bytes over a plain socket, so nothing in between tidies the request up. */
function sendRaw(url: string, request: RawRequest, extra: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    socket.setTimeout(15_000, () => {
      socket.destroy();
      reject(new Error('no answer within 15 s'));
    });
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      if (status) {
        socket.destroy();
        resolve(Number(status));
      }
    });
    // A client that hangs up mid-body gets no answer; that is all right.
    socket.on('close', () => resolve(0));
    socket.on('error', () => resolve(0));
    const headers = { ...request.headers, ...extra, connection: 'close' };
    socket.write(
      `POST /api/messages HTTP/1.1\r\nHost: ${hostname}\r\n` +
        Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        '\r\n',
    );
    if (request.hangUpAfter !== undefined) {
      socket.end(request.body.subarray(0, request.hangUpAfter));
    } else socket.write(request.body);
  });
}

async function runCases(
  service: TestService,
  cases: RawRequest[],
  extra: Record<string, string> = {},
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const request = cases[next++]!;
      const status = await sendRaw(service.url, request, extra);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

async function assertStillServing(service: TestService, connector: FakeConnector): Promise<void> {
  const health = await fetch(`${service.url}/healthz`);
  assert.equal(health.status, 200, '/healthz still answers');
  connector.calls.length = 0;
  const { status } = await service.post(personalMessage(connector.url, 'help'));
  assert.equal(status, 200, 'a normal activity is still processed');
  await connector.waitFor(() => connector.sentActivities().length > 0);
}

function fivesOf(statuses: Map<number, number>): [number, number][] {
  return [...statuses.entries()].filter(([s]) => s >= 500);
}

describe(`fuzzing the transport with ${CASES} malformed request bodies`, function () {
  this.timeout(300_000);
  let connector: FakeConnector;
  before(async () => {
    connector = await new FakeConnector({ enforceLimits: false }).start();
  });
  after(() => connector?.stop());

  it('refuses a gzip body that is not gzip with 400, and the process lives on (local mode)', async () => {
    const service = await startTestService({ LOG_LEVEL: 'warn' });
    try {
      const body = Buffer.from(JSON.stringify(personalMessage(connector.url, 'help')));
      for (const bad of [body, gzipSync(body).subarray(0, 20)]) {
        const res = await fetch(`${service.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          body: bad,
        });
        assert.equal(res.status, 400);
        assert.doesNotMatch(await res.text(), /header check|zlib|Z_/i, 'no decoder internals');
      }
      // A well-formed gzip body is read like any other.
      const ok = await fetch(`${service.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(Buffer.from(JSON.stringify(cardAction(connector.url, 'showHelp')))),
      });
      assert.equal(ok.status, 200);
      await assertStillServing(service, connector);
    } finally {
      await service.stop();
      removeDataDir(service.dataDir);
    }
  });

  it('answers every malformed body in local mode with a 2xx or 4xx, and keeps serving', async () => {
    const service = await startTestService({ LOG_LEVEL: 'warn' });
    try {
      const statuses = await runCases(service, buildCases(connector.url, 20_261_201));
      assert.deepEqual(fivesOf(statuses), [], `statuses: ${JSON.stringify([...statuses])}`);
      assert.ok((statuses.get(400) ?? 0) > 0 && (statuses.get(415) ?? 0) > 0);
      assert.ok((statuses.get(413) ?? 0) > 0, 'oversized bodies, compressed or not, get 413');
      await assertStillServing(service, connector);
      const errors = service.logs.filter((l) => Number(l['level']) >= 50);
      assert.deepEqual(
        errors.map((l) => l['msg']),
        [],
      );
    } finally {
      await service.stop();
      removeDataDir(service.dataDir);
    }
  });

  it('does the same in production mode, with and without a token, before authentication', async () => {
    const openId = await new FakeOpenId().start();
    const azurite = await startAzurite({ logger: createLogger('silent') });
    const service = await startTestService({
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      LOG_LEVEL: 'warn',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: TENANT_ID,
      BOT_OPENID_METADATA_URL: openId.metadataUrl,
      HOST: '127.0.0.1',
    });
    try {
      const cases = buildCases(connector.url, 20_261_202);
      const anonymous = await runCases(service, cases.slice(0, CASES / 2));
      assert.deepEqual(
        [...anonymous.keys()].filter((s) => s !== 401 && s !== 0),
        [],
        'all 401',
      );
      const forged = openId.forgedToken(APP_ID, connector.url);
      const withToken = await runCases(service, cases.slice(CASES / 2), {
        authorization: `Bearer ${forged}`,
      });
      assert.deepEqual(fivesOf(withToken), [], `statuses: ${JSON.stringify([...withToken])}`);
      assert.equal((await fetch(`${service.url}/healthz`)).status, 200);
    } finally {
      await service.stop();
      await openId.stop();
      await azurite.stop();
      removeDataDir(service.dataDir);
    }
  });
});
