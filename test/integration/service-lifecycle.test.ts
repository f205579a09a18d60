import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBot } from '../../src/bot/create-bot';
import { createServer } from '../../src/http/create-server';
import { createLogger } from '../../src/logging/create-logger';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { openStorage } from '../../src/storage/open-storage';
import { createBotServices } from '../../src/app/create-bot-services';
import { CodedError, ErrorCode } from '../../src/domain/shared/errors';
import type { JobDefinition } from '../../src/scheduler/job-definition';
import { parseSchedule } from '../../src/scheduler/schedule';
import { FakeConnector } from '../support/fake-connector';
import { removeDataDir, startTestService } from '../support/start-test-service';
import {
  botAddedToTeam,
  cardAction,
  personalMessage,
  TEAM_ID,
  TENANT_ID,
} from '../support/teams-activities';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';

const ROOT = path.resolve(__dirname, '../..');
const GUID = '11111111-2222-4333-8444-555555555555';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the service the way `npm start` does, as its own process; collects its output. */
function spawnService(env: Record<string, string>): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
} {
  let out = '';
  let err = '';
  const child = spawn(
    process.execPath,
    ['--disable-warning=DEP0111', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

function readLog(stdout: string, msg: string): Record<string, unknown> | undefined {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l['msg'] === msg);
}

describe('the service as a process', function () {
  this.timeout(60_000);

  it('starts with no configuration, answers /healthz, and leaves no Azurite behind after SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'arb-proc-'));
    const run = spawnService({ PORT: '0', DATA_DIR: dataDir });
    try {
      await waitUntil(
        () => readLog(run.stdout(), 'service listening') !== undefined,
        30_000,
        'the service to listen',
      );
      const { url } = readLog(run.stdout(), 'service listening') as { url: string };
      const azuritePid = (readLog(run.stdout(), 'embedded Azurite started') as { pid: number }).pid;
      // The banner goes to stderr once start returns, just after the log line on stdout.
      await waitUntil(() => /LOCAL MODE/.test(run.stderr()), 5_000, 'the LOCAL MODE banner');
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      assert.ok(isAlive(azuritePid));
      const exited = new Promise<number | null>((r) => run.child.once('exit', (code) => r(code)));
      run.child.kill('SIGTERM');
      assert.equal(await exited, 0);
      await waitUntil(() => !isAlive(azuritePid), 5_000, 'Azurite to stop');
    } finally {
      run.child.kill('SIGKILL');
      removeDataDir(dataDir);
    }
  });

  it('leaves no Azurite behind even when killed with SIGKILL', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'arb-proc-'));
    const run = spawnService({ PORT: '0', DATA_DIR: dataDir });
    try {
      await waitUntil(
        () => readLog(run.stdout(), 'service listening') !== undefined,
        30_000,
        'the service to listen',
      );
      const azuritePid = (readLog(run.stdout(), 'embedded Azurite started') as { pid: number }).pid;
      run.child.kill('SIGKILL');
      await waitUntil(() => !isAlive(azuritePid), 5_000, 'the orphaned Azurite to exit');
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('refuses to start in production without credentials, naming each missing setting', async () => {
    const run = spawnService({ ARB_MODE: 'production' });
    const code = await new Promise<number | null>((r) => run.child.once('exit', (c) => r(c)));
    assert.equal(code, 2);
    for (const name of [
      'MicrosoftAppId',
      'MicrosoftAppPassword',
      'MicrosoftAppTenantId',
      'STORAGE_ACCOUNT_URL',
    ]) {
      assert.match(run.stderr(), new RegExp(`- ${name}: `), `names ${name}`);
    }
    assert.match(run.stderr(), /or set STORAGE_CONNECTION_STRING/, 'names the alternative');
    assert.doesNotMatch(run.stdout(), /service listening/);
  });
});

describe('the service in production mode', function () {
  this.timeout(30_000);
  let azurite: EmbeddedAzurite;
  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
  });
  after(() => azurite?.stop());

  it('answers an unauthenticated POST /api/messages with 401 and stores nothing', async () => {
    const connector = await new FakeConnector().start();
    const service = await startTestService({
      MicrosoftAppId: GUID,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: TENANT_ID,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      HOST: '127.0.0.1',
    });
    try {
      const res = await service.post(botAddedToTeam(connector.url));
      assert.equal(res.status, 401);
      assert.deepEqual(await service.storage.conversations.listTeam(TEAM_ID), []);
      assert.equal(connector.calls.length, 0);
    } finally {
      await service.stop();
      await connector.stop();
      removeDataDir(service.dataDir);
    }
  });
});

