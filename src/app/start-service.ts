import type { CopyRefresher } from '../domain/cards/refresh-copies';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Bot } from '../bot/create-bot';
import type { BotServices } from '../bot/bot-services';
import { createBot } from '../bot/create-bot';
import { ROUTES } from '../bot/routes';
import type { Config } from '../config/load-config';
import { createServer } from '../http/create-server';
import type { Logger } from '../logging/create-logger';
import type { Storage } from '../storage/open-storage';
import type { StorageTarget } from '../storage/create-table-client';
import { connectStorage } from './connect-storage';
import type { CountsProjector } from './create-counts-projector';
import { createBotServices } from './create-bot-services';
import { loadDemoData } from './load-demo-data';
import { ENGLAND } from '../domain/access/roles';
import { seedDemo } from './demo/seed-demo';
import { createSender } from '../proactive/create-sender';
import { SharedRateBudget } from '../proactive/shared-rate-budget';
import { createTeamMemberReader } from '../proactive/read-team-members';
import { createTokenProvider } from '../proactive/create-token-provider';
import { systemClock, type Clock } from '../domain/shared/clock';
import { NO_BANK_HOLIDAYS } from '../domain/shared/uk-calendar';
import { createScheduler, type Scheduler } from '../scheduler/create-scheduler';
import type { JobDefinition } from '../scheduler/job-definition';
import { buildJobs } from './build-jobs';
import { createTabRoutes } from './create-tab-routes';
import { wakeOnEnqueue } from './wake-on-enqueue';
import { loadBankHolidays } from './load-bank-holidays';

/** A running service: its address, its storage, and a graceful stop. */
export interface RunningService {
  url: string;
  port: number;
  storage: Storage;
  /** The storage account in use (the embedded Azurite's connection string when none was configured). */
  storageTarget: StorageTarget;
  bot: Bot;
  /** What the bot's handlers use. */
  services: BotServices;
  /** Redraws posted copies of cards in the background (tests flush it to wait for the redraws). */
  copies: CopyRefresher;
  /** Projects organisation counts behind the presses (tests flush it to wait for them). */
  counts: CountsProjector;
  scheduler: Scheduler;
  /** Stops accepting, finishes in-flight turns and jobs, releases the scheduler lease, stops embedded Azurite. Safe to call twice. */
  stop(): Promise<void>;
}

/** What the composition root may be given instead of its defaults (tests use these). */
export interface ServiceOptions {
  /** The scheduled jobs; by default those registered in `buildJobs`. */
  jobs?: readonly JobDefinition[];
  clock?: Clock;
}

