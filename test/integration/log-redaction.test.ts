import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/create-logger';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { FakeConnector } from '../support/fake-connector';
import { FakeOpenId } from '../support/fake-openid';
import { removeDataDir, startTestService } from '../support/start-test-service';
import { cardAction, TENANT_ID } from '../support/teams-activities';

const APP_ID = '0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69';
const PASSWORD = 'Pw~8Q-appPasswordNeverLogged-71f3';
const JOBS_SECRET = 'jobsSecretNeverLogged-4c1b9e7a5d2f1c3b4a69';
const BEARER = 'eyJhbGciOiJSUzI1NiJ9.bearerNeverLogged.c2ln';
const SAS_SIG = 'sasSignatureNeverLogged%2Bx%3D';

/** Every secret, and where one was found in a line. */
function findSecrets(lines: string[], secrets: string[]): string[] {
  const found: string[] = [];
  for (const line of lines) {
    for (const secret of secrets) if (line.includes(secret)) found.push(`${secret} in ${line}`);
    // An Authorization value of the storage SDK: "SharedKey <account>:<signature>".
    if (/SharedKey(Lite)? [^\s"[]/.test(line)) found.push(`a SharedKey signature in ${line}`);
  }
  return found;
}

describe('secrets in logs', function () {
  this.timeout(60_000);

  it('are redacted in nested fields, child bindings, messages, SDK errors and their causes', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'trace',
      new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(...chunk.toString().split('\n').filter(Boolean));
          done();
        },
      }),
    );
    const accountKey = 'QWNjb3VudEtleU5ldmVyTG9nZ2Vk';
    const connectionString = `DefaultEndpointsProtocol=https;AccountName=arb;AccountKey=${accountKey};EndpointSuffix=core.windows.net`;
    // Shaped like an SDK error that keeps its request enumerable (older Azure SDKs, node-fetch).
    const sdkError = Object.assign(new Error('Server failed to authenticate the request'), {
      name: 'RestError',
      statusCode: 403,
      request: {
        url: `https://arb.table.core.windows.net/Items?sv=2024&sig=${SAS_SIG}`,
        headers: {
          Authorization: 'SharedKey arb:c2lnbmF0dXJlTmV2ZXJMb2dnZWQ=',
          'x-ms-version': '2025-11-05',
        },
        body: `client_id=x&client_secret=${PASSWORD}&grant_type=client_credentials`,
      },
    });
    const wrapped = new Error(`storage is not answering (${connectionString})`, {
      cause: sdkError,
    });
    logger.error({ err: wrapped }, 'storage failed');
    logger.error(sdkError);
    logger.warn(
      { detail: { config: { bot: { password: PASSWORD } }, jobs: { jobsSecret: JOBS_SECRET } } },
      'nested',
    );
    logger.info(
      { options: [{ connectionString }, { headers: { authorization: `Bearer ${BEARER}` } }] },
      'arrays',
    );
    logger
      .child({ scope: { credential: PASSWORD } })
      .child({ token: BEARER })
      .info('children');
    logger.warn(`message quoting AccountKey=${accountKey} and Bearer ${BEARER}`);
    assert.ok(lines.length >= 6);
    assert.deepEqual(
      findSecrets(lines, [
        PASSWORD,
        JOBS_SECRET,
        BEARER,
        accountKey,
        SAS_SIG,
        'c2lnbmF0dXJlTmV2ZXJMb2dnZWQ',
      ]),
      [],
    );
    assert.match(lines[0] ?? '', /"statusCode":403/, 'what is not secret is kept');
  });

  describe('from the running service in production mode, through failures', () => {
    let azurite: EmbeddedAzurite;
    before(async () => {
      azurite = await startAzurite({ logger: createLogger('silent') });
    });
    after(() => azurite?.stop());

    it('never appear in any log line', async () => {
      const connector = await new FakeConnector().start();
      const openId = await new FakeOpenId().start();
      const service = await startTestService({
        LOG_LEVEL: 'trace',
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: PASSWORD,
        MicrosoftAppTenantId: TENANT_ID,
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        BOT_OPENID_METADATA_URL: openId.metadataUrl,
        JOBS_SECRET,
        HOST: '127.0.0.1',
      });
      const accountKey = /AccountKey=([^;]+)/.exec(azurite.connectionString)?.[1] ?? '?';
      try {
        const jobs = (headers: Record<string, string>) =>
          fetch(`${service.url}/api/jobs/nudges?wait=0`, { method: 'POST', headers });
        await jobs({ authorization: `Bearer ${JOBS_SECRET}x` });
        await jobs({ 'x-jobs-secret': `${JOBS_SECRET.slice(0, -1)}` });
        await jobs({ authorization: `Bearer ${JOBS_SECRET}` });
        await service.post(cardAction(connector.url, 'showHelp'), {
          headers: { authorization: `Bearer ${openId.forgedToken(APP_ID, connector.url)}` },
        });
        const token = openId.token(APP_ID, connector.url);
        await service.post(cardAction(connector.url, 'showHelp'), {
          headers: { authorization: `Bearer ${token}` },
        });
        await azurite.stop();
        await fetch(`${service.url}/readyz`);
        await service.post(
          cardAction(connector.url, 'refreshCard', {
            view: 'items',
            campaignId: 'c',
            orgCode: 'X99001',
          }),
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        await openId.stop();
        await service.post(cardAction(connector.url, 'showHelp'), {
          headers: { authorization: `Bearer ${openId.forgedToken(APP_ID, connector.url)}` },
        });
        const lines = service.logs.map((l) => JSON.stringify(l));
        assert.ok(
          lines.some((l) => /"level":[45]0/.test(l)),
          'failures were logged',
        );
        assert.deepEqual(findSecrets(lines, [PASSWORD, JOBS_SECRET, accountKey, token]), []);
      } finally {
        await service.stop();
        await openId.stop();
        await connector.stop();
        removeDataDir(service.dataDir);
      }
    });
  });
});
