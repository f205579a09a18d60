import assert from 'node:assert/strict';
import { createLogger } from '../../src/logging/create-logger';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { FakeConnector } from '../support/fake-connector';
import { FakeOpenId } from '../support/fake-openid';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import { cardAction, TEAM_ID, TENANT_ID } from '../support/teams-activities';

const APP_ID = '0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69';
const OTHER_TENANT = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
// What an anonymous caller must never be shown.
const INTERNALS =
  /request to|ECONNREFUSED|127\.0\.0\.1|Failed to load|invalid signature|fetch|metadata/i;

describe('authentication of /api/messages in production mode', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let connector: FakeConnector;
  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    connector = await new FakeConnector().start();
  });
  after(async () => {
    await connector?.stop();
    await azurite?.stop();
  });

  async function startWith(openId: FakeOpenId, env: Record<string, string> = {}) {
    return startTestService({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: TENANT_ID,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      BOT_OPENID_METADATA_URL: openId.metadataUrl,
      HOST: '127.0.0.1',
      ...env,
    });
  }

  const withToken = (service: TestService, body: unknown, token: string) =>
    service.post(body, { headers: { authorization: `Bearer ${token}` } });

  describe('when the signing keys cannot be fetched', () => {
    let openId: FakeOpenId;
    let service: TestService;
    before(async () => {
      openId = await new FakeOpenId().start();
      service = await startWith(openId);
    });
    after(async () => {
      await service?.stop();
      await openId?.stop();
      if (service) removeDataDir(service.dataDir);
    });

    for (const mode of ['failing', 'slow', 'down'] as const) {
      it(`answers a forged token with 401 or 503 and no internals when the metadata endpoint is ${mode}, and logs why`, async () => {
        if (mode === 'down') await openId.stop();
        else openId.mode = mode;
        const logged = service.logs.length;
        const started = Date.now();
        const res = await withToken(
          service,
          cardAction(connector.url, 'showHelp'),
          openId.forgedToken(APP_ID, connector.url),
        );
        const took = Date.now() - started;
        assert.ok([401, 503].includes(res.status), `status ${res.status}`);
        assert.doesNotMatch(JSON.stringify(res.body), INTERNALS);
        assert.ok(took < 6_000, `answered in ${took} ms, within the time Teams waits`);
        const cause = service.logs
          .slice(logged)
          .find((l) => Number(l['level']) >= 40 && /token/.test(String(l['msg'])));
        assert.ok(cause, 'the cause is logged');
        assert.ok(cause['err'], 'with the underlying error');
      });
    }
  });

  describe('with the signing keys available', () => {
    let openId: FakeOpenId;
    let service: TestService;
    before(async () => {
      openId = await new FakeOpenId().start();
      service = await startWith(openId);
    });
    after(async () => {
      await service?.stop();
      await openId?.stop();
      if (service) removeDataDir(service.dataDir);
    });

    it('answers a token signed by a key the metadata does not publish with 401, no internals', async () => {
      const res = await withToken(
        service,
        cardAction(connector.url, 'showHelp'),
        openId.forgedToken(APP_ID, connector.url),
      );
      assert.equal(res.status, 401);
      assert.doesNotMatch(JSON.stringify(res.body), INTERNALS);
    });

    it('processes a properly signed Teams activity', async () => {
      const res = await withToken(
        service,
        cardAction(connector.url, 'showHelp'),
        openId.token(APP_ID, connector.url),
      );
      assert.equal(res.status, 200);
      assert.match(JSON.stringify(res.body), /What I can do/);
    });

    it('refuses an authenticated activity from a channel other than Teams (Web Chat, Direct Line)', async () => {
      for (const channelId of ['webchat', 'directline', 'emulator']) {
        const activity = { ...cardAction(connector.url, 'showHelp'), channelId };
        const res = await withToken(service, activity, openId.token(APP_ID, connector.url));
        assert.equal(res.status, 403, channelId);
        assert.doesNotMatch(JSON.stringify(res.body), /What I can do/);
      }
    });

    it('checks the tenant only after the token: a forged token learns nothing about which tenants are allowed', async () => {
      const otherTenant = cardAction(connector.url, 'showHelp');
      (otherTenant['channelData'] as { tenant: { id: string } }).tenant.id = OTHER_TENANT;
      (otherTenant['conversation'] as { tenantId: string }).tenantId = OTHER_TENANT;
      const allowed = cardAction(connector.url, 'showHelp');
      const forged = openId.forgedToken(APP_ID, connector.url);
      const forgedOther = await withToken(service, otherTenant, forged);
      const forgedAllowed = await withToken(service, allowed, forged);
      assert.equal(forgedOther.status, 401);
      assert.deepEqual(forgedOther, forgedAllowed, 'the same answer whatever the tenant');
      // With a real token the allow-list applies.
      const real = await withToken(service, otherTenant, openId.token(APP_ID, connector.url));
      assert.equal(real.status, 403);
      assert.deepEqual(await service.storage.conversations.listTeam(TEAM_ID), []);
    });
  });
});
