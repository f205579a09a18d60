import { isGuid } from '../domain/shared/ids';
import path from 'node:path';
import { z } from 'zod';
import { parseSchedule, describeSchedule, type Schedule } from '../scheduler/schedule';

/** How the bot proves who it is to the Bot Framework (production only). */
export type BotIdentity = (
  | { appType: 'SingleTenant'; appId: string; password: string; tenantId: string }
  | { appType: 'MultiTenant'; appId: string; password: string }
  | { appType: 'UserAssignedMSI'; appId: string; tenantId: string }
) & {
  /** Tests only: a loopback OpenID metadata document to check tokens against. */
  openIdMetadataUrl?: string;
};

/**
 * Where tables live: an embedded Azurite under `dataDir`, a storage account reached by connection
 * string (shared key), or one reached by its Table endpoint URL with an Entra token.
 */
export type StorageConfig =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'account'; connectionString: string }
  | {
      kind: 'identity';
      /** The account's Table endpoint, e.g. https://<account>.table.core.windows.net. */
      accountUrl: string;
      /**
       * The user-assigned managed identity's client id. Undefined only in local mode, where the
       * developer's own sign-in (DefaultAzureCredential: Azure CLI, VS Code, environment) is used.
       */
      managedIdentityClientId: string | undefined;
    };

/** The validated configuration, read once at start and passed down. */
export interface Config {
  mode: 'local' | 'production';
  host: string;
  port: number;
  /** Undefined in local mode: the adapter then accepts unauthenticated requests. */
  bot: BotIdentity | undefined;
  /** Empty means any tenant (local mode only). */
  allowedTenantIds: readonly string[];
  /** Entra object ids made administrators of everything at start (the first administrators). */
  bootstrapAdministrators: readonly string[];
  storage: StorageConfig;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  teamsAppId: string;
  /** Global cap on proactive sends per second from this instance. */
  proactiveRatePerSecond: number;
  /** The whole of a graceful stop: draining requests, stopping jobs and the sender. */
  shutdownTimeoutMs: number;
  scheduler: SchedulerConfig;
  /** Secret callers of POST /api/jobs/<name> must send; undefined switches that trigger off. Never logged. */
  jobsSecret: string | undefined;
  /** Where a digest's "Full detail" button goes; `{region}` and `{campaign}` are filled in. */
  digestDetailUrl: string;
  /** How long stored history is kept before the purge job deletes it. */
  retention: RetentionConfig;
  /** The dashboard tab and its API. */
  tab: TabConfig;
  /** Reaching people 1:1 who never opened the bot, through Microsoft Graph. */
  graph: GraphConfig;
  /** Where traces and metrics go: Application Insights, or nowhere. */
  telemetry: TelemetrySettings;
}

/** Telemetry: the Application Insights connection string, or none (nothing is sent). */
export interface TelemetrySettings {
  /** Never logged. */
  connectionString: string | undefined;
}

/** Installing the app for a person through Microsoft Graph when Teams will not start a 1:1 chat. */
export interface GraphConfig {
  /** Off by default: installing an app for someone is an administrator's decision. */
  installForUsers: boolean;
  /** The app's id in the organisation's catalog; set whenever `installForUsers` is. */
  catalogAppId: string | undefined;
  /** Graph's base URL with its version, without a trailing slash. */
  baseUrl: string;
}

/** Microsoft Graph (global cloud, v1.0). */
export const GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

/** The dashboard tab: where it is published, and how its API checks Teams SSO tokens. */
export interface TabConfig {
  /** Public https origin the tab is served from (manifest, deep links, the `api://` audience). */
  publicUrl: string | undefined;
  /**
   * The signing keys SSO tokens are checked against; `{tenant}` is replaced by the token's
   * allowed tenant id. Microsoft's tenant JWKS unless a test points it at a loopback server.
   */
  jwksUrl: string;
}

/**
 * The Teams deep link that opens the app's dashboard tab (entity `dashboard`) at an organisation:
 * `{region}` is left in for the digest to fill; the tab reads it as its subPageId.
 */
