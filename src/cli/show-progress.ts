import { SingleBar, Presets } from 'cli-progress';

/**
 * Reports progress of long work: a bar on a terminal, otherwise a line each time another tenth
 * is done, giving the exact share done (41%, not 40%).
 */
export interface ProgressReporter {
  update(done: number, total?: number): void;
  stop(): void;
}

/** Starts a progress report for `label` with `total` steps. */
export function startProgress(
  label: string,
  total: number,
  options: { interactive: boolean; err: (line: string) => void },
): ProgressReporter {
  if (options.interactive) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
        stream: process.stderr,
        // Counts with thousands separators, as everywhere else ("12,345/84,000").
        formatValue: (value: number, _options: unknown, type: string) =>
          type === 'value' || type === 'total' ? value.toLocaleString('en-GB') : String(value),
      },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      update: (done, t) => {
        if (t !== undefined) bar.setTotal(t);
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  let lastTenth = -1;
  let currentTotal = total;
  return {
    update(done, t) {
      if (t !== undefined) currentTotal = t;
      const tenth = currentTotal > 0 ? Math.floor((done / currentTotal) * 10) : 10;
      if (tenth > lastTenth) {
        lastTenth = tenth;
        options.err(
          `${label}: ${done.toLocaleString('en-GB')} of ${currentTotal.toLocaleString('en-GB')} (${describePercent(done, currentTotal)})`,
        );
      }
    },
    stop() {},
  };
}

/** The share of `total` that `done` is, as a whole percentage rounded down ("100%" only when all are done). */
export function describePercent(done: number, total: number): string {
  if (total <= 0 || done >= total) return '100%';
  return `${Math.floor((done / total) * 100)}%`;
}
