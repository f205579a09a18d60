import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ERASED_MARKER, erasePerson, exportPerson } from '../../domain/retention/erase-person';
import type { CliContext } from '../cli-context';

/** Registers export-person and erase-person: a person's data protection rights, run by the operator. */
export function registerPersonCommands(
  program: Command,
  run: (work: (ctx: CliContext) => Promise<void>) => Promise<void>,
): void {
  program
    .command('export-person')
    .description(
      'Print (as JSON) everything stored about a person: roles, chats, reminder choices, items and status changes they made, messages to them, and any other record holding their id or name.',
    )
    .argument('<entra-id>', "the person's Entra object id (the bot's whoami command shows it)")
    .option('--out <file>', 'write the JSON to this file instead of the screen')
    .action((entraId: string, opts: { out?: string }) =>
      run(async (ctx) => {
        const storage = await ctx.storage();
        const found = await exportPerson({ ...storage, now: ctx.now }, entraId);
        const json = JSON.stringify(found, null, 2);
        if (!opts.out) {
          ctx.out(json);
          return;
        }
        writeFileSync(opts.out, `${json}\n`);
        const total = Object.values(found.counts).reduce((a, b) => a + b, 0);
        ctx.out(
          `Wrote ${total} record${total === 1 ? '' : 's'} about ${found.entraObjectId} to ${opts.out}.`,
        );
      }),
    );

  program
    .command('erase-person')
    .description(
      `Erase a person: delete their roles, reminder choices and chat address, and replace their id and name with "${ERASED_MARKER}" everywhere else (history keeps its counts). Export first if they asked for a copy.`,
    )
    .argument('<entra-id>', "the person's Entra object id")
    .option('--dry-run', 'count what would change, change nothing')
    .action((entraId: string, opts: { dryRun?: boolean }) =>
      run(async (ctx) => {
        const storage = await ctx.storage();
        const dryRun = opts.dryRun === true;
        const result = await erasePerson(storage, entraId, { dryRun });
        const touched = result.stores.filter((s) => s.deleted + s.anonymised > 0);
        if (touched.length === 0) {
          ctx.out(`Nothing is stored about ${result.entraObjectId}; nothing changed.`);
          return;
        }
        ctx.out(
          `${dryRun ? 'Dry run, nothing written: would erase' : 'Erased'} ${result.entraObjectId}${
            result.names.length > 0 ? ` (also known as ${result.names.join(', ')})` : ''
          }:`,
        );
        for (const s of touched)
          ctx.out(`  ${s.store}: ${s.deleted} deleted, ${s.anonymised} anonymised`);
      }),
    );
}
