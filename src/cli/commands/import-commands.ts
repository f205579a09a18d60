import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/shared/errors';
import type { Organisation } from '../../domain/access/organisations';
import { applyOrgImport } from '../../importers/apply-org-import';
import { parseChecklist } from '../../importers/parse-checklist';
import { parseEpraccur } from '../../importers/parse-epraccur';
import { parseOrgs } from '../../importers/parse-orgs';
import { parsePcnMembership } from '../../importers/parse-pcn-membership';
import { parseSubIcbLookup } from '../../importers/parse-sub-icb-lookup';
import type { CliContext } from '../cli-context';
import { startProgress } from '../show-progress';
import { parseWhole } from './campaign-commands';

const ORG_FORMATS = ['json', 'csv', 'epraccur'] as const;
const n = (value: number) => value.toLocaleString('en-GB');

/** Registers import-orgs and import-checklist. */
export function registerImportCommands(
  program: Command,
  run: (work: (ctx: CliContext) => Promise<void>) => Promise<void>,
): void {
  program
    .command('import-orgs')
    .description(
      'Load organisations from our JSON/CSV format or the NHS ODS epraccur export. Checks the whole file first and writes nothing if any row is wrong; a second run reports 0 changes.',
    )
    .argument('<file>')
    .option(
      '--format <format>',
      `one of ${ORG_FORMATS.join(', ')} (default: from the file name; .csv files that have no header are read as epraccur)`,
    )
    .option(
      '--pcn-membership <file>',
      'epraccur only: the ePCN "PCN Core Partner Details" CSV, to put practices under their PCNs',
    )
    .option(
      '--sub-icb-lookup <file>',
      'epraccur only: a sub-ICB location → ICB → region lookup CSV (ONS)',
    )
    .option('--as-of <date>', 'epraccur only: date for PCN membership, YYYY-MM-DD (default: today)')
    .option('--dry-run', 'check the file and report what would change, write nothing')
    .action(
      (
        file: string,
        opts: {
          format?: string;
          pcnMembership?: string;
          subIcbLookup?: string;
          asOf?: string;
          dryRun?: boolean;
        },
      ) =>
        run(async (ctx) => {
          const text = readInput(file);
          const format = chooseFormat(file, text, opts.format);
          let organisations: Organisation[];
          const notes: string[] = [];
          if (format === 'epraccur') {
            const subIcbLookup = opts.subIcbLookup
              ? parseSubIcbLookup(readInput(opts.subIcbLookup))
              : undefined;
            const pcnMembership = opts.pcnMembership
              ? parsePcnMembership(
                  readInput(opts.pcnMembership),
                  opts.asOf ? { asOf: opts.asOf } : {},
                )
              : undefined;
            const parsed = parseEpraccur(text, {
              ...(subIcbLookup ? { subIcbLookup } : {}),
              ...(pcnMembership ? { pcnMembership } : {}),
            });
            organisations = parsed.organisations;
            const r = parsed.report;
            ctx.out(
              `epraccur: ${r.practices.toLocaleString('en-GB')} GP practices (${r.open.toLocaleString('en-GB')} open, ${r.closed.toLocaleString('en-GB')} closed), ${r.skippedProposed} proposed practices skipped.`,
            );
            notes.push(...r.notes);
          } else {
            if (opts.pcnMembership || opts.subIcbLookup)
              throw new InvalidInputError(
                '--pcn-membership and --sub-icb-lookup go with --format epraccur.',
              );
            organisations = parseOrgs(text, { format });
          }
          for (const note of notes) ctx.out(`Note: ${note}`);
          const progress = startProgress('Writing organisations', 0, ctx);
          const report = await applyOrgImport((await ctx.storage()).organisations, organisations, {
            ...(opts.dryRun ? { dryRun: true } : {}),
            onProgress: (done, total) => progress.update(done, total),
          });
          progress.stop();
          const changes = report.added + report.updated + report.closed;
          ctx.out(
            `${opts.dryRun ? 'Dry run, nothing written: would add' : 'Added'} ${n(report.added)}, ${opts.dryRun ? 'update' : 'updated'} ${n(report.updated)}, ${opts.dryRun ? 'close' : 'closed'} ${n(report.closed)}; ${n(report.unchanged)} unchanged (${n(report.total)} in the file, ${n(changes)} change${changes === 1 ? '' : 's'}).`,
          );
        }),
    );

  program
    .command('import-checklist')
    .description(
      'Load a checklist version from JSON or CSV. A version that exists with the same content is left as it is; different content needs a new version.',
    )
    .argument('<file>')
    .option('--id <id>', 'checklist id, when the file does not say (e.g. recovering-access-2023)')
    .option('--checklist-version <n>', 'version number, when the file does not say')
    .option('--title <title>', 'title, when the file does not say')
    .option('--dry-run', 'check the file, write nothing')
    .action(
      (
        file: string,
        opts: { id?: string; checklistVersion?: string; title?: string; dryRun?: boolean },
      ) =>
        run(async (ctx) => {
          const checklist = parseChecklist(readInput(file), {
            ...(opts.id ? { id: opts.id } : {}),
            ...(opts.checklistVersion
              ? { version: parseWhole(opts.checklistVersion, '--checklist-version') }
              : {}),
            ...(opts.title ? { title: opts.title } : {}),
          });
          const levels = new Map<string, number>();
          for (const a of checklist.actions) levels.set(a.level, (levels.get(a.level) ?? 0) + 1);
          const summary = `${checklist.id} version ${checklist.version}: ${checklist.actions.length} actions (${[...levels].map(([l, n]) => `${n} ${l}`).join(', ')})`;
          if (opts.dryRun) {
            ctx.out(`Dry run, nothing written: ${summary}.`);
            return;
          }
          const outcome = await (await ctx.storage()).checklists.saveChecklist(checklist);
          ctx.out(`${outcome === 'created' ? 'Loaded' : 'Already loaded, unchanged:'} ${summary}.`);
        }),
    );
}

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}.`,
    );
  }
}

function chooseFormat(
  file: string,
  text: string,
  given: string | undefined,
): (typeof ORG_FORMATS)[number] {
  if (given) {
    const format = ORG_FORMATS.find((f) => f === given.toLowerCase());
    if (!format)
      throw new InvalidInputError(
        `--format must be one of ${ORG_FORMATS.join(', ')}, not "${given}".`,
      );
    return format;
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  // Our CSV starts with its header; an ODS export has none and starts with a quoted code.
  return /^\s*"?code"?\s*,/i.test(text) ? 'csv' : 'epraccur';
}
