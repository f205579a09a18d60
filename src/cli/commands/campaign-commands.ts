import type { Command } from 'commander';
import { closeCampaign, createCampaign } from '../../domain/campaigns/create-campaign';
import { InvalidInputError } from '../../domain/shared/errors';
import { launchCampaign, planItems } from '../../domain/campaigns/launch-campaign';
import { formatUkDate } from '../../domain/shared/uk-dates';
import { setDeadline } from '../../domain/campaigns/set-deadline';
import type { CliContext } from '../cli-context';
import { startProgress } from '../show-progress';
import { renderCard } from '../../cards/render-card';
import { deliverCampaign } from '../../domain/cards/deliver-cards';
import { drainPendingCounts } from '../../domain/items/project-counts';
import { createCardComposer } from '../../proactive/compose-card-message';

/** Registers launch-campaign, close-campaign, recount and list-campaigns. */
export function registerCampaignCommands(
  program: Command,
  run: (work: (ctx: CliContext) => Promise<void>) => Promise<void>,
): void {
  program
    .command('launch-campaign')
    .description(
      'Create a campaign from a loaded checklist for ENGLAND, a region or an ICB, and create its tracked items. Rerunning changes nothing.',
    )
    .argument('<checklist>', 'checklist id, e.g. recovering-access-2023')
    .requiredOption('--scope <code>', 'ENGLAND, a region code (Y56…) or an ICB code (Q…)')
    .option(
      '--due-offset <days>',
      "days from today to the checklist's earliest deadline; the others keep their gaps (default: keep the checklist's own dates)",
    )
    .option('--id <id>', 'campaign id (default: <checklist>-<scope>)')
    .option('--name <name>', 'campaign name shown to users')
    .option('--checklist-version <n>', 'checklist version (default: the latest)')
    .option('--dry-run', 'say what would be created, change nothing')
    .action(
      (
        checklistId: string,
        opts: {
          scope: string;
          dueOffset?: string;
          id?: string;
          name?: string;
          checklistVersion?: string;
          dryRun?: boolean;
        },
      ) =>
        run(async (ctx) => {
          const storage = await ctx.storage();
          const deps = { ...storage, now: ctx.now };
          const request = {
            checklistId,
            scopeCode: opts.scope,
            ...(opts.dueOffset !== undefined
              ? { dueOffsetDays: parseWhole(opts.dueOffset, '--due-offset') }
              : {}),
            ...(opts.id ? { id: opts.id } : {}),
            ...(opts.name ? { name: opts.name } : {}),
            ...(opts.checklistVersion
              ? { checklistVersion: parseWhole(opts.checklistVersion, '--checklist-version') }
              : {}),
          };
          if (opts.dryRun) {
            const checklist = await storage.checklists.getChecklist(
              checklistId,
              request.checklistVersion,
            );
            if (!checklist)
              throw new InvalidInputError(
                `Checklist "${checklistId}" is not loaded. Import it with import-checklist first.`,
              );
            const existing = request.id
              ? await storage.campaigns.getCampaign(request.id)
              : undefined;
            // Plan against a throwaway draft so nothing is written.
            const draft = existing ?? {
              id: request.id ?? `${checklistId}-dry-run`,
              name: '',
              checklistId,
              checklistVersion: checklist.version,
              scope: await scopeFor(ctx, opts.scope),
              status: 'draft' as const,
              deadlines: {},
              icbOverrides: {},
              createdAt: '',
            };
            const items = planItems(draft, checklist, await storage.organisations.listAll());
            ctx.out(
              `Dry run: campaign would have ${items.length.toLocaleString('en-GB')} tracked items (existing ones are never changed). Nothing was written.`,
            );
            return;
          }
          const { campaign, created } = await createCampaign(deps, request);
          ctx.out(`${created ? 'Created' : 'Found'} campaign ${campaign.id}: ${campaign.name}`);
          const progress = startProgress('Creating tracked items', 0, ctx);
          const result = await launchCampaign(deps, campaign.id, (done, total) =>
            progress.update(done, total),
          );
          progress.stop();
          ctx.out(
            `Campaign ${campaign.id} is ${result.campaign.status}: ${result.planned.toLocaleString('en-GB')} tracked items, ${result.created.toLocaleString('en-GB')} created now.`,
          );
          // Channels already linked to organisations in scope get the new campaign's cards; the
          // bot's sender posts them from the outbox (at once if it is running, or when it starts).
          const posting = startProgress('Queueing cards for linked channels', 0, ctx);
          const delivered = await deliverCampaign(
            { ...deps, composer: createCardComposer(renderCard) },
            campaign.id,
            (done, total) => posting.update(done, total),
          );
          posting.stop();
          ctx.out(
            delivered.channels === 0
              ? 'No linked channel is in its scope yet; cards are posted when a channel is linked.'
              : `Queued ${delivered.posted.toLocaleString('en-GB')} new cards and ${delivered.updated.toLocaleString('en-GB')} redraws for ${delivered.channels.toLocaleString('en-GB')} linked channel${delivered.channels === 1 ? '' : 's'}; the bot posts them.`,
          );
          const dates = Object.values(campaign.deadlines).sort();
          if (dates.length > 0)
            ctx.out(
              `Deadlines from ${formatUkDate(dates[0] as string)} to ${formatUkDate(dates[dates.length - 1] as string)}.`,
            );
        }),
    );

  program
    .command('set-deadline')
    .description(
      "Set an action's deadline in a campaign, or one ICB's own deadline for it (--icb). Moves the deadline of the items; statuses are untouched.",
    )
    .argument('<campaign>', 'campaign id')
    .argument('<action-id>', 'e.g. PRAC-05')
    .argument('<date>', 'YYYY-MM-DD, or "none" to remove it')
    .option('--icb <code>', "set this ICB's override instead of the campaign's deadline")
    .option('--dry-run', 'check it and count the items it would move, change nothing')
    .action(
      (
        campaignId: string,
        actionId: string,
        date: string,
        opts: { icb?: string; dryRun?: boolean },
      ) =>
        run(async (ctx) => {
          const storage = await ctx.storage();
          const { itemsUpdated } = await setDeadline(
            storage,
            {
              campaignId,
              actionId: actionId.toUpperCase(),
              date: date.toLowerCase() === 'none' ? undefined : date,
              ...(opts.icb ? { icbCode: opts.icb } : {}),
            },
            opts.dryRun ? { dryRun: true } : {},
          );
          const what = date.toLowerCase() === 'none' ? 'removed' : `set to ${formatUkDate(date)}`;
          ctx.out(
            `${opts.dryRun ? 'Dry run, nothing written: would have ' : ''}${actionId.toUpperCase()} deadline ${what}${opts.icb ? ` for ${opts.icb.toUpperCase()}` : ''}; ${itemsUpdated} item${itemsUpdated === 1 ? '' : 's'} ${opts.dryRun ? 'would move' : 'updated'}.`,
          );
        }),
    );

  program
    .command('close-campaign')
    .description('Close a campaign: its items stay readable but can no longer be changed.')
    .argument('<campaign>', 'campaign id')
    .option('--dry-run', 'say what would happen, change nothing')
    .action((id: string, opts: { dryRun?: boolean }) =>
      run(async (ctx) => {
        const storage = await ctx.storage();
        if (opts.dryRun) {
          const campaign = await storage.campaigns.getCampaign(id);
          ctx.out(
            campaign
              ? `Dry run: would close ${campaign.id} (now ${campaign.status}).`
              : `Dry run: there is no campaign ${id}.`,
          );
          return;
        }
        const campaign = await closeCampaign({ ...storage, now: ctx.now }, id);
        ctx.out(`Campaign ${campaign.id} is closed.`);
      }),
    );

  program
    .command('recount')
    .description(
      "Bring every running campaign's organisation counts up to date with their items: projects the organisations whose changes are not counted yet (after a crash, say). Safe to run at any time.",
    )
    .action(() =>
      run(async (ctx) => {
        const projected = await drainPendingCounts(await ctx.storage());
        ctx.out(
          projected === 0
            ? 'All counts were up to date; nothing to do.'
            : `Recounted ${projected} organisation${projected === 1 ? '' : 's'} whose changes were not counted yet.`,
        );
      }),
    );

  program
    .command('list-campaigns')
    .description('List campaigns with their scope and status.')
    .action(() =>
      run(async (ctx) => {
        const campaigns = await (await ctx.storage()).campaigns.listCampaigns();
        if (campaigns.length === 0) ctx.out('No campaigns yet. Create one with launch-campaign.');
        for (const c of campaigns) {
          ctx.out(
            `${c.id}\t${c.status}\t${c.scope.kind === 'england' ? 'England' : c.scope.code}\t${c.name}`,
          );
        }
      }),
    );
}

async function scopeFor(ctx: CliContext, code: string) {
  if (code.toUpperCase() === 'ENGLAND') return { kind: 'england' as const };
  const org = await (await ctx.storage()).organisations.getOrganisation(code.toUpperCase());
  if (!org || (org.level !== 'region' && org.level !== 'icb'))
    throw new InvalidInputError(
      `--scope must be ENGLAND, a region code or an ICB code; "${code}" is not.`,
    );
  return { kind: org.level, code: org.code };
}

/** Parses a whole number option, naming the option when it is not one. */
export function parseWhole(value: string, option: string): number {
  if (!/^-?\d+$/.test(value.trim()))
    throw new InvalidInputError(`${option} must be a whole number, not "${value}".`);
  return Number(value);
}
