import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  startService,
  type RunningService,
  type ServiceOptions,
} from '../../src/app/start-service';
import { loadConfig } from '../../src/config/load-config';
import { createLogger } from '../../src/logging/create-logger';
import { personalMessage } from './teams-activities';

/** A service under test, with the JSON log lines it wrote. */
export interface TestService extends RunningService {
  logs: Record<string, unknown>[];
  dataDir: string;
  /** Posts an activity (or any body) to /api/messages. */
  post(
    body: unknown,
    init?: { headers?: Record<string, string>; raw?: string },
  ): Promise<{ status: number; body: unknown }>;
}

/** Starts the real service (real HTTP, real embedded Azurite) on free ports with a fresh data folder. */
export async function startTestService(
  env: Record<string, string> = {},
  dataDir?: string,
  options: ServiceOptions = {},
): Promise<TestService> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'arb-test-'));
  // Tests drive the scheduler with tick() on their own clock: its timer would run jobs (on the
  // real date) in the middle of whatever else a test checks.
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dir,
    LOG_LEVEL: 'debug',
    SCHEDULER_ENABLED: 'false',
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const service = await startService(config, createLogger(config.logLevel, sink), options);
  return {
    ...service,
    logs,
    dataDir: dir,
    async post(body, init = {}) {
      const res = await fetch(`${service.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...init.headers },
        body: init.raw ?? JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: keep the text so assertions can show it.
      }
      return { status: res.status, body: parsed };
    },
  };
}

/** Removes a temporary data folder made by startTestService. */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Local mode grants demo roles on a person's first message. For a test that needs someone with
 * no roles (or only the roles it grants), this sends that first message and takes the roles away.
 */
export async function introduceWithoutRoles(
  service: TestService,
  connectorUrl: string,
  user: { id: string; name: string; aadObjectId: string },
): Promise<void> {
  // whoami reads the person's roles, which is when local mode gives the demo ones; then they go.
  await service.post({ ...personalMessage(connectorUrl, 'whoami'), from: { ...user } });
  for (const g of await service.storage.roles.listRolesOfUser(user.aadObjectId))
    await service.storage.roles.deleteGrant(g.userId, g.role, g.orgCode);
}