export function tabDeepLink(teamsAppId: string): string {
  const context = `${encodeURIComponent('{"subEntityId":"')}{region}${encodeURIComponent('"}')}`;
  return `https://teams.microsoft.com/l/entity/${teamsAppId}/dashboard?context=${context}`;
}

/** Microsoft's signing keys for one tenant's tokens. */
export const ENTRA_JWKS_URL = 'https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys';

/** Retention periods in days (see the RETENTION_* settings). */
export interface RetentionConfig {
  /** Sent and failed outbox entries, counted from when they finished. */
  outboxDays: number;
  /** Finished job runs, counted from when they finished. */
  jobRunsDays: number;
  /** Status events, counted from when their campaign closed (kept while it runs). */
  historyDaysAfterClose: number;
}

/** Scheduled jobs: whether this instance runs them, the working-day calendar, and their schedules (UK time). */
export interface SchedulerConfig {
  /** false: this instance never runs jobs on its own (an external timer may still trigger them). */
  enabled: boolean;
  /** true: England and Wales bank holidays are not working days. */
  skipBankHolidays: boolean;
  nudgeSchedule: Schedule;
  digestSchedule: Schedule;
  purgeSchedule: Schedule;
}

/** Thrown when configuration is invalid; `problems` names every bad setting and its fix. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `The configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSee the configuration table in README.md.',
    );
    this.name = 'ConfigError';
  }
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

/** True for the development storage shortcut or a Table endpoint on a loopback address. */
function isLoopbackStorage(connectionString: string): boolean {
  if (/(^|;)\s*UseDevelopmentStorage=true/i.test(connectionString)) return true;
  const endpoint = /(?:^|;)\s*TableEndpoint=([^;]+)/i.exec(connectionString)?.[1];
  if (!endpoint) return false;
  try {
    return LOOPBACK.test(new URL(endpoint).hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false; // not a URL: certainly not a loopback Azurite
  }
}
/** An https URL without query or fragment: a SAS token in the query would be a secret in plain sight. */
function isTableEndpoint(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && !url.search && !url.hash && !url.username;
  } catch {
    return false;
  }
}

