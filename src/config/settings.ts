/** One configuration setting as documented in the README (generated from this table). */
export interface SettingDoc {
  name: string;
  default: string;
  description: string;
}

/** Every environment variable the service reads; `loadConfig` reads exactly these. */
export const SETTINGS: readonly SettingDoc[] = [
  {
    name: 'ARB_MODE',
    default: '`local` when `MicrosoftAppId` is empty, otherwise `production`',
    description:
      '`local` listens on loopback only and accepts unauthenticated requests from local tools; `production` requires the bot identity and authenticates every request.',
  },
  {
    name: 'HOST',
    default: '`127.0.0.1` (local), `0.0.0.0` (production)',
    description: 'Address to listen on. Local mode refuses anything but a loopback address.',
  },
  {
    name: 'PORT',
    default: '`3978`',
    description:
      'HTTP port for `/api/messages`, `/api/jobs/<name>`, `/healthz` and `/readyz` (`0` picks a free port).',
  },
  {
    name: 'MicrosoftAppId',
    default: '(empty)',
    description:
      'The Azure Bot registration’s app (client) id, a GUID. Setting it selects production mode.',
  },
  {
    name: 'MicrosoftAppType',
    default: '`SingleTenant`',
    description:
      '`SingleTenant`, `UserAssignedMSI` (managed identity) or `MultiTenant` (existing registrations only).',
  },
  {
    name: 'MicrosoftAppPassword',
    default: '(empty)',
    description:
      'Client secret of the app registration. Required unless `MicrosoftAppType` is `UserAssignedMSI`. Never logged.',
  },
  {
    name: 'MicrosoftAppTenantId',
    default: '(empty)',
    description:
      'Entra tenant id of the bot registration. Required for `SingleTenant` and `UserAssignedMSI`.',
  },
  {
    name: 'ALLOWED_TENANT_IDS',
    default: 'production: `MicrosoftAppTenantId`; local: any',
    description:
      'Comma-separated Entra tenant ids whose Teams traffic is accepted; activities from other tenants get 403 and change nothing.',
  },
  {
    name: 'BOOTSTRAP_ADMINISTRATORS',
    default: '(empty)',
    description:
      'Comma-separated Entra object ids (GUIDs, shown by the bot’s `whoami`) made administrators of all of England at every start, so the first administrator can link channels and grant roles from Teams. Later administrators are granted with `npm run admin -- grant-role`.',
  },
  {
    name: 'STORAGE_CONNECTION_STRING',
    default: '(empty: embedded Azurite)',
    description:
      'Azure Storage connection string for the Table service (shared key). Empty in local mode starts Azurite on a free loopback port; production needs this or `STORAGE_ACCOUNT_URL`.',
  },
  {
    name: 'STORAGE_ACCOUNT_URL',
    default: '(empty)',
    description:
      'The storage account’s Table endpoint, e.g. `https://<account>.table.core.windows.net`, reached with a Microsoft Entra token instead of a key (the way to go when the account has shared-key access disabled). Set this or `STORAGE_CONNECTION_STRING`, not both. The identity needs the "Storage Table Data Contributor" role on the account.',
  },
  {
    name: 'MANAGED_IDENTITY_CLIENT_ID',
    default: '`MicrosoftAppId` when `MicrosoftAppType` is `UserAssignedMSI`',
    description:
      'Client id of the user-assigned managed identity that reaches `STORAGE_ACCOUNT_URL` (`ManagedIdentityCredential`). Required in production with `STORAGE_ACCOUNT_URL` unless the bot itself runs as a user-assigned identity, which is then used. In local mode, leaving it empty uses your own Azure sign-in (`DefaultAzureCredential`: Azure CLI, VS Code, environment variables) as a developer convenience; production never does.',
  },
  {
    name: 'LOCAL_MODE_REMOTE_STORAGE',
    default: '`false`',
    description:
      '`true` lets local mode (unauthenticated, demo roles for everyone) use a `STORAGE_CONNECTION_STRING` or `STORAGE_ACCOUNT_URL` that is not a loopback Azurite. Off by default, so a local run never touches real data by accident.',
  },
  {
    name: 'DATA_DIR',
    default: '`.data`',
    description:
      'Folder for the embedded Azurite’s data (kept across restarts) and other local state.',
  },
  {
    name: 'LOG_LEVEL',
    default: '`info`',
    description:
      'One of `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`. Logs are JSON lines on stdout.',
  },
  {
    name: 'PROACTIVE_RATE_PER_SECOND',
    default: '`50`',
    description:
      'Most proactive sends per second from the whole service, all instances and conversations together (Teams allows about 50 per app per tenant). Instances share it by themselves: each writes a heartbeat to Table Storage every 3 s and sends at most this divided by the instances seen in the last 9 s; set the same value on every instance.',
  },
  {
    name: 'SHUTDOWN_TIMEOUT_SECONDS',
    default: '`25`',
    description:
      'How long a stop (SIGTERM, SIGINT) may take in all: requests and jobs in flight are drained and told to stop within it. Keep it under the platform’s grace period (30 s on Azure App Service and Container Apps).',
  },
  {
    name: 'TEAMS_APP_ID',
    default: '`5d0c7a52-3c4e-4b8f-9a57-3f1c2b6d8e10`',
    description:
      'Id of the Teams app package written by `npm run package` (not the bot id). Use your own GUID per environment.',
  },
  {
    name: 'SCHEDULER_ENABLED',
    default: '`true`',
    description:
      '`true` runs scheduled jobs from this service (one instance at a time leads, through a lease in Table Storage; another takes over within about two minutes if it stops). `false` runs them only when triggered with `POST /api/jobs/<name>` (an Azure Functions timer or Logic App).',
  },
  {
    name: 'NUDGE_SCHEDULE',
    default: '`08:30` (working days)',
    description:
      'When the deadline nudges run, in UK time (GMT/BST). `08:30` = working days; `every day 08:30`; a weekday and time such as `Monday 09:00`; or a 5-field cron expression such as `30 8 * * 1-5` (prefix `working days` to skip bank holidays too).',
  },
  {
    name: 'DIGEST_SCHEDULE',
    default: '`Monday 09:00`',
    description:
      'When the weekly regional digest runs, in UK time; same forms as `NUDGE_SCHEDULE`. A weekday schedule that falls on a bank holiday runs on the next working day.',
  },
  {
    name: 'DIGEST_DETAIL_URL',
    default: 'the dashboard tab at the region (a Teams deep link to `TEAMS_APP_ID`)',
    description:
      'Where the weekly digest\'s **Full detail** button goes, e.g. a report instead of the dashboard tab; `{region}` and `{campaign}` are replaced by the region code and campaign id. The default is `https://teams.microsoft.com/l/entity/<TEAMS_APP_ID>/dashboard?context={"subEntityId":"{region}"}` (URL-encoded), which opens the tab at that region.',
  },
  {
    name: 'SKIP_BANK_HOLIDAYS',
    default: '`true`',
    description:
      '`true`: England and Wales bank holidays (computed for any year; one-offs in `data/bank-holidays.json`) are not working days, so working-day schedules skip them. `false`: only weekends are skipped.',
  },
  {
    name: 'PURGE_SCHEDULE',
    default: '`every day 02:30`',
    description:
      'When the retention purge runs, in UK time; same forms as `NUDGE_SCHEDULE`. It deletes what is past the retention periods below, a bounded page at a time; running it again deletes nothing more.',
  },
  {
    name: 'RETENTION_OUTBOX_DAYS',
    default: '`30`',
    description:
      'Days a sent or failed proactive message (outbox entry, with its card and recipient) is kept after it finished; then the purge deletes it. The messages that place a running campaign’s cards are kept while the campaign runs (later updates edit those cards). From 1 to 3650.',
  },
  {
    name: 'RETENTION_JOB_RUNS_DAYS',
    default: '`90`',
    description:
      'Days the record of a finished scheduled job run (its summary and error) is kept. From 35 (the weekly digest compares with runs up to five weeks back) to 3650.',
  },
  {
    name: 'RETENTION_HISTORY_DAYS_AFTER_CLOSE',
    default: '`365`',
    description:
      'Status history (who changed which item, when, with what note) is kept for the whole life of a campaign and for this many days after it closes; then the purge deletes it. Items keep their final status. From 0 to 3650.',
  },
  {
    name: 'BOT_OPENID_METADATA_URL',
    default: '(empty: the Bot Framework’s)',
    description:
      'Tests only: a loopback `http://127.0.0.1:<port>/…` OpenID metadata document whose keys incoming tokens are checked against. Leave it empty in production.',
  },
  {
    name: 'TAB_PUBLIC_URL',
    default: '(empty)',
    description:
      'The https:// origin the service (and its dashboard tab at `/tab/`) is published at, e.g. `https://access.example.nhs.uk`. `npm run package` puts it in the manifest (tabs, `validDomains`, `webApplicationInfo`); the tab API also accepts SSO tokens for `api://<its host>/botid-<MicrosoftAppId>`.',
  },
  {
    name: 'TAB_SSO_JWKS_URL',
    default: '(empty: Microsoft Entra’s)',
    description:
      'Tests only: a loopback `http://127.0.0.1:<port>/…` address of the signing keys (JWKS) the tab API checks SSO tokens against; `{tenant}` is replaced by the tenant id. Leave it empty in production.',
  },
  {
    name: 'JOBS_SECRET',
    default: '(empty: trigger off)',
    description:
      'Secret for `POST /api/jobs/<name>` (header `x-jobs-secret` or `Authorization: Bearer`), so an external scheduler can trigger jobs; a wrong or missing secret gets 401 and nothing runs. At least 32 characters in production. Empty switches the trigger off (403). Never logged.',
  },
  {
    name: 'GRAPH_INSTALL_FOR_USERS',
    default: '`false`',
    description:
      '`true`: when Teams refuses to start a 1:1 chat with someone who has a role but never opened the bot (the app is not installed for them), the bot installs its app for that person through Microsoft Graph and sends the reminder. Needs the Graph application permission `TeamsAppInstallation.ReadWriteSelfForUser.All` with admin consent, the app in your organisation’s catalog and `TEAMS_CATALOG_APP_ID`. `false`: such people are shown as "not reachable 1:1" in delivery health.',
  },
  {
    name: 'TEAMS_CATALOG_APP_ID',
    default: '(empty)',
    description:
      "The app’s id in your organisation’s Teams app catalog (not the manifest’s `TEAMS_APP_ID`): `GET https://graph.microsoft.com/v1.0/appCatalogs/teamsApps?$filter=externalId eq '<TEAMS_APP_ID>'` shows it as `id`. Required when `GRAPH_INSTALL_FOR_USERS` is `true`.",
  },
  {
    name: 'GRAPH_BASE_URL',
    default: '`https://graph.microsoft.com/v1.0`',
    description:
      'Microsoft Graph endpoint for installing the app for people (`GRAPH_INSTALL_FOR_USERS`). Change it only for a national cloud, or in tests to a loopback `http://127.0.0.1:<port>` fake.',
  },
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
    default: '(empty: no telemetry)',
    description:
      'Application Insights connection string (the resource → Overview → Connection String). Set: traces of turns, job runs and sends, and the metrics listed under Telemetry below, go to Application Insights; never message text, names or ids of people. Empty: nothing is sent anywhere. Never logged.',
  },
];
