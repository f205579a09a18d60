// `npm run bench -- <name>`: runs one benchmark; each prints readable figures and ends with one
// JSON line of them. Benchmarks are not tests: they measure, they do not assert timings.
import { runDigestBenchmark } from './digest';
import { runFanoutBenchmark } from './fanout';
import { runInvokeBenchmark } from './invoke';
import { runLaunchBenchmark } from './launch';
import { runTabBenchmark } from './tab';

const BENCHMARKS: Record<string, () => Promise<Record<string, unknown>>> = {
  launch: runLaunchBenchmark,
  fanout: runFanoutBenchmark,
  invoke: runInvokeBenchmark,
  digest: runDigestBenchmark,
  tab: runTabBenchmark,
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const bench = name ? BENCHMARKS[name] : undefined;
  if (!bench) {
    process.stderr.write(
      `Usage: npm run bench -- <name>\nBenchmarks: ${Object.keys(BENCHMARKS).join(', ')}\n`,
    );
    process.exit(2);
  }
  const figures = await bench();
  process.stdout.write(`${JSON.stringify({ benchmark: name, ...figures })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  // A storage error wraps what the SDK said (a timeout, a reset connection): show it too.
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause)
    process.stderr.write(`Caused by: ${cause instanceof Error ? cause.stack : String(cause)}\n`);
  process.exit(1);
});
