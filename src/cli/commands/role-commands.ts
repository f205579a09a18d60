import type { Command } from 'commander';
import {
  checkGrant,
  grantRole,
  parseRole,
  revokeRole,
  type Granter,
} from '../../domain/access/manage-roles';
import { ROLE_LABELS } from '../../domain/access/roles';
import {
  describeGrantedBy,
  describeRoleChange,
  findRosterPerson,
  HISTORY_CHANGES,
  readRoleRecord,
  RECENT_CHANGES,
} from '../../domain/channels/team-roles';
import type { RosterStore } from '../../domain/channels/rosters';
import { isGuid } from '../../domain/shared/ids';
import type { CliContext } from '../cli-context';

// The operator at the command line is trusted: they already hold the storage keys. Their name
// (--by) goes in the record of the change; without it the record says "the admin CLI".
function operator(by: string | undefined): Granter {
  return { kind: 'operator', name: by?.trim() || 'admin-cli' };
}

/**
 * An Entra object id as typed, or the id of the person with that e-mail in the team rosters; with
 * their roster name where known, for the record of the change.
 */
async function resolvePerson(
  rosters: RosterStore,
  typed: string,
): Promise<{ userId: string; userName?: string }> {
  if (typed.includes('@')) {
    const person = await findRosterPerson({ rosters }, typed);
    return { userId: person.userAadObjectId, userName: person.name };
  }
  const known = isGuid(typed.trim())
    ? await rosters.getPerson(typed.trim().toLowerCase())
    : undefined;
  return { userId: typed, ...(known?.name ? { userName: known.name } : {}) };
}

const BY_OPTION = [
  '--by <name>',
  'your name, recorded with the change (default: "the admin CLI")',
] as const;

/** Registers grant-role and revoke-role (run by the operator, so no granter check). */
export function registerRoleCommands(
  program: Command,
  run: (work: (ctx: CliContext) => Promise<void>) => Promise<void>,
): void {
  program
    .command('grant-role')
    .description(
      'Give a person (by Entra object id) a role over an organisation and everything under it.',
    )
    .argument(
      '<entra-id>',
      "the person's Entra object id (they can see it with the bot's whoami command), or their e-mail as a team roster lists it",
    )
    .argument('<role>', 'practice_staff, pcn_lead, icb_lead, regional_head or administrator')
    .argument('<ods-code>', 'the organisation (ENGLAND for an administrator of everything)')
    .option('--dry-run', 'check everything, change nothing')
    .option(...BY_OPTION)
    .action(
      (userId: string, role: string, orgCode: string, opts: { dryRun?: boolean; by?: string }) =>
        run(async (ctx) => {
          const storage = await ctx.storage();
          const deps = { ...storage, now: ctx.now };
          const check = opts.dryRun ? checkGrant : grantRole;
          const grant = await check(deps, operator(opts.by), {
            ...(await resolvePerson(storage.rosters, userId)),
            role,
            orgCode,
          });
          ctx.out(
            `${opts.dryRun ? 'Dry run: would grant' : 'Granted'} ${ROLE_LABELS[grant.role]} over ${grant.orgCode} to ${grant.userId}.`,
          );
        }),
    );

  program
    .command('revoke-role')
    .description('Take a role away from a person.')
    .argument('<entra-id>', 'Entra object id, or e-mail as a team roster lists it')
    .argument('<role>')
    .argument('<ods-code>')
    .option('--dry-run', 'say what would happen, change nothing')
    .option(...BY_OPTION)
    .action(
      (typed: string, role: string, orgCode: string, opts: { dryRun?: boolean; by?: string }) =>
        run(async (ctx) => {
          const storage = await ctx.storage();
          const person = await resolvePerson(storage.rosters, typed);
          const userId = person.userId;
          if (opts.dryRun) {
            const held = (await storage.roles.listRolesOfUser(userId)).some(
              (g) => g.role === parseRole(role) && g.orgCode === orgCode.toUpperCase(),
            );
            ctx.out(
              held
                ? `Dry run: would revoke ${role} over ${orgCode}.`
                : `Dry run: ${userId} does not hold ${role} over ${orgCode}.`,
            );
            return;
          }
          const removed = await revokeRole({ ...storage, now: ctx.now }, operator(opts.by), {
            ...person,
            role,
            orgCode,
          });
          ctx.out(
            removed
              ? `Revoked ${role} over ${orgCode.toUpperCase()} from ${userId}.`
              : `${userId} did not hold ${role} over ${orgCode.toUpperCase()}; nothing changed.`,
          );
        }),
    );

  program
    .command('roles')
    .description(
      'Show who holds which role over an organisation, who granted it and when, and its latest recorded changes.',
    )
    .argument('<ods-code>', 'the organisation (ENGLAND for administrators of everything)')
    .option('--history', `show its latest ${HISTORY_CHANGES} recorded changes`)
    .action((orgCode: string, opts: { history?: boolean }) =>
      run(async (ctx) => {
        const storage = await ctx.storage();
        const code = orgCode.trim().toUpperCase();
        const org =
          code === 'ENGLAND' ? undefined : await storage.organisations.getOrganisation(code);
        const { holders, changes } = await readRoleRecord(
          storage,
          code,
          opts.history ? HISTORY_CHANGES : RECENT_CHANGES,
        );
        ctx.out(
          `Roles over ${org ? `${org.name} (${org.code})` : code === 'ENGLAND' ? 'all of England' : code}:`,
        );
        if (holders.length === 0) ctx.out('  nobody holds a role here');
        for (const h of holders) {
          const by = describeGrantedBy(h);
          ctx.out(
            `  ${ROLE_LABELS[h.role]}: ${h.name}${h.email ? ` (${h.email})` : ''}${by ? `, ${by}` : ''}`,
          );
        }
        ctx.out(changes.length === 0 ? 'No recorded changes.' : 'Recent changes, newest first:');
        for (const c of changes) ctx.out(`  ${describeRoleChange(c)}`);
      }),
    );
}
