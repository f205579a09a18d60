import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/shared/errors';
import type { Organisation } from '../../domain/access/organisations';
import { applyOrgImport, type OrgImportReport } from '../../importers/apply-org-import';
import { parseChecklist } from '../../importers/parse-checklist';
import { parseEpraccur, type EpraccurReport } from '../../importers/parse-epraccur';
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
    .option(
      '--close-missing',
      'close the open practices in storage that the file does not list (only for a file that covers all of England; try it with --dry-run first)',
    )
    .option('--dry-run', 'check the file and report what would change, write nothing')
    .action(
      (
        file: string,
        opts: {
          format?: string;
          pcnMembership?: string;
          subIcbLookup?: string;
          asOf?: string;
          closeMissing?: boolean;
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
              `epraccur: ${n(r.practices)} GP practices (${n(r.open)} open, ${n(r.closed)} closed).`,
            );
            const skipped = describeSkipped(r);
            if (skipped) ctx.out(skipped);
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
            ...(opts.closeMissing ? { closeMissing: true } : {}),
            onProgress: (done, total) => progress.update(done, total),
          });
          progress.stop();
          const changes = report.added + report.updated + report.closed;
          ctx.out(
            `${opts.dryRun ? 'Dry run, nothing written: would add' : 'Added'} ${n(report.added)}, ${opts.dryRun ? 'update' : 'updated'} ${n(report.updated)}, ${opts.dryRun ? 'close' : 'closed'} ${n(report.closed)}; ${n(report.unchanged)} unchanged (${n(report.total)} in the file, ${n(changes)} change${changes === 1 ? '' : 's'}).`,
          );
          const missing = describeMissing(report.missing, opts.dryRun === true);
          if (missing) ctx.out(missing);
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
          const summary = `${checklist.id} version ${checklist.version}: ${n(checklist.actions.length)} actions (${[...levels].map(([l, count]) => `${n(count)} ${l}`).join(', ')})`;
          if (opts.dryRun) {
            ctx.out(`Dry run, nothing written: ${summary}.`);
            return;
          }
          const outcome = await (await ctx.storage()).checklists.saveChecklist(checklist);
          ctx.out(`${outcome === 'created' ? 'Loaded' : 'Already loaded, unchanged:'} ${summary}.`);
        }),
    );
}

// One line for everything left out, each reason with its count, or undefined when nothing was.
function describeSkipped(r: EpraccurReport): string | undefined {
  const parts: string[] = [];
  const nations = Object.entries(r.skippedOutsideEngland);
  const outside = nations.reduce((sum, [, count]) => sum + count, 0);
  if (outside > 0) {
    parts.push(
      `${n(outside)} GP ${outside === 1 ? 'practice' : 'practices'} outside NHS England (${nations.map(([nation, count]) => `${nation} ${n(count)}`).join(', ')})`,
    );
  }
  if (r.skippedProposed > 0) {
    parts.push(
      `${n(r.skippedProposed)} proposed ${r.skippedProposed === 1 ? 'practice' : 'practices'} (status P; loaded once open)`,
    );
  }
  if (r.skippedOtherSettings > 0) {
    parts.push(
      `${n(r.skippedOtherSettings)} ${r.skippedOtherSettings === 1 ? 'row that is' : 'rows that are'} not GP practices (Prescribing Setting other than 4)`,
    );
  }
  return parts.length > 0 ? `Skipped: ${parts.join('; ')}.` : undefined;
}

// What happens to open practices in storage that the file does not list.
function describeMissing(missing: OrgImportReport['missing'], dryRun: boolean): string | undefined {
  const count = missing.count;
  const noun = count === 1 ? 'practice is' : 'practices are';
  const examples =
    count === 0
      ? ''
      : ` (${count > missing.examples.length ? 'for example ' : ''}${missing.examples.map((org) => `${org.code} ${org.name}`).join(', ')})`;
  if (count === 0)
    return missing.closed
      ? 'Every open practice in storage is in this file: none to close.'
      : undefined;
  if (!missing.closed) {
    return `${n(count)} open ${noun} not in this file${examples}; kept open. Use --close-missing when the file covers all of England (try it with --dry-run first).`;
  }
  return `${dryRun ? 'Would close' : 'Closed'} ${n(count)} open ${count === 1 ? 'practice' : 'practices'} not in this file${examples}.`;
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
