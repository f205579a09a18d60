import { runAdmin } from '../../src/cli/admin';

/** What one run of the admin CLI printed, and its exit code. */
export interface AdminRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `npm run admin -- …` in process against the environment `env()` gives, capturing output. */
export function adminCli(env: () => NodeJS.ProcessEnv) {
  return async (...argv: string[]): Promise<AdminRun> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(argv, env(), {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      interactive: false,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
