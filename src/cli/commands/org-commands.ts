import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { AREA_NAMES } from '../../domain/checklists/checklists';
import { NotFoundError } from '../../domain/shared/errors';
import { ROOT_PARENT } from '../../domain/access/organisations';
import {
  getProgress,
  listItemsForOrganisation,
  listItemsUnder,
} from '../../domain/items/get-progress';
import { STATUS_LABELS } from '../../domain/items/tracked-items';
import { formatUkDate, todayInLondon } from '../../domain/shared/uk-dates';
import type { CliContext } from '../cli-context';

/** Registers show-org and export-items. */
export function registerOrgCommands(
  program: Command,
  run: (work: (ctx: CliContext) => Promise<void>) => Promise<void>,
): void {
  program
    .command('show-org')
    .description(
      'Show an organisation, what is under it, who holds roles over it, and its progress in each campaign.',
    )
    .argument('<ods-code>')
    .option('--campaign <id>', 'only this campaign')
    .action((code: string, opts: { campaign?: string }) =>
      run(async (ctx) => {
        const storage = await ctx.storage();
        const org = await storage.organisations.getOrganisation(code.toUpperCase());
        if (!org)
          throw new NotFoundError(
            `There is no organisation with ODS code ${code}. Check the code, or import organisations first.`,
          );
        ctx.out(
          `${org.name} (${org.code}) — ${org.level.toUpperCase()}${org.open ? '' : ', closed'}`,
        );
        const above = [org.parentCode, org.icbCode, org.regionCode].filter(
          (c, i, all): c is string => !!c && c !== org.code && all.indexOf(c) === i,
        );
        if (above.length > 0) ctx.out(`  Part of: ${above.join(' › ')}`);
        const children = await storage.organisations.listChildren(org.code);
        if (children.length > 0)
          ctx.out(
            `  Under it: ${children.length} (${children
              .slice(0, 8)
              .map((c) => c.code)
              .join(', ')}${children.length > 8 ? ', …' : ''})`,
          );
        const roles = await storage.roles.listRolesOnOrg(org.code);
        ctx.out(
          `  Roles: ${roles.length === 0 ? 'none' : roles.map((r) => `${r.role} ${r.userId}`).join('; ')}`,
        );
        const today = todayInLondon(ctx.now());
        const campaigns = (await storage.campaigns.listCampaigns()).filter(
          (c) => !opts.campaign || c.id === opts.campaign,
        );
        for (const campaign of campaigns) {
          const { progress } = await getProgress(storage, campaign.id, org.code, today);
          if (progress.total === 0) continue;
          ctx.out(
            `  ${campaign.name} [${campaign.id}, ${campaign.status}]: ${progress.percentComplete}% complete — ${progress.byStatus.done} done, ${progress.byStatus.in_progress} in progress, ${progress.byStatus.blocked} blocked, ${progress.byStatus.not_started} not started, ${progress.byStatus.not_applicable} not applicable; ${progress.overdue} overdue`,
          );
          const { items } = await listItemsForOrganisation(storage, campaign.id, org.code);
          for (const item of items) {
            const due = item.dueDate
              ? `due ${formatUkDate(item.dueDate)}${item.dueDate < today && item.status !== 'done' && item.status !== 'not_applicable' ? ' (overdue)' : ''}`
              : 'no deadline';
            ctx.out(
              `    ${item.actionId.padEnd(8)} ${STATUS_LABELS[item.status].padEnd(15)} ${due}${item.note ? ` — ${item.note}` : ''}`,
            );
          }
        }
      }),
    );

  program
    .command('export-items')
    .description(
      'Export the tracked items of a campaign to CSV (for board papers), optionally only under one organisation.',
    )
    .argument('<campaign>', 'campaign id')
    .requiredOption('--csv <file>', 'file to write')
    .option('--org <ods-code>', 'only items under this organisation (default: the whole campaign)')
    .action((campaignId: string, opts: { csv: string; org?: string }) =>
      run(async (ctx) => {
        const storage = await ctx.storage();
        const campaign = await storage.campaigns.getCampaign(campaignId);
        if (!campaign)
          throw new NotFoundError(`There is no campaign "${campaignId}". See list-campaigns.`);
        const scopeCode =
          opts.org ?? (campaign.scope.kind === 'england' ? undefined : campaign.scope.code);
        const codes = scopeCode
          ? [scopeCode]
          : (await storage.organisations.listChildren(ROOT_PARENT)).map((r) => r.code);
        const items = (
          await Promise.all(
            codes.map(async (code) => (await listItemsUnder(storage, campaign.id, code)).items),
          )
        ).flat();
        const checklist = await storage.checklists.getChecklist(
          campaign.checklistId,
          campaign.checklistVersion,
        );
        const titles = new Map(checklist?.actions.map((a) => [a.id, a.title]));
        const names = new Map((await storage.organisations.listAll()).map((o) => [o.code, o.name]));
        const rows = items.map((i) => [
          campaign.id,
          i.regionCode,
          i.icbCode,
          i.pcnCode ?? '',
          i.orgCode,
          names.get(i.orgCode) ?? '',
          i.level,
          AREA_NAMES[String(i.area)] ?? '',
          i.actionId,
          titles.get(i.actionId) ?? '',
          STATUS_LABELS[i.status],
          i.dueDate ?? '',
          i.note,
          i.updatedByName ?? '',
          i.updatedAt ?? '',
        ]);
        const header = [
          'campaign',
          'region',
          'icb',
          'pcn',
          'ods_code',
          'organisation',
          'level',
          'area',
          'action_id',
          'action',
          'status',
          'due',
          'note',
          'updated_by',
          'updated_at',
        ];
        writeFileSync(opts.csv, stringify([header, ...rows.map((r) => r.map(neutraliseFormula))]));
        ctx.out(`Wrote ${rows.length.toLocaleString('en-GB')} items to ${opts.csv}.`);
      }),
    );
}

/** Stops spreadsheet programs from running a note that starts like a formula (=, +, -, @). */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}
