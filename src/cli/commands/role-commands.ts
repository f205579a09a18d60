import type { Command } from 'commander';
import {
  checkGrant,
  grantRole,
  parseRole,
  revokeRole,
  type Granter,
} from '../../domain/access/manage-roles';
import { ROLE_LABELS } from '../../domain/access/roles';
import { findRosterPerson } from '../../domain/channels/team-roles';
import type { RosterStore } from '../../domain/channels/rosters';
import type { CliContext } from '../cli-context';

// The operator at the command line is trusted: they already hold the storage keys.
const OPERATOR: Granter = { kind: 'operator', name: 'admin-cli' };

/** An Entra object id as typed, or the id of the person with that e-mail in the team rosters. */
async function resolvePerson(rosters: RosterStore, typed: string): Promise<string> {
  return typed.includes('@') ? (await findRosterPerson({ rosters }, typed)).userAadObjectId : typed;
}

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
    .action((userId: string, role: string, orgCode: string, opts: { dryRun?: boolean }) =>
      run(async (ctx) => {
        const storage = await ctx.storage();
        const deps = { ...storage, now: ctx.now };
        const check = opts.dryRun ? checkGrant : grantRole;
        const grant = await check(deps, OPERATOR, {
          userId: await resolvePerson(storage.rosters, userId),
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
    .action((typed: string, role: string, orgCode: string, opts: { dryRun?: boolean }) =>
      run(async (ctx) => {
        const storage = await ctx.storage();
        const userId = await resolvePerson(storage.rosters, typed);
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
        const removed = await revokeRole({ ...storage, now: ctx.now }, OPERATOR, {
          userId,
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
}