describe('the tenant allow-list', function () {
  this.timeout(30_000);

  it('refuses activities from other tenants with 403 and changes nothing', async () => {
    const connector = await new FakeConnector().start();
    const service = await startTestService({ ALLOWED_TENANT_IDS: GUID });
    try {
      const res = await service.post(botAddedToTeam(connector.url));
      assert.equal(res.status, 403);
      assert.deepEqual(await service.storage.conversations.listTeam(TEAM_ID), []);
      assert.equal(connector.calls.length, 0);
      // The listed tenant is let in.
      const allowed = personalMessage(connector.url, 'help');
      (allowed['channelData'] as { tenant: { id: string } }).tenant.id = GUID;
      (allowed['conversation'] as { tenantId: string }).tenantId = GUID;
      assert.equal((await service.post(allowed)).status, 200);
    } finally {
      await service.stop();
      await connector.stop();
      removeDataDir(service.dataDir);
    }
  });
});

describe('graceful shutdown', function () {
  this.timeout(30_000);

  it('finishes a turn in flight before stopping, and accepts no new requests meanwhile', async () => {
    const connector = await new FakeConnector().start();
    connector.setLatency(1_000); // the bot's reply to Teams takes a second
    const service = await startTestService();
    try {
      const inFlight = service.post(personalMessage(connector.url, 'help'));
      await new Promise((r) => setTimeout(r, 300)); // the turn is now waiting on the connector
      const stopped = service.stop();
      await new Promise((r) => setTimeout(r, 100));
      await assert.rejects(fetch(`${service.url}/healthz`), 'no new connections once stopping');
      assert.equal((await inFlight).status, 200, 'the turn in flight completed');
      await stopped;
      assert.equal(connector.sentActivities().length, 1, 'its reply reached Teams');
    } finally {
      await service.stop();
      await connector.stop();
      removeDataDir(service.dataDir);
    }
  });
});

describe('shutdown within a deadline', function () {
  this.timeout(40_000);
  const SECRET = 'a-long-enough-secret-for-the-job-trigger-0123';

  /** A job that runs until told to stop (`honours`) or for a minute regardless. */
  function slowJob(name: string, honours: boolean): JobDefinition {
    return {
      name,
      schedule: parseSchedule('every day 06:00'),
      run: (context) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve({}), 60_000);
          if (honours)
            context.signal.addEventListener('abort', () => {
              clearTimeout(timer);
              reject(new Error('stopped'));
            });
        }),
    };
  }

  it('drains a POST /api/jobs request in flight like a turn: its caller gets an answer', async () => {
    const service = await startTestService({ JOBS_SECRET: SECRET }, undefined, {
      jobs: [slowJob('polite', true)],
    });
    try {
      const answer = fetch(`${service.url}/api/jobs/polite?wait=30`, {
        method: 'POST',
        headers: { 'x-jobs-secret': SECRET },
      });
      await new Promise((r) => setTimeout(r, 300)); // the request now waits on the job
      await service.stop();
      const res = await answer; // before: the connection was cut and fetch failed
      assert.ok(res.status > 0);
    } finally {
      await service.stop();
      removeDataDir(service.dataDir);
    }
  });

  it('stops within SHUTDOWN_TIMEOUT_SECONDS even when a job ignores its abort signal', async () => {
    const service = await startTestService(
      { JOBS_SECRET: SECRET, SHUTDOWN_TIMEOUT_SECONDS: '2' },
      undefined,
      { jobs: [slowJob('stubborn', false)] },
    );
    try {
      const res = await fetch(`${service.url}/api/jobs/stubborn?wait=0`, {
        method: 'POST',
        headers: { 'x-jobs-secret': SECRET },
      });
      assert.equal(res.status, 202);
      const started = Date.now();
      await service.stop();
      const took = Date.now() - started;
      assert.ok(took < 4_000, `took ${took} ms`);
    } finally {
      await service.stop();
      removeDataDir(service.dataDir);
    }
  });
});

