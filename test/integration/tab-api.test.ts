import assert from 'node:assert/strict';
import { loadDemoData } from '../../src/app/load-demo-data';
import { seedDemo } from '../../src/app/demo/seed-demo';
import { createLogger } from '../../src/logging/create-logger';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { FakeEntra } from '../support/fake-entra';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import { TENANT_ID } from '../support/teams-activities';

const APP_ID = '0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69';
const OTHER_TENANT = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const PUBLIC_URL = 'https://tab.example.org';
const PRACTICE_STAFF = '11111111-1111-4111-8111-111111111111';
const PCN_LEAD = '22222222-2222-4222-8222-222222222222';
const NOBODY = '33333333-3333-4333-8333-333333333333';
const CAMPAIGN = 'demo-qz1';

describe('the dashboard tab API in production mode', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let entra: FakeEntra;
  let service: TestService;

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    entra = await new FakeEntra(APP_ID, TENANT_ID).start();
    service = await startTestService({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: TENANT_ID,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      TAB_SSO_JWKS_URL: entra.jwksUrl,
      TAB_PUBLIC_URL: PUBLIC_URL,
      HOST: '127.0.0.1',
    });
    const now = () => new Date();
    await seedDemo({ ...service.storage, now }, loadDemoData());
    for (const [userId, role, orgCode] of [
      [PRACTICE_STAFF, 'practice_staff', 'X99001'],
      [PCN_LEAD, 'pcn_lead', 'U99901'],
    ] as const)
      await service.storage.roles.saveGrant({
        userId,
        role,
        orgCode,
        grantedBy: 'test',
        grantedAt: now().toISOString(),
      });
  });
  after(async () => {
    await service?.stop();
    await entra?.stop();
    await azurite?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  async function call(
    path: string,
    token: string | undefined,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const res = await fetch(`${service.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // CSV or text: keep it as it came
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', body, text, res };
  }

  describe('checks the Teams sign-in token', () => {
    // Read the clock when a case runs, not when the file loads: a loaded machine can take more
    // than ten minutes to reach these cases, and a token "not valid yet" would be valid by then.
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => Promise<string | undefined>, 401 | 403][] = [
      ['no token at all', async () => undefined, 401],
      ['a token that is not a JWT', async () => 'not-a-token-at-all-but-long-enough', 401],
      ['the wrong audience', () => entra.sign(PCN_LEAD, { aud: 'api://someone-else' }), 401],
      [
        'the wrong issuer',
        () =>
          entra.sign(PCN_LEAD, { iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` }),
        401,
      ],
      [
        'an issuer on another host',
        () => entra.sign(PCN_LEAD, { iss: `https://evil.example/${TENANT_ID}/v2.0` }),
        401,
      ],
      [
        'a tenant not on the allow-list',
        () =>
          entra.sign(PCN_LEAD, {
            tid: OTHER_TENANT,
            iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
          }),
        403,
      ],
      [
        'an expired token',
        () => entra.sign(PCN_LEAD, { exp: now() - 600, iat: now() - 4000 }),
        401,
      ],
      ['a token not valid yet', () => entra.sign(PCN_LEAD, { nbf: now() + 600 }), 401],
      ['an unsigned token (alg none)', () => entra.unsigned(PCN_LEAD), 401],
      ['a token signed with another key', () => entra.sign(PCN_LEAD, {}, { wrongKey: true }), 401],
      ['a token signed with RS384', () => entra.sign(PCN_LEAD, {}, { alg: 'RS384' }), 401],
      [
        'a token without the access_as_user scope',
        () => entra.sign(PCN_LEAD, { scp: 'User.Read' }),
        403,
      ],
      ['a token without an object id', () => entra.sign(PCN_LEAD, { oid: undefined }), 401],
    ];
    for (const [what, make, status] of cases)
      it(`refuses ${what} with ${status} and a problem body`, async () => {
        const res = await call('/api/v1/orgs/U99901/dashboard', await make());
        assert.equal(res.status, status, res.text);
        assert.match(res.type, /^application\/problem\+json/);
        const body = res.body as Record<string, unknown>;
        assert.equal(body['status'], status);
        assert.equal(typeof body['detail'], 'string');
        assert.doesNotMatch(res.text, /Demo Riverside|X99001|signature|127\.0\.0\.1/);
      });

    it('accepts a valid v2 token for the app id', async () => {
      const res = await call('/api/v1/orgs/U99901/dashboard', await entra.sign(PCN_LEAD));
      assert.equal(res.status, 200, res.text);
    });

    it('accepts a v1 token (sts.windows.net issuer) for the api:// audience', async () => {
      const token = await entra.sign(PCN_LEAD, {
        iss: `https://sts.windows.net/${TENANT_ID}/`,
        aud: `api://tab.example.org/botid-${APP_ID}`,
        ver: '1.0',
      });
      const res = await call('/api/v1/orgs/U99901/dashboard', token);
      assert.equal(res.status, 200, res.text);
    });

    it('fetches signing keys only for allowed tenants', () => {
      assert.ok(entra.fetchedTenants.length > 0);
      assert.deepEqual([...new Set(entra.fetchedTenants)], [TENANT_ID]);
    });

    it('answers nothing under /api/v1 without a valid token, on every route', async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/me'],
        ['GET', '/api/v1/orgs/X99001/dashboard'],
        ['GET', '/api/v1/orgs/X99001/overdue'],
        ['GET', '/api/v1/orgs/X99001/blocked'],
        ['GET', '/api/v1/orgs/X99001/export.csv'],
        ['GET', `/api/v1/items/${CAMPAIGN}/X99001/PRAC-01/history`],
        ['POST', `/api/v1/items/${CAMPAIGN}/X99001/PRAC-01/status`],
      ] as const) {
        const res = await call(path, undefined, {
          method,
          ...(method === 'POST' ? { body: { status: 'done', version: 1 } } : {}),
        });
        assert.equal(res.status, 401, `${method} ${path}`);
      }
    });
  });

  describe('shows a person nothing beyond their organisations', () => {
    const practiceToken = () => entra.sign(PRACTICE_STAFF);
    const leadToken = () => entra.sign(PCN_LEAD);

    it('lists only the organisations a person has a role over', async () => {
      const staff = await call('/api/v1/me', await practiceToken());
      assert.deepEqual(
        (staff.body as { organisations: { code: string }[] }).organisations.map((o) => o.code),
        ['X99001'],
      );
      const nobody = await call('/api/v1/me', await entra.sign(NOBODY));
      assert.deepEqual((nobody.body as { organisations: unknown[] }).organisations, []);
    });

    const outside: [string, string][] = [
      ['another practice of the same PCN', 'X99002'],
      ['the PCN above', 'U99901'],
      ['the ICB', 'QZ1'],
      ['the region', 'Y63'],
    ];
    for (const [what, code] of outside)
      it(`refuses practice staff ${what} (${code}) through every read`, async () => {
        const token = await practiceToken();
        for (const path of [
          `/api/v1/orgs/${code}/dashboard`,
          `/api/v1/orgs/${code}/overdue`,
          `/api/v1/orgs/${code}/blocked`,
          `/api/v1/orgs/${code}/export.csv`,
          `/api/v1/orgs/${code}/export.csv?view=overdue`,
        ]) {
          const res = await call(path, token);
          assert.equal(res.status, 403, `${path}: ${res.text}`);
          // The refusal names only the organisation asked for: no figures, items or notes.
          assert.doesNotMatch(res.text, /"figures"|"rows"|"children"|Waiting for/);
        }
      });

    it('refuses practice staff the history and the status of another practice’s item', async () => {
      const token = await practiceToken();
      const history = await call(`/api/v1/items/${CAMPAIGN}/X99002/PRAC-01/history`, token);
      assert.equal(history.status, 403, history.text);
      const update = await call(`/api/v1/items/${CAMPAIGN}/X99002/PRAC-01/status`, token, {
        method: 'POST',
        body: { status: 'done', version: 1 },
      });
      assert.equal(update.status, 403, update.text);
      const after = await call(
        `/api/v1/items/${CAMPAIGN}/X99002/PRAC-01/history`,
        await leadToken(),
      );
      assert.equal((after.body as { item: { status: string } }).item.status, 'not_started');
    });

    it('refuses a PCN lead a sister PCN, the ICB and the region, and lists only their practices', async () => {
      const token = await leadToken();
      for (const code of ['U99902', 'X99004', 'QZ1', 'Y63'])
        assert.equal((await call(`/api/v1/orgs/${code}/dashboard`, token)).status, 403, code);
      const res = await call('/api/v1/orgs/U99901/dashboard', token);
      const body = res.body as { children: { code: string }[]; figures: { total: number } };
      assert.deepEqual(
        body.children.map((c) => c.code).filter((c) => c !== 'U99901'),
        ['X99001', 'X99002', 'X99003'],
      );
      assert.ok(body.figures.total > 0);
    });

    it('keeps Entra object ids out of what the tab is sent', async () => {
      const token = await practiceToken();
      await call(`/api/v1/items/${CAMPAIGN}/X99001/PRAC-03/status`, token, {
        method: 'POST',
        body: { status: 'in_progress', note: 'Started', version: 1 },
      });
      const history = await call(`/api/v1/items/${CAMPAIGN}/X99001/PRAC-03/history`, token);
      assert.equal(history.status, 200, history.text);
      assert.doesNotMatch(history.text, new RegExp(PRACTICE_STAFF));
      assert.match(history.text, /Test Person/);
    });
  });

  describe('reads and changes what a person may', () => {
    it('updates a status through the same rules as cards, and refuses a stale version with 409', async () => {
      const token = await entra.sign(PRACTICE_STAFF);
      const path = `/api/v1/items/${CAMPAIGN}/X99001/PRAC-04/status`;
      const first = await call(path, token, {
        method: 'POST',
        body: { status: 'blocked', note: 'Waiting for the supplier', version: 1 },
      });
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.body, {
        outcome: 'changed',
        version: 2,
        status: 'blocked',
        note: 'Waiting for the supplier',
      });
      const stale = await call(path, token, {
        method: 'POST',
        body: { status: 'done', version: 1 },
      });
      assert.equal(stale.status, 409, stale.text);
      assert.match(stale.type, /problem\+json/);
      assert.match((stale.body as { detail: string }).detail, /another window|since you looked/);
      const history = await call(`/api/v1/items/${CAMPAIGN}/X99001/PRAC-04/history`, token);
      const events = (history.body as { events: { to: string; surface: string }[] }).events;
      assert.deepEqual(
        events.map((e) => [e.to, e.surface]),
        [['blocked', 'tab']],
      );
    });

    it('lists the blocked item with its note for the PCN lead, and exports it as CSV', async () => {
      const token = await entra.sign(PCN_LEAD);
      const blocked = await call('/api/v1/orgs/U99901/blocked', token);
      const rows = (blocked.body as { rows: { actionId: string; note: string }[] }).rows;
      assert.ok(
        rows.some((r) => r.actionId === 'PRAC-04' && r.note === 'Waiting for the supplier'),
      );
      const csv = await call('/api/v1/orgs/U99901/export.csv?view=blocked', token);
      assert.equal(csv.status, 200);
      assert.match(csv.type, /^text\/csv/);
      assert.match(
        csv.text,
        /X99001,Demo Bridgefoot Surgery,PRAC-04,.*Blocked,.*Waiting for the supplier,Test Person/,
      );
    });

    it('pages the overdue list', async () => {
      const token = await entra.sign(PCN_LEAD);
      const all = (await call('/api/v1/orgs/U99901/overdue?limit=200', token)).body as {
        total: number;
        rows: unknown[];
      };
      assert.ok(all.total > 2, `overdue items: ${all.total}`);
      const first = (await call('/api/v1/orgs/U99901/overdue?limit=2', token)).body as {
        rows: unknown[];
        next: number;
      };
      assert.equal(first.rows.length, 2);
      assert.equal(first.next, 2);
      const second = (await call('/api/v1/orgs/U99901/overdue?limit=2&offset=2', token)).body as {
        rows: unknown[];
      };
      assert.deepEqual(second.rows[0], all.rows[2]);
      const bad = await call('/api/v1/orgs/U99901/overdue?limit=5000', token);
      assert.equal(bad.status, 400);
    });

    it('neutralises a note that a spreadsheet would run as a formula', async () => {
      const token = await entra.sign(PRACTICE_STAFF);
      await call(`/api/v1/items/${CAMPAIGN}/X99001/PRAC-05/status`, token, {
        method: 'POST',
        body: { status: 'blocked', note: '=HYPERLINK("http://x")', version: 1 },
      });
      const csv = await call('/api/v1/orgs/X99001/export.csv?view=blocked', token);
      assert.match(csv.text, /'=HYPERLINK/);
    });

    it('refuses a body over the size limit with 413', async () => {
      const token = await entra.sign(PRACTICE_STAFF);
      const res = await call(`/api/v1/items/${CAMPAIGN}/X99001/PRAC-06/status`, token, {
        method: 'POST',
        body: { status: 'done', version: 1, note: 'x'.repeat(20_000) },
      });
      assert.equal(res.status, 413);
      assert.match(res.type, /problem\+json/);
    });

    it('slows down one person who sends too many requests, with Retry-After', async () => {
      const token = await entra.sign(NOBODY);
      let limited: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 300 && !limited; i++) {
        const res = await call('/api/v1/me', token);
        if (res.status === 429) limited = res;
      }
      assert.ok(limited, 'a 429 came');
      assert.ok(Number(limited.res.headers.get('retry-after')) >= 1);
      // Someone else is not slowed down by it.
      assert.equal((await call('/api/v1/me', await entra.sign(PCN_LEAD))).status, 200);
    });
  });
});

describe('the dashboard tab API in local mode', function () {
  this.timeout(60_000);
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    await service?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  it('answers this computer as the development user, clearly marked', async () => {
    const res = await fetch(`${service.url}/api/v1/me`);
    const body = (await res.json()) as {
      user: { name: string; development: boolean };
      organisations: { code: string }[];
    };
    assert.equal(res.status, 200);
    assert.equal(body.user.development, true);
    assert.match(body.user.name, /Development user/);
    assert.ok(body.organisations.some((o) => o.code === 'Y63'));
  });

  it('refuses a token it has no app identity to check', async () => {
    const res = await fetch(`${service.url}/api/v1/me`, {
      headers: { authorization: 'Bearer abcdefghijklmnopqrstuvwxyz.abc.def' },
    });
    assert.equal(res.status, 401);
  });
});
