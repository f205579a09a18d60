import assert from 'node:assert/strict';
import { ConfigError, describeConfig, loadConfig } from '../../src/config/load-config';

const APP_ID = '0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69';
const TENANT = '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/bot');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.problems];
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to local mode on 127.0.0.1:3978 with embedded storage when nothing is set', () => {
    const config = loadConfig({}, '/srv/bot');
    assert.equal(config.mode, 'local');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3978);
    assert.equal(config.bot, undefined);
    assert.deepEqual(config.storage, { kind: 'embedded', dataDir: '/srv/bot/.data/azurite' });
    assert.deepEqual(config.allowedTenantIds, []);
  });

  it('treats empty values as unset', () => {
    assert.equal(loadConfig({ MicrosoftAppId: '', PORT: ' ' }, '/x').mode, 'local');
  });

  it('selects production when an app id is set, and reads a single-tenant identity', () => {
    const config = loadConfig(
      {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 's3cret',
        MicrosoftAppTenantId: TENANT,
        STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      },
      '/x',
    );
    assert.equal(config.mode, 'production');
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.bot, {
      appType: 'SingleTenant',
      appId: APP_ID,
      password: 's3cret',
      tenantId: TENANT,
    });
    assert.deepEqual(
      config.allowedTenantIds,
      [TENANT],
      'the app’s own tenant is allowed by default',
    );
  });

  it('accepts a user-assigned managed identity without a secret', () => {
    const config = loadConfig(
      {
        MicrosoftAppId: APP_ID,
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: TENANT,
        STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      },
      '/x',
    );
    assert.deepEqual(config.bot, { appType: 'UserAssignedMSI', appId: APP_ID, tenantId: TENANT });
  });

  it('refuses production without credentials and names every missing setting at once', () => {
    const problems = problemsOf({ ARB_MODE: 'production' });
    const names = problems.map((p) => p.split(':')[0]);
    assert.deepEqual(
      names.sort(),
      [
        'ALLOWED_TENANT_IDS',
        'MicrosoftAppId',
        'MicrosoftAppPassword',
        'MicrosoftAppTenantId',
        'STORAGE_CONNECTION_STRING',
      ].sort(),
    );
    assert.ok(
      problems.every((p) => p.length > 40),
      'each problem says how to fix it',
    );
  });

  it('reports every malformed value at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      MicrosoftAppId: 'not-a-guid',
      LOG_LEVEL: 'loud',
      ARB_MODE: 'staging',
    });
    assert.equal(problems.length, 4);
    assert.ok(problems.some((p) => p.startsWith('PORT: must be a whole number')));
    assert.ok(problems.some((p) => p.startsWith('MicrosoftAppId: must be a GUID')));
    assert.ok(problems.some((p) => p.startsWith('LOG_LEVEL:')));
    assert.ok(problems.some((p) => p.startsWith('ARB_MODE:')));
  });

  it('refuses to listen beyond loopback in local mode, because local mode accepts unauthenticated requests', () => {
    const [problem] = problemsOf({ HOST: '0.0.0.0' });
    assert.match(problem ?? '', /^HOST: local mode accepts unauthenticated requests/);
  });

  it('refuses local mode with an app id set', () => {
    assert.match(problemsOf({ ARB_MODE: 'local', MicrosoftAppId: APP_ID })[0] ?? '', /^ARB_MODE:/);
  });

  it('refuses tenant ids that are not GUIDs in the allow-list', () => {
    assert.match(
      problemsOf({ ALLOWED_TENANT_IDS: `${TENANT}, contoso.com` })[0] ?? '',
      /"contoso.com" is not a tenant id/,
    );
  });

  it('lower-cases allowed tenant ids so comparisons are exact', () => {
    assert.deepEqual(
      loadConfig({ ALLOWED_TENANT_IDS: TENANT.toUpperCase() }, '/x').allowedTenantIds,
      [TENANT],
    );
  });

  it('never includes the secret or the connection string in its loggable description', () => {
    const config = loadConfig(
      {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'hunter2-secret',
        MicrosoftAppTenantId: TENANT,
        STORAGE_CONNECTION_STRING: 'AccountName=x;AccountKey=topsecretkey==',
      },
      '/x',
    );
    const text = JSON.stringify(describeConfig(config));
    assert.doesNotMatch(text, /hunter2|topsecretkey/);
  });
});