/** True for a Table endpoint on a loopback address (an Azurite with OAuth). */
function isLoopbackUrl(text: string): boolean {
  try {
    return LOOPBACK.test(new URL(text).hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
}
const DEFAULT_TEAMS_APP_ID = '5d0c7a52-3c4e-4b8f-9a57-3f1c2b6d8e10';
const DEFAULT_NUDGE_SCHEDULE = '08:30';
const DEFAULT_DIGEST_SCHEDULE = 'Monday 09:00';
// The small hours, when nobody presses buttons and the nudges (08:30) have not started.
const DEFAULT_PURGE_SCHEDULE = 'every day 02:30';
const MIN_JOBS_SECRET = 32;

// Empty strings count as "not set": `.env` files and CI variables often carry `X=`.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    schema.optional(),
  );
const flag = () =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' }))
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const days = (min: number, why: string) =>
  z.coerce
    .number({ message: `must be a whole number of days from ${min} to 3650` })
    .int(`must be a whole number of days from ${min} to 3650`)
    .min(min, `must be at least ${min} day${min === 1 ? '' : 's'} (${why})`)
    .max(3650, 'must be at most 3650 days (ten years)');
const guid = (hint: string) =>
  z
    .string()
    .trim()
    .refine(isGuid, `must be a GUID like 00000000-0000-0000-0000-000000000000 (${hint})`);

const envSchema = z.object({
  ARB_MODE: optional(
    z.enum(['local', 'production'], { message: 'must be "local" or "production"' }),
  ),
  HOST: optional(z.string().trim()),
  PORT: optional(
    z.coerce
      .number({ message: 'must be a whole number from 0 to 65535' })
      .int('must be a whole number from 0 to 65535')
      .min(0, 'must be a whole number from 0 to 65535')
      .max(65535, 'must be a whole number from 0 to 65535'),
  ),
  MicrosoftAppId: optional(guid('the Application (client) ID of your Azure Bot registration')),
  MicrosoftAppType: optional(
    z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI'], {
      message: 'must be SingleTenant, MultiTenant or UserAssignedMSI',
    }),
  ),
  MicrosoftAppPassword: optional(z.string()),
  MicrosoftAppTenantId: optional(guid('Microsoft Entra ID → Overview → Tenant ID')),
  ALLOWED_TENANT_IDS: optional(z.string()),
  BOOTSTRAP_ADMINISTRATORS: optional(z.string()),
  STORAGE_CONNECTION_STRING: optional(
    z
      .string()
      .trim()
      .refine(
        (s) => s === 'UseDevelopmentStorage=true' || /(^|;)(TableEndpoint|AccountName)=/i.test(s),
        'does not look like a storage connection string (copy it from the storage account → Access keys)',
      ),
  ),
  STORAGE_ACCOUNT_URL: optional(
    z
      .string()
      .trim()
      .refine(
        isTableEndpoint,
        'must be the storage account’s Table endpoint, an https:// address with no query string or key, e.g. https://<account>.table.core.windows.net',
      ),
  ),
  MANAGED_IDENTITY_CLIENT_ID: optional(
    guid('the Client ID of the user-assigned managed identity, on its Overview page'),
  ),
  LOCAL_MODE_REMOTE_STORAGE: optional(flag()),
  DATA_DIR: optional(z.string().trim()),
  LOG_LEVEL: optional(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
  ),
  PROACTIVE_RATE_PER_SECOND: optional(
    z.coerce
      .number({ message: 'must be a number of sends per second, from 1 to 50' })
      .min(1, 'must be at least 1')
      .max(50, 'must be at most 50 (Teams allows about 50 per second per app)'),
  ),
  SHUTDOWN_TIMEOUT_SECONDS: optional(
    z.coerce
      .number({ message: 'must be a number of seconds, from 1 to 600' })
      .min(1, 'must be at least 1')
      .max(600, 'must be at most 600'),
  ),
  TEAMS_APP_ID: optional(guid('generate one with `node -e "console.log(crypto.randomUUID())"`')),
  JOBS_SECRET: optional(z.string().trim()),
  SCHEDULER_ENABLED: optional(flag()),
  SKIP_BANK_HOLIDAYS: optional(flag()),
  NUDGE_SCHEDULE: optional(z.string()),
  DIGEST_SCHEDULE: optional(z.string()),
  PURGE_SCHEDULE: optional(z.string()),
  RETENTION_OUTBOX_DAYS: optional(days(1, 'a message must be kept until it is sent')),
  RETENTION_JOB_RUNS_DAYS: optional(
    days(35, 'the weekly digest compares with runs up to five weeks back'),
  ),
  RETENTION_HISTORY_DAYS_AFTER_CLOSE: optional(days(0, 'zero deletes it as the campaign closes')),
  BOT_OPENID_METADATA_URL: optional(
    z
      .string()
      .trim()
      .regex(
        /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/\S*$/,
        'is for tests only and must be a loopback address such as http://127.0.0.1:4000/openid; leave it empty in production',
      ),
  ),
  TAB_PUBLIC_URL: optional(
    z
      .string()
      .trim()
      .regex(
        /^https:\/\/[a-z0-9.-]+(:\d+)?$/i,
        'must be the https:// origin the service is published at, with no path, e.g. https://access.example.nhs.uk',
      ),
  ),
  TAB_SSO_JWKS_URL: optional(
    z
      .string()
      .trim()
      .regex(
        /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/\S*$/,
        'is for tests only and must be a loopback address such as http://127.0.0.1:4000/{tenant}/keys; leave it empty in production',
      ),
  ),
  GRAPH_INSTALL_FOR_USERS: optional(flag()),
  TEAMS_CATALOG_APP_ID: optional(
    z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9-]{1,100}$/,
        "must be the app's catalog id (letters, digits and dashes), as Graph's appCatalogs/teamsApps lists it",
      ),
  ),
  GRAPH_BASE_URL: optional(
    z
      .string()
      .trim()
      .regex(
        /^(https:\/\/[a-z0-9.-]+(:\d+)?|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)(\/[^\s?#]*)?$/i,
        'must be an https:// address such as https://graph.microsoft.com/v1.0 (a loopback http:// address is for tests only)',
      ),
  ),
  APPLICATIONINSIGHTS_CONNECTION_STRING: optional(
    z
      .string()
      .trim()
      .refine(
        (s) => /(^|;)\s*(InstrumentationKey|IngestionEndpoint)=/i.test(s),
        'does not look like an Application Insights connection string (copy it from the Application Insights resource → Overview → Connection String), or leave it empty to send no telemetry',
      ),
  ),
  DIGEST_DETAIL_URL: optional(
    z
      .string()
      .trim()
      .regex(
        /^https:\/\/[^\s]+$/,
        'must be an https:// address with no spaces, e.g. https://example.nhs.uk/access/{region}',
      ),
  ),
});

