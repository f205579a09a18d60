import assert from 'node:assert/strict';
import {
  createTokenProvider,
  GRAPH_AUDIENCE,
  type CredentialsFactory,
} from '../../src/proactive/create-token-provider';

const IDENTITY = {
  appType: 'SingleTenant' as const,
  appId: '0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69',
  password: 'secret',
  tenantId: '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f',
};

describe('the Bot Connector token provider', () => {
  it('asks again after a rejected credentials request instead of failing for good', async () => {
    let calls = 0;
    const factory: CredentialsFactory = {
      createCredentials: async () => {
        calls += 1;
        if (calls === 1) throw new Error('AADSTS7000215: Invalid client secret provided.');
        return { getToken: async () => 'token-2' };
      },
    };
    const getToken = createTokenProvider(IDENTITY, factory);
    await assert.rejects(getToken(), /Invalid client secret/);
    assert.equal(await getToken(), 'token-2');
    assert.equal(await getToken(), 'token-2');
    assert.equal(calls, 2, 'credentials are kept once created');
  });

  it('gives no token in local mode', async () => {
    assert.equal(await createTokenProvider(undefined)(), undefined);
  });

  it('asks for a Graph token with the bot’s own identity when given Graph’s audience', async () => {
    const asked: string[] = [];
    const factory: CredentialsFactory = {
      createCredentials: async (appId, audience, login) => {
        asked.push(`${appId} ${audience} ${login}`);
        return { getToken: async () => `token for ${audience}` };
      },
    };
    assert.equal(
      await createTokenProvider(IDENTITY, factory, GRAPH_AUDIENCE)(),
      'token for https://graph.microsoft.com',
    );
    assert.equal(
      await createTokenProvider(IDENTITY, factory)(),
      'token for https://api.botframework.com',
    );
    assert.deepEqual(asked, [
      `${IDENTITY.appId} https://graph.microsoft.com https://login.microsoftonline.com/${IDENTITY.tenantId}`,
      `${IDENTITY.appId} https://api.botframework.com https://login.microsoftonline.com/${IDENTITY.tenantId}`,
    ]);
  });
});
