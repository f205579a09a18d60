import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

// Linux's USER_HZ: /proc reports CPU time in hundredths of a second on every architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** The arguments of `npm run start:prod` (the compiled service with its memory settings), read from package.json so they cannot drift. */
export function productionArgs(): string[] {
  const scripts = (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const [node, ...args] = (scripts['start:prod'] ?? '').split(/\s+/);
  if (node !== 'node' || args.length === 0)
    throw new Error('package.json start:prod must be "node <flags> dist/src/main.js"');
  return args;
}

/** CPU time process `pid` has used so far (user + system), in milliseconds; 0 if it has gone. */
export function readProcessCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses, in clock ticks.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The service under test, run as its own process like `npm run start:prod`, with its peak memory sampled. */
export class ServiceProcess {
  peakRssKb = 0;
  /** The service's base URL, from its "service listening" log line. */
  url = '';
  private child: ChildProcess | undefined;
  private sampler: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly logWatchers = new Set<(line: Record<string, unknown>) => void>();

  constructor(
    private readonly env: Record<string, string>,
    /** Node arguments; the service's own `start:prod` ones unless given. */
    private readonly args: string[] = productionArgs(),
  ) {}

  async start(): Promise<void> {
    // BENCH_CPU_PROF=<dir>: the service writes a CPU profile there when it stops (open it in
    // Chrome DevTools), to see where a benchmark's time goes.
    const profile = process.env['BENCH_CPU_PROF'];
    // Writing the profile needs more heap than the service's own limit, so profiling lifts it.
    const args = profile
      ? [
          ...this.args.slice(0, -1),
          '--cpu-prof',
          `--cpu-prof-dir=${profile}`,
          '--max-old-space-size=512',
          ...this.args.slice(-1),
        ]
      : this.args;
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let out = '';
    let partial = '';
    // The end of stderr is kept: a service that dies mid-benchmark says why (an out-of-memory
    // report, a stack) instead of leaving only "other side closed" behind.
    let errTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errTail = (errTail + chunk.toString()).slice(-4_000);
    });
    child.once('exit', (code, signal) => {
      if (!this.stopping && (code !== 0 || signal))
        process.stderr.write(
          `The service exited unexpectedly (${signal ?? `code ${code}`}); the end of its stderr:\n${errTail}\n`,
        );
    });
    // BENCH_SERVICE_LOG=<file>: the service's log lines are kept there, to read after a run.
    const logFile = process.env['BENCH_SERVICE_LOG'];
    if (logFile) {
      const sink = createWriteStream(logFile, { flags: 'a' });
      child.stdout?.on('data', (chunk: Buffer) => sink.write(chunk));
      child.stderr?.on('data', (chunk: Buffer) => sink.write(chunk));
      child.once('exit', () => sink.end());
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      if (this.logWatchers.size === 0) return;
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        let parsed: Record<string, unknown> | undefined;
        try {
          parsed = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue; // not a log line (a banner)
        }
        for (const watch of this.logWatchers) watch(parsed);
      }
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`service did not start: ${out.slice(-2000)}`)),
        60_000,
      );
      let listening = false;
      let truncated = false;
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.length > 20_000) {
          out = out.slice(-20_000);
          truncated = true;
        }
        if (listening) return;
        // Whole lines only: the kept tail of the output can start half-way through one.
        const line = out
          .split('\n')
          .slice(truncated ? 1 : 0, -1)
          .map((line) => {
            try {
              return JSON.parse(line) as { msg?: string; url?: string };
            } catch {
              return undefined; // not a log line (a banner) or not JSON
            }
          })
          .find((line) => line?.msg === 'service listening');
        if (line) {
          listening = true;
          this.url = line.url ?? '';
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) =>
        reject(new Error(`service exited with ${code}: ${out.slice(-2000)}`)),
      );
    });
    // VmHWM is the kernel's record of the process's peak resident memory.
    this.sampler = setInterval(() => this.sampleRss(), 500);
  }

  /** The process id, to find the CPU profile it wrote. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** CPU time the process has used so far (user + system), in milliseconds; 0 once it has gone. */
  cpuMs(): number {
    return readProcessCpuMs(this.child?.pid);
  }

  sampleRss(): void {
    try {
      const status = readFileSync(`/proc/${this.child?.pid}/status`, 'utf8');
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      this.peakRssKb = Math.max(this.peakRssKb, hwm);
    } catch {
      // The process has gone.
    }
  }

  /** Resolves with the first log line (from now on) that `matches`; rejects after `timeoutMs`. */
  waitForLog(
    matches: (line: Record<string, unknown>) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.logWatchers.delete(watch);
        reject(new Error(`no matching log line within ${timeoutMs} ms`));
      }, timeoutMs);
      const watch = (line: Record<string, unknown>) => {
        if (!matches(line)) return;
        clearTimeout(timer);
        this.logWatchers.delete(watch);
        resolve(line);
      };
      this.logWatchers.add(watch);
    });
  }

  /** kill -9: no chance to finish anything. */
  kill(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sampler);
    const exited = new Promise<void>((r) => this.child?.once('exit', () => r()));
    this.child?.kill('SIGKILL');
    return exited;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Stopping twice (a benchmark that stops early to read the profiles, then its cleanup) is fine.
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.sampleRss();
    clearInterval(this.sampler);
    const exited = new Promise<void>((r) => this.child?.once('exit', () => r()));
    this.child?.kill('SIGTERM');
    await exited;
  }
}