/** The names of the environment variables loadConfig reads (checked against the README table). */
export const READ_SETTINGS: readonly string[] = Object.keys(envSchema.shape);

/** Reads and validates every setting at once; throws ConfigError listing all problems. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  // Each setting is read on its own, so one malformed value does not hide the other problems:
  // a malformed setting is reported once and then treated as unset.
  const problems: string[] = [];
  const malformed = new Set<string>();
  const read: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(env[name]);
    if (result.success) read[name] = result.data;
    else {
      malformed.add(name);
      problems.push(
        ...result.error.issues.map((i) => `${[name, ...i.path].join('.')}: ${i.message}`),
      );
    }
  }
  const e = read as z.infer<typeof envSchema>;
  // A malformed app id still says the operator meant production.
  const mode =
    e.ARB_MODE ?? (e.MicrosoftAppId || malformed.has('MicrosoftAppId') ? 'production' : 'local');
  const host = e.HOST ?? (mode === 'local' ? '127.0.0.1' : '0.0.0.0');
  const dataDir = path.resolve(cwd, e.DATA_DIR ?? '.data');

  const allowedTenantIds = (e.ALLOWED_TENANT_IDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const id of allowedTenantIds) {
    if (!isGuid(id)) problems.push(`ALLOWED_TENANT_IDS: "${id}" is not a tenant id (a GUID)`);
  }

  const bootstrapAdministrators = (e.BOOTSTRAP_ADMINISTRATORS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  for (const id of bootstrapAdministrators) {
    if (!isGuid(id))
      problems.push(
        `BOOTSTRAP_ADMINISTRATORS: "${id}" is not an Entra object id (a GUID); the person can see theirs with the bot's whoami command`,
      );
  }

  let bot: BotIdentity | undefined;
  if (mode === 'local') {
    if (!LOOPBACK.test(host)) {
      problems.push(
        `HOST: local mode accepts unauthenticated requests, so it listens on loopback only; use 127.0.0.1, or set ARB_MODE=production with a bot identity to listen on ${host}`,
      );
    }
    if (e.MicrosoftAppId) {
      problems.push(
        'ARB_MODE: local mode runs without a bot identity, but MicrosoftAppId is set; remove MicrosoftAppId or set ARB_MODE=production',
      );
    }
    // Local mode makes everyone who talks to it an administrator of the demo: never over real data
    // by accident. A loopback Azurite is fine; anything else needs saying so.
    if (
      e.STORAGE_CONNECTION_STRING &&
      !isLoopbackStorage(e.STORAGE_CONNECTION_STRING) &&
      !e.LOCAL_MODE_REMOTE_STORAGE
    ) {
      problems.push(
        'STORAGE_CONNECTION_STRING: local mode (unauthenticated, demo roles for everyone) is for local data, but this is not a loopback Azurite; leave it empty for the embedded one, set ARB_MODE=production with a bot identity, or set LOCAL_MODE_REMOTE_STORAGE=true if you really mean it',
      );
    }
    if (
      e.STORAGE_ACCOUNT_URL &&
      !isLoopbackUrl(e.STORAGE_ACCOUNT_URL) &&
      !e.LOCAL_MODE_REMOTE_STORAGE
    ) {
      problems.push(
        'STORAGE_ACCOUNT_URL: local mode (unauthenticated, demo roles for everyone) is for local data, but this is not a loopback address; leave it empty for the embedded Azurite, set ARB_MODE=production with a bot identity, or set LOCAL_MODE_REMOTE_STORAGE=true if you really mean it',
      );
    }
  } else {
    bot = readBotIdentity(e, problems, malformed);
    if (bot && e.BOT_OPENID_METADATA_URL) bot.openIdMetadataUrl = e.BOT_OPENID_METADATA_URL;
    if (
      !e.STORAGE_CONNECTION_STRING &&
      !e.STORAGE_ACCOUNT_URL &&
      !malformed.has('STORAGE_CONNECTION_STRING') &&
      !malformed.has('STORAGE_ACCOUNT_URL')
    ) {
      problems.push(
        'STORAGE_ACCOUNT_URL: production needs a storage account (the embedded Azurite is for local use); set STORAGE_ACCOUNT_URL to its Table endpoint, https://<account>.table.core.windows.net, and give the managed identity the "Storage Table Data Contributor" role on it (or set STORAGE_CONNECTION_STRING, for accounts that still allow shared keys)',
      );
    }
    if (allowedTenantIds.length === 0 && !malformed.has('ALLOWED_TENANT_IDS')) {
      if (e.MicrosoftAppTenantId) allowedTenantIds.push(e.MicrosoftAppTenantId.toLowerCase());
      else if (!malformed.has('MicrosoftAppTenantId'))
        problems.push(
          'ALLOWED_TENANT_IDS: production needs at least one allowed tenant; set it to your Entra tenant id (or set MicrosoftAppTenantId)',
        );
    }
  }
  const storage = readStorage(e, mode, dataDir, problems, malformed);
  if (mode === 'production' && e.JOBS_SECRET && e.JOBS_SECRET.length < MIN_JOBS_SECRET) {
    problems.push(
      `JOBS_SECRET: must be at least ${MIN_JOBS_SECRET} characters in production (it has ${e.JOBS_SECRET.length}); generate one with \`node -e "console.log(crypto.randomBytes(32).toString('base64url'))"\`, or leave it empty to switch the job trigger off`,
    );
  }
  const readSchedule = (name: string, text: string): Schedule | undefined => {
    try {
      return parseSchedule(text);
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const nudgeSchedule = readSchedule('NUDGE_SCHEDULE', e.NUDGE_SCHEDULE ?? DEFAULT_NUDGE_SCHEDULE);
  const digestSchedule = readSchedule(
    'DIGEST_SCHEDULE',
    e.DIGEST_SCHEDULE ?? DEFAULT_DIGEST_SCHEDULE,
  );
  const purgeSchedule = readSchedule('PURGE_SCHEDULE', e.PURGE_SCHEDULE ?? DEFAULT_PURGE_SCHEDULE);
  if (
    e.GRAPH_INSTALL_FOR_USERS &&
    !e.TEAMS_CATALOG_APP_ID &&
    !malformed.has('TEAMS_CATALOG_APP_ID')
  )
    problems.push(
      "TEAMS_CATALOG_APP_ID: GRAPH_INSTALL_FOR_USERS=true needs the app's id in your organisation's catalog; find it with GET https://graph.microsoft.com/v1.0/appCatalogs/teamsApps?$filter=externalId eq '<TEAMS_APP_ID>', or set GRAPH_INSTALL_FOR_USERS=false",
    );
  if (problems.length > 0 || !nudgeSchedule || !digestSchedule || !purgeSchedule || !storage)
    throw new ConfigError(problems);

  return {
    mode,
    host,
    port: e.PORT ?? 3978,
    bot,
    allowedTenantIds: allowedTenantIds.map((id) => id.toLowerCase()),
    bootstrapAdministrators,
    storage,
    dataDir,
    logLevel: e.LOG_LEVEL ?? 'info',
    teamsAppId: e.TEAMS_APP_ID ?? DEFAULT_TEAMS_APP_ID,
    proactiveRatePerSecond: e.PROACTIVE_RATE_PER_SECOND ?? 50,
    shutdownTimeoutMs: (e.SHUTDOWN_TIMEOUT_SECONDS ?? 25) * 1_000,
    scheduler: {
      enabled: e.SCHEDULER_ENABLED ?? true,
      skipBankHolidays: e.SKIP_BANK_HOLIDAYS ?? true,
      nudgeSchedule,
      digestSchedule,
      purgeSchedule,
    },
    jobsSecret: e.JOBS_SECRET,
    // The button opens the dashboard tab at the digest's region.
    digestDetailUrl: e.DIGEST_DETAIL_URL ?? tabDeepLink(e.TEAMS_APP_ID ?? DEFAULT_TEAMS_APP_ID),
    tab: {
      publicUrl: e.TAB_PUBLIC_URL?.toLowerCase(),
      jwksUrl: e.TAB_SSO_JWKS_URL ?? ENTRA_JWKS_URL,
    },
    graph: {
      installForUsers: e.GRAPH_INSTALL_FOR_USERS ?? false,
      catalogAppId: e.TEAMS_CATALOG_APP_ID,
      baseUrl: (e.GRAPH_BASE_URL ?? GRAPH_BASE_URL).replace(/\/+$/, ''),
    },
    telemetry: { connectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING },
    retention: {
      outboxDays: e.RETENTION_OUTBOX_DAYS ?? 30,
      jobRunsDays: e.RETENTION_JOB_RUNS_DAYS ?? 90,
      historyDaysAfterClose: e.RETENTION_HISTORY_DAYS_AFTER_CLOSE ?? 365,
    },
  };
}

/**
 * Which storage, and how to reach it: exactly one of a connection string or an account URL; the
 * URL is reached with a user-assigned managed identity (MANAGED_IDENTITY_CLIENT_ID, or the bot's
 * own identity when it is one), or in local mode with the developer's sign-in.
 */
