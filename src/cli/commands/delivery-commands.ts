import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/shared/errors';
import { FAILURE_LABELS, summariseDelivery, type FailureReason } from '../../domain/outbox/outbox';
import type { CliContext } from '../cli-context';

/** Registers `delivery`: what was sent, what waits, what failed and why; optionally retry the failed. */
export function registerDeliveryCommands(
  program: Command,
  run: (work: (ctx: CliContext) => Promise<void>) => Promise<void>,
): void {
  program
    .command('delivery')
    .description(
      'Show delivery health per job (sent, waiting, failed by reason, failed targets); --retry-failed queues the failed ones of a job again.',
    )
    .argument('[job-id]', 'one job (default: the 10 most recent)')
    .option('--retry-failed', 'queue the failed entries of <job-id> again (only those)')
    .action((jobId: string | undefined, opts: { retryFailed?: boolean }) =>
      run(async (ctx) => {
        const { outbox } = await ctx.storage();
        if (opts.retryFailed) {
          if (!jobId)
            throw new InvalidInputError(
              '--retry-failed needs a job id: run `delivery` to see the jobs.',
            );
          const count = await outbox.requeueFailed(jobId, ctx.now());
          ctx.out(`Queued ${count} failed message${count === 1 ? '' : 's'} of ${jobId} again.`);
          return;
        }
        const jobs = jobId ? [jobId] : (await outbox.listJobs()).slice(0, 10);
        if (jobs.length === 0) ctx.out('Nothing has been sent yet.');
        for (const job of jobs) {
          const s = summariseDelivery(job, await outbox.listEntries(job));
          ctx.out(
            `${job}: ${s.sent} sent, ${s.pending + s.sending} waiting, ${s.failed} failed${s.possibleDuplicates ? `, ${s.possibleDuplicates} possibly sent twice after a restart` : ''}`,
          );
          for (const [reason, n] of Object.entries(s.failedByReason))
            ctx.out(`  ${n} × ${FAILURE_LABELS[reason as FailureReason]}`);
          for (const f of s.failures.slice(0, 20))
            ctx.out(
              `    ${f.dedupeKey} → ${JSON.stringify(f.target)}${f.detail ? `: ${f.detail}` : ''}`,
            );
        }
      }),
    );
}
