import { resolveDetailUrl } from '../../src/domain/digests/run-digests';
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
  it('reads the first administrators from BOOTSTRAP_ADMINISTRATORS, and says what a bad id is', () => {
    const config = loadConfig(
      { BOOTSTRAP_ADMINISTRATORS: ` ${APP_ID.toUpperCase()} ,` },
      '/srv/bot',
    );
    assert.deepEqual(config.bootstrapAdministrators, [APP_ID]);
    assert.match(
      problemsOf({ BOOTSTRAP_ADMINISTRATORS: 'priya@nhs.net' }).join('\n'),
      /BOOTSTRAP_ADMINISTRATORS: "priya@nhs.net" is not an Entra object id \(a GUID\).*whoami/,
    );
  });

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
        'STORAGE_ACCOUNT_URL',
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
    assert.ok(problems.some((p) => p.startsWith('PORT: must be a whole number')));
    assert.ok(problems.some((p) => p.startsWith('MicrosoftAppId: must be a GUID')));
    assert.ok(problems.some((p) => p.startsWith('LOG_LEVEL:')));
    assert.ok(problems.some((p) => p.startsWith('ARB_MODE:')));
  });

  it('reports a malformed app id together with every other missing setting', () => {
    const problems = problemsOf({ MicrosoftAppId: 'not-a-guid' });
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]).sort(),
      [
        'ALLOWED_TENANT_IDS',
        'MicrosoftAppId',
        'MicrosoftAppPassword',
        'MicrosoftAppTenantId',
        'STORAGE_ACCOUNT_URL',
      ].sort(),
    );
    assert.match(problems.join('\n'), /MicrosoftAppId: must be a GUID/);
  });

  it('refuses to listen beyond loopback in local mode, because local mode accepts unauthenticated requests', () => {
    const [problem] = problemsOf({ HOST: '0.0.0.0' });
    assert.match(problem ?? '', /^HOST: local mode accepts unauthenticated requests/);
  });

  it('keeps local mode to local data: a storage account needs LOCAL_MODE_REMOTE_STORAGE=true', () => {
    const account =
      'DefaultEndpointsProtocol=https;AccountName=arbprod;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net';
    assert.match(
      problemsOf({ STORAGE_CONNECTION_STRING: account })[0] ?? '',
      /^STORAGE_CONNECTION_STRING: local mode .* is not a loopback Azurite/,
    );
    assert.equal(
      loadConfig({ STORAGE_CONNECTION_STRING: account, LOCAL_MODE_REMOTE_STORAGE: 'true' }, '/x')
        .storage.kind,
      'account',
    );
    for (const local of [
      'UseDevelopmentStorage=true',
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;',
      'AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://localhost:41000/devstoreaccount1',
    ])
      assert.equal(loadConfig({ STORAGE_CONNECTION_STRING: local }, '/x').mode, 'local', local);
    assert.match(
      problemsOf({
        STORAGE_CONNECTION_STRING:
          'AccountName=x;AccountKey=a2V5;TableEndpoint=http://127.0.0.1.evil.example/x',
      })[0] ?? '',
      /not a loopback Azurite/,
    );
  });

  describe('storage by account URL and managed identity', () => {
    const URL = 'https://arbprod.table.core.windows.net';
    const IDENTITY = 'c7f1b2a4-6d3e-4f8a-9b1c-2e5d7a9f0b13';
    const MSI_BOT = {
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: TENANT,
    };

    it('reaches the account with the bot’s own user-assigned identity by default', () => {
      assert.deepEqual(loadConfig({ ...MSI_BOT, STORAGE_ACCOUNT_URL: `${URL}/` }, '/x').storage, {
        kind: 'identity',
        accountUrl: URL,
        managedIdentityClientId: APP_ID,
      });
    });

    it('prefers MANAGED_IDENTITY_CLIENT_ID, and needs it when the bot has a secret instead', () => {
      const secretBot = {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 's',
        MicrosoftAppTenantId: TENANT,
      };
      assert.deepEqual(
        loadConfig(
          {
            ...secretBot,
            STORAGE_ACCOUNT_URL: URL,
            MANAGED_IDENTITY_CLIENT_ID: IDENTITY.toUpperCase(),
          },
          '/x',
        ).storage,
        { kind: 'identity', accountUrl: URL, managedIdentityClientId: IDENTITY },
      );
      assert.match(
        problemsOf({ ...secretBot, STORAGE_ACCOUNT_URL: URL }).join('\n'),
        /^MANAGED_IDENTITY_CLIENT_ID: required in production with STORAGE_ACCOUNT_URL .*Storage Table Data Contributor/m,
      );
    });

    it('takes exactly one of STORAGE_ACCOUNT_URL and STORAGE_CONNECTION_STRING', () => {
      assert.deepEqual(
        problemsOf({
          ...MSI_BOT,
          STORAGE_ACCOUNT_URL: URL,
          STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
        }),
        [
          'STORAGE_ACCOUNT_URL: set only one of STORAGE_ACCOUNT_URL (managed identity) and STORAGE_CONNECTION_STRING (shared key); remove the connection string to use the managed identity',
        ],
      );
      assert.match(
        problemsOf(MSI_BOT).join('\n'),
        /^STORAGE_ACCOUNT_URL: production needs a storage account/m,
      );
      assert.match(
        problemsOf({
          ...MSI_BOT,
          STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
          MANAGED_IDENTITY_CLIENT_ID: IDENTITY,
        }).join('\n'),
        /^MANAGED_IDENTITY_CLIENT_ID: is only used to reach STORAGE_ACCOUNT_URL/m,
      );
    });

    it('wants the https Table endpoint with no key or SAS token in it', () => {
      for (const bad of [
        'http://arbprod.table.core.windows.net',
        `${URL}/?sv=2024-01-01&sig=abc`,
        'arbprod.table.core.windows.net',
        'AccountName=arbprod;AccountKey=a2V5',
      ])
        assert.match(
          problemsOf({ ...MSI_BOT, STORAGE_ACCOUNT_URL: bad }).join('\n'),
          /^STORAGE_ACCOUNT_URL: must be the storage account’s Table endpoint, an https:\/\/ address/m,
          bad,
        );
      assert.match(
        problemsOf({
          ...MSI_BOT,
          MANAGED_IDENTITY_CLIENT_ID: 'my-identity',
          STORAGE_ACCOUNT_URL: URL,
        }).join('\n'),
        /^MANAGED_IDENTITY_CLIENT_ID: must be a GUID/m,
      );
    });

    it('keeps local mode to loopback, and there offers the developer’s own sign-in', () => {
      assert.match(
        problemsOf({ STORAGE_ACCOUNT_URL: URL })[0] ?? '',
        /^STORAGE_ACCOUNT_URL: local mode .* is not a loopback address/,
      );
      const local = loadConfig(
        { STORAGE_ACCOUNT_URL: 'https://127.0.0.1:10002/devstoreaccount1' },
        '/x',
      );
      assert.deepEqual(local.storage, {
        kind: 'identity',
        accountUrl: 'https://127.0.0.1:10002/devstoreaccount1',
        managedIdentityClientId: undefined,
      });
      assert.match(
        String(describeConfig(local).storage),
        /DefaultAzureCredential, local mode only/,
      );
      assert.equal(
        loadConfig({ STORAGE_ACCOUNT_URL: URL, LOCAL_MODE_REMOTE_STORAGE: 'true' }, '/x').storage
          .kind,
        'identity',
      );
    });
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
  describe('scheduled jobs', () => {
    const PRODUCTION = {
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 's3cret',
      MicrosoftAppTenantId: TENANT,
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    };

    it('defaults to nudges at 08:30 on working days and the digest on Mondays at 09:00, bank holidays skipped, trigger off', () => {
      const config = loadConfig({}, '/x');
      assert.deepEqual(config.scheduler, {
        enabled: true,
        skipBankHolidays: true,
        nudgeSchedule: { kind: 'daily', time: '08:30', workingDaysOnly: true },
        digestSchedule: { kind: 'weekly', weekday: 1, time: '09:00', workingDaysOnly: true },
        purgeSchedule: { kind: 'daily', time: '02:30', workingDaysOnly: false },
      });
      assert.equal(config.jobsSecret, undefined);
    });

    it('reads schedules, switches and the secret', () => {
      const config = loadConfig(
        {
          NUDGE_SCHEDULE: '30 7 * * 1-5',
          DIGEST_SCHEDULE: 'friday 16:00',
          SCHEDULER_ENABLED: 'false',
          SKIP_BANK_HOLIDAYS: 'FALSE',
          JOBS_SECRET: ' short-is-fine-locally ',
        },
        '/x',
      );
      assert.deepEqual(config.scheduler, {
        enabled: false,
        skipBankHolidays: false,
        nudgeSchedule: { kind: 'cron', expression: '30 7 * * 1-5', workingDaysOnly: false },
        digestSchedule: { kind: 'weekly', weekday: 5, time: '16:00', workingDaysOnly: true },
        purgeSchedule: { kind: 'daily', time: '02:30', workingDaysOnly: false },
      });
      assert.equal(config.jobsSecret, 'short-is-fine-locally');
    });

    it("points the digest's Full detail button at the dashboard tab's region unless DIGEST_DETAIL_URL says where", () => {
      const deepLink = new URL(resolveDetailUrl(loadConfig({}, '/x').digestDetailUrl, 'c1', 'Y63'));
      assert.equal(
        `${deepLink.origin}${deepLink.pathname}`,
        'https://teams.microsoft.com/l/entity/5d0c7a52-3c4e-4b8f-9a57-3f1c2b6d8e10/dashboard',
      );
      assert.deepEqual(JSON.parse(deepLink.searchParams.get('context') ?? ''), {
        subEntityId: 'Y63',
      });
      const url = 'https://reports.example.nhs.uk/access/{region}?campaign={campaign}';
      assert.equal(loadConfig({ DIGEST_DETAIL_URL: ` ${url} ` }, '/x').digestDetailUrl, url);
      assert.match(
        problemsOf({ DIGEST_DETAIL_URL: 'http://insecure.example' }).join('\n'),
        /DIGEST_DETAIL_URL: must be an https:\/\/ address/,
      );
    });

    it('says what to type for a schedule that is not a time or cron expression', () => {
      const problems = problemsOf({ NUDGE_SCHEDULE: '8.30am', DIGEST_SCHEDULE: 'Mon 9' });
      assert.equal(problems.length, 2);
      assert.match(
        problems[0] ?? '',
        /^NUDGE_SCHEDULE: "8.30am" is not a schedule\. Type a UK time such as "08:30"/,
      );
      assert.match(problems[1] ?? '', /^DIGEST_SCHEDULE: .*"Monday 09:00"/);
      assert.match(
        problemsOf({ NUDGE_SCHEDULE: '30 8 * *' })[0] ?? '',
        /^NUDGE_SCHEDULE: "30 8 \* \*" has 4 fields, not 5\. A cron expression has five fields/,
      );
    });

    it('refuses switches that are not true or false', () => {
      const problems = problemsOf({ SCHEDULER_ENABLED: 'sometimes', SKIP_BANK_HOLIDAYS: 'y' });
      assert.deepEqual(problems.sort(), [
        'SCHEDULER_ENABLED: must be true or false',
        'SKIP_BANK_HOLIDAYS: must be true or false',
      ]);
    });

    it('needs a job secret of at least 32 characters in production, when one is set', () => {
      assert.equal(loadConfig(PRODUCTION, '/x').jobsSecret, undefined, 'unset: trigger off');
      const [problem] = problemsOf({ ...PRODUCTION, JOBS_SECRET: 'too-short' });
      assert.match(
        problem ?? '',
        /^JOBS_SECRET: must be at least 32 characters in production \(it has 9\); generate one with/,
      );
      const secret = 'x'.repeat(32);
      assert.equal(loadConfig({ ...PRODUCTION, JOBS_SECRET: secret }, '/x').jobsSecret, secret);
    });

    it('never includes the job secret in its loggable description', () => {
      const config = loadConfig({ JOBS_SECRET: 'do-not-log-me-anywhere' }, '/x');
      const text = JSON.stringify(describeConfig(config));
      assert.doesNotMatch(text, /do-not-log-me/);
      assert.match(text, /08:30 UK time on working days/);
    });
  });

  describe('installing the app for people through Graph', () => {
    const CATALOG = '7d3e2f1a-0b9c-4d8e-a7f6-5e4d3c2b1a09';

    it('is off by default, with Graph v1.0 as the endpoint', () => {
      assert.deepEqual(loadConfig({}, '/x').graph, {
        installForUsers: false,
        catalogAppId: undefined,
        baseUrl: 'https://graph.microsoft.com/v1.0',
      });
    });

    it('needs the catalog app id when switched on, and says where to find it', () => {
      const [problem] = problemsOf({ GRAPH_INSTALL_FOR_USERS: 'true' });
      assert.match(
        problem ?? '',
        /^TEAMS_CATALOG_APP_ID: .*appCatalogs\/teamsApps\?\$filter=externalId eq/,
      );
      const config = loadConfig(
        {
          GRAPH_INSTALL_FOR_USERS: 'yes',
          TEAMS_CATALOG_APP_ID: CATALOG,
          GRAPH_BASE_URL: 'http://127.0.0.1:4567/v1.0/',
        },
        '/x',
      );
      assert.deepEqual(config.graph, {
        installForUsers: true,
        catalogAppId: CATALOG,
        baseUrl: 'http://127.0.0.1:4567/v1.0',
      });
      assert.match(JSON.stringify(describeConfig(config)), /on \(catalog app 7d3e2f1a/);
    });

    it('accepts Graph only over https, or plain http on loopback for tests', () => {
      assert.match(
        problemsOf({ GRAPH_BASE_URL: 'http://graph.example.com/v1.0' })[0] ?? '',
        /^GRAPH_BASE_URL: must be an https:\/\/ address/,
      );
      assert.equal(
        loadConfig({ GRAPH_BASE_URL: 'https://graph.microsoft.us/v1.0' }, '/x').graph.baseUrl,
        'https://graph.microsoft.us/v1.0',
      );
    });
  });
});