function readStorage(
  e: z.infer<typeof envSchema>,
  mode: Config['mode'],
  dataDir: string,
  problems: string[],
  malformed: ReadonlySet<string>,
): StorageConfig | undefined {
  if (e.STORAGE_CONNECTION_STRING && e.STORAGE_ACCOUNT_URL) {
    problems.push(
      'STORAGE_ACCOUNT_URL: set only one of STORAGE_ACCOUNT_URL (managed identity) and STORAGE_CONNECTION_STRING (shared key); remove the connection string to use the managed identity',
    );
    return undefined;
  }
  if (e.MANAGED_IDENTITY_CLIENT_ID && !e.STORAGE_ACCOUNT_URL) {
    if (!malformed.has('STORAGE_ACCOUNT_URL'))
      problems.push(
        'MANAGED_IDENTITY_CLIENT_ID: is only used to reach STORAGE_ACCOUNT_URL; set STORAGE_ACCOUNT_URL to the storage account’s Table endpoint (https://<account>.table.core.windows.net) or remove MANAGED_IDENTITY_CLIENT_ID',
      );
    return undefined;
  }
  if (e.STORAGE_CONNECTION_STRING)
    return { kind: 'account', connectionString: e.STORAGE_CONNECTION_STRING };
  if (!e.STORAGE_ACCOUNT_URL) {
    if (malformed.has('STORAGE_ACCOUNT_URL') || malformed.has('STORAGE_CONNECTION_STRING'))
      return undefined;
    return mode === 'production'
      ? undefined
      : { kind: 'embedded', dataDir: path.join(dataDir, 'azurite') };
  }
  // The bot's user-assigned identity is the natural one to reach storage with: one identity, one
  // role assignment. A separate MANAGED_IDENTITY_CLIENT_ID wins when it is given.
  const botIdentity =
    e.MicrosoftAppType === 'UserAssignedMSI' && mode === 'production'
      ? e.MicrosoftAppId
      : undefined;
  const managedIdentityClientId = e.MANAGED_IDENTITY_CLIENT_ID ?? botIdentity;
  if (!managedIdentityClientId && mode === 'production') {
    if (!malformed.has('MANAGED_IDENTITY_CLIENT_ID') && !malformed.has('MicrosoftAppId'))
      problems.push(
        'MANAGED_IDENTITY_CLIENT_ID: required in production with STORAGE_ACCOUNT_URL (unless MicrosoftAppType=UserAssignedMSI, whose MicrosoftAppId is used); set it to the Client ID of the user-assigned managed identity that has "Storage Table Data Contributor" on the account',
      );
    return undefined;
  }
  return {
    kind: 'identity',
    accountUrl: e.STORAGE_ACCOUNT_URL.replace(/\/+$/, ''),
    managedIdentityClientId: managedIdentityClientId?.toLowerCase(),
  };
}

