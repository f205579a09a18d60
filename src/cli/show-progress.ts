import { SingleBar, Presets } from 'cli-progress';

/** Reports progress of long work: a bar on a terminal, a line every 10% otherwise. */
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
          `${label}: ${done.toLocaleString('en-GB')} of ${currentTotal.toLocaleString('en-GB')} (${tenth * 10}%)`,
        );
      }
    },
    stop() {},
  };
}