/** The composition root: builds storage, bot and HTTP server from the configuration and starts them. */
export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const connected = await connectStorage(config, logger, { join: false });
  const { target } = connected;
  // Whatever this instance queues wakes its sender (set once the sender exists).
  let wakeSender = () => {};
  const wake = () => wakeSender();
  const storage = { ...connected.storage, outbox: wakeOnEnqueue(connected.storage.outbox, wake) };
  const requestStorage = {
    ...connected.requestStorage,
    outbox: wakeOnEnqueue(connected.requestStorage.outbox, wake),
  };
  try {
    const clock = options.clock ?? systemClock;
    const now = () => clock.now();
    let demo: { practiceCode: string; regionCode: string } | undefined;
    if (config.mode === 'local') {
      // A newcomer's first start shows a living checklist rather than an empty bot.
      const seed = await seedDemo({ ...storage, now }, loadDemoData());
      if (seed.seeded)
        logger.info(
          { campaigns: seed.campaignIds, icb: seed.icbCode },
          'local mode: seeded the demo organisations and campaigns',
        );
      demo = { practiceCode: seed.practiceCode, regionCode: seed.regionCode };
    }
    for (const userId of config.bootstrapAdministrators) {
      // Idempotent: the same grant is written again on every start, so removing someone from
      // the setting and revoking their grant (admin CLI) is how they stop being an administrator.
      await storage.roles.saveGrant({
        userId,
        role: 'administrator',
        orgCode: ENGLAND,
        grantedBy: 'configuration (BOOTSTRAP_ADMINISTRATORS)',
        grantedAt: clock.now().toISOString(),
      });
    }
    if (config.bootstrapAdministrators.length > 0)
      logger.info(
        { administrators: config.bootstrapAdministrators.length },
        'administrators from BOOTSTRAP_ADMINISTRATORS granted',
      );
    // Presses and commands read and write through storage bounded to what Teams waits for;
    // the counts projector works behind them on the background budget.
    const { services, copies, counts, tab } = createBotServices(requestStorage, {
      background: storage,
      logger,
      now,
      digestDetailUrl: config.digestDetailUrl,
      teamMembers: createTeamMemberReader(createTokenProvider(config.bot)),
      ...(demo ? { demo } : {}),
    });
    // Counts left behind by a crash between a press and its projection are repaired first.
    await counts.drain();
    const bot = createBot({
      identity: config.bot,
      services,
      routes: ROUTES,
      logger,
    });
    const instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    // Teams counts its rate limits per bot: instances share them through heartbeats in storage.
    const budget = new SharedRateBudget({
      registry: storage.instances,
      instanceId,
      logger: logger.child({ component: 'rate-budget' }),
    });
    const sender = createSender(config, storage, logger, {}, budget);
    wakeSender = () => sender.wake();
    const bankHolidays = readBankHolidays(config);
    const scheduler = createScheduler({
      jobs: options.jobs ?? buildJobs({ config, storage, clock, logger, bankHolidays }),
      leases: storage.leases,
      runs: storage.jobRuns,
      clock,
      logger,
      instanceId,
      bankHolidays,
      enabled: config.scheduler.enabled,
    });
    const http = createServer({
      bot,
      logger,
      requireAuthHeader: config.mode === 'production',
      teamsOnly: config.mode === 'production',
      allowedTenantIds: config.allowedTenantIds,
      checkReady: () => requestStorage.conversations.ping(),
      jobs: { secret: config.jobsSecret, runner: scheduler },
      routes: createTabRoutes(config, tab, logger),
    });
    await new Promise<void>((resolve, reject) => {
      http.server.once('error', reject);
      http.server.listen(config.port, config.host, () => resolve());
    });
    const port = (http.server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, mode: config.mode }, 'service listening');
    budget.start();
    sender.start();
    scheduler.start();

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        // One deadline for the whole stop, inside the platform's SIGTERM grace period.
        const deadline = Date.now() + config.shutdownTimeoutMs;
        const left = () => Math.max(0, deadline - Date.now());
        logger.info(
          { inFlight: http.inFlight(), deadlineMs: config.shutdownTimeoutMs },
          'stopping: no new requests accepted',
        );
        const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
        // Jobs are told to stop at once, so a /api/jobs request waiting on one is answered
        // while turns in flight finish.
        const schedulerStopped = scheduler.stop(left());
        await waitUntil(() => http.inFlight() === 0, left());
        if (http.inFlight() > 0)
          logger.warn(
            { inFlight: http.inFlight() },
            'stopping: deadline reached with requests in flight; closing their connections',
          );
        // Idle keep-alive connections would hold close() open; in-flight turns are done by now.
        http.server.server.closeAllConnections();
        await closed;
        await schedulerStopped;
        await finishWithin(copies.stop(), left(), 'card refreshes', logger);
        // A projection cut off here leaves its mark set; the next start's drain repairs it.
        await finishWithin(counts.stop(), left(), 'counts projection', logger);
        // A send cut off here is taken over after its lease and counted as a possible duplicate.
        await finishWithin(sender.stop(), left(), 'outbox sends', logger);
        // Only once its sends are over: the others then take up its share of the send rate.
        await finishWithin(budget.stop(), left(), 'instance heartbeat', logger);
        await connected.close();
        logger.info({ overranMs: Math.max(0, Date.now() - deadline) }, 'stopped');
      })());
    return {
      url,
      port,
      storage,
      storageTarget: target,
      bot,
      services,
      copies,
      counts,
      scheduler,
      stop,
    };
  } catch (error) {
    await connected.close();
    throw error;
  }
}

function readBankHolidays(config: Config) {
  if (!config.scheduler.skipBankHolidays) return NO_BANK_HOLIDAYS;
  // Computed for any year, so there is no end of a list to warn about.
  return loadBankHolidays().dates;
}

/** Waits for `work` at most `ms`; logs what was left behind when the deadline wins. */
async function finishWithin(
  work: Promise<void>,
  ms: number,
  what: string,
  logger: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    work.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  if (!finished) logger.warn(`stopping: shutdown deadline reached before ${what} finished`);
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}