describe('stored conversation references', function () {
  this.timeout(30_000);

  it('survive a restart of the service', async () => {
    const connector = await new FakeConnector().start();
    const first = await startTestService();
    try {
      await first.post(botAddedToTeam(connector.url, 'Riverside PCN'));
      await first.stop();
      const second = await startTestService({}, first.dataDir);
      try {
        const team = (await second.storage.conversations.listTeam(TEAM_ID)).find(
          (r) => r.kind === 'team',
        );
        assert.equal(team?.teamName, 'Riverside PCN');
        assert.equal(team?.active, true);
        assert.equal(team?.address.serviceUrl, connector.url);
      } finally {
        await second.stop();
      }
    } finally {
      await connector.stop();
      removeDataDir(first.dataDir);
    }
  });
});

describe('readiness', function () {
  this.timeout(30_000);

  it('reports 503 on /readyz when storage stops answering, while /healthz stays 200', async () => {
    const azurite = await startAzurite({ logger: createLogger('silent') });
    const service = await startTestService({ STORAGE_CONNECTION_STRING: azurite.connectionString });
    try {
      assert.equal((await fetch(`${service.url}/readyz`)).status, 200);
      await azurite.stop();
      assert.equal((await fetch(`${service.url}/readyz`)).status, 503);
      assert.equal((await fetch(`${service.url}/healthz`)).status, 200);
    } finally {
      await service.stop();
      removeDataDir(service.dataDir);
    }
  });
});

describe('the final error handler', function () {
  this.timeout(30_000);
  let azurite: EmbeddedAzurite;
  let connector: FakeConnector;
  let url: string;
  let close: () => Promise<void>;
  const logs: Record<string, unknown>[] = [];

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    connector = await new FakeConnector().start();
    const storage = await openStorage(azurite.connectionString);
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        for (const l of chunk.toString().split('\n'))
          if (l) logs.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger('info', sink);
    // The real pipeline with a routing table whose handlers fail, as any handler might.
    const bot = createBot({
      identity: undefined,
      logger,
      services: createBotServices(storage, {
        logger,
        digestDetailUrl: 'https://teams.microsoft.com/l/app/test',
      }).services,
      routes: [
        {
          name: 'boom',
          select: (a) => a.type === 'message' && a.text === 'boom',
          handler: async () => {
            throw new Error('kaboom: secret internals');
          },
        },
        {
          name: 'coded',
          select: (a) => a.type === 'message',
          handler: async () => {
            throw new CodedError(
              ErrorCode.Conflict,
              'Someone else changed this first. Please look again and retry.',
            );
          },
        },
        {
          name: 'invoke',
          select: (a) => a.type === 'invoke',
          handler: async () => {
            throw new Error('invoke failed');
          },
        },
      ],
    });
    const http = createServer({
      bot,
      logger,
      requireAuthHeader: false,
      allowedTenantIds: [],
      checkReady: async () => {},
    });
    await new Promise<void>((r) => http.server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => http.server.close(() => r()));
  });
  after(async () => {
    await close?.();
    await connector?.stop();
    await azurite?.stop();
  });

  const post = (body: unknown) =>
    fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('tells the user politely, with a reference that matches the logged correlation id', async () => {
    connector.calls.length = 0;
    const res = await post(personalMessage(connector.url, 'boom'));
    assert.equal(res.status, 200);
    await connector.waitFor(() => connector.sentActivities().length === 1);
    const text = String(connector.sentActivities()[0]?.['text']);
    assert.match(text, /^Sorry, something went wrong on our side/);
    assert.doesNotMatch(text, /kaboom/, 'internals are not shown to users');
    const reference = /reference: ([0-9a-f]{8})/.exec(text)?.[1];
    const logged = logs.find(
      (l) => l['msg'] === 'turn failed' && String(l['correlationId']).startsWith(reference ?? '?'),
    );
    assert.ok(logged, 'the failure is logged with the same correlation id');
    assert.equal(logged['level'], 50);
  });

  it('shows a coded error’s own message, which says what to do next', async () => {
    connector.calls.length = 0;
    await post(personalMessage(connector.url, 'anything'));
    await connector.waitFor(() => connector.sentActivities().length === 1);
    assert.equal(
      connector.sentActivities()[0]?.['text'],
      'Someone else changed this first. Please look again and retry.',
    );
  });

  it('answers a failed card action with an error body (status 500 inside) instead of leaving Teams waiting', async () => {
    const res = await post(cardAction(connector.url, 'showHelp'));
    // Card actions are answered HTTP 200 with the error in the body, which Teams shows.
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      statusCode: number;
      type: string;
      value: { message: string };
    };
    assert.equal(body.statusCode, 500);
    assert.equal(body.type, 'application/vnd.microsoft.error');
    assert.match(body.value.message, /try again/);
  });
});