function readBotIdentity(
  e: z.infer<typeof envSchema>,
  problems: string[],
  malformed: ReadonlySet<string>,
): BotIdentity | undefined {
  const appType = e.MicrosoftAppType ?? 'SingleTenant';
  // A malformed setting has been reported already; "required" would only repeat it.
  const missing = (name: string, fix: string) => {
    if (!malformed.has(name))
      problems.push(`${name}: required in production with MicrosoftAppType=${appType}; ${fix}`);
  };
  if (!e.MicrosoftAppId) {
    missing(
      'MicrosoftAppId',
      'set it to the Application (client) ID of your Azure Bot registration',
    );
  }
  if (appType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
    missing(
      'MicrosoftAppPassword',
      'create a client secret under the app registration → Certificates & secrets',
    );
  }
  if (appType !== 'MultiTenant' && !e.MicrosoftAppTenantId) {
    missing(
      'MicrosoftAppTenantId',
      'set it to your Entra tenant id (Microsoft Entra ID → Overview)',
    );
  }
  const appId = e.MicrosoftAppId;
  if (!appId) return undefined;
  if (appType === 'UserAssignedMSI') {
    return e.MicrosoftAppTenantId
      ? { appType, appId, tenantId: e.MicrosoftAppTenantId }
      : undefined;
  }
  if (!e.MicrosoftAppPassword) return undefined;
  if (appType === 'MultiTenant') return { appType, appId, password: e.MicrosoftAppPassword };
  return e.MicrosoftAppTenantId
    ? { appType, appId, password: e.MicrosoftAppPassword, tenantId: e.MicrosoftAppTenantId }
    : undefined;
}

/** A copy of the configuration that is safe to log: secrets and connection strings masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    mode: config.mode,
    host: config.host,
    port: config.port,
    appId: config.bot?.appId,
    appType: config.bot?.appType,
    allowedTenantIds: config.allowedTenantIds,
    storage: describeStorage(config.storage),
    logLevel: config.logLevel,
    scheduler: {
      enabled: config.scheduler.enabled,
      skipBankHolidays: config.scheduler.skipBankHolidays,
      nudges: describeSchedule(config.scheduler.nudgeSchedule),
      digests: describeSchedule(config.scheduler.digestSchedule),
      purge: describeSchedule(config.scheduler.purgeSchedule),
    },
    retention: config.retention,
    jobTrigger: config.jobsSecret ? 'POST /api/jobs/<name> (JOBS_SECRET set)' : 'off',
    graphInstallForUsers: config.graph.installForUsers
      ? `on (catalog app ${config.graph.catalogAppId}, ${config.graph.baseUrl})`
      : 'off',
    telemetry: config.telemetry.connectionString
      ? 'Application Insights (connection string set)'
      : 'off',
  };
}

/** One line saying which storage is used and how it is reached (never a key). */
export function describeStorage(storage: StorageConfig): string {
  if (storage.kind === 'embedded') return `embedded Azurite in ${storage.dataDir}`;
  if (storage.kind === 'account') return 'storage account (connection string set)';
  return storage.managedIdentityClientId
    ? `${storage.accountUrl} with managed identity ${storage.managedIdentityClientId}`
    : `${storage.accountUrl} with your own Azure sign-in (DefaultAzureCredential, local mode only)`;
}
