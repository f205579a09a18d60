import { formatOrgName } from '../../domain/access/display-name';
import { ROLE_LABELS } from '../../domain/access/roles';
import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import {
  describeGrantedBy,
  describeRoleChange,
  HISTORY_CHANGES,
  RECENT_CHANGES,
} from '../../domain/channels/team-roles';
import { readCommand } from '../read-command';
import { readRestWithPeople } from '../read-people-text';
import type { Handler } from '../router';

/** `grant <name, e-mail or @mention> <role> <ODS code>`, for administrators. */
export const grantCommand: Handler = async (context, { services, logger }) => {
  const { grant, person } = await services.grantRoleInTeams(
    { userId: context.activity.from?.aadObjectId, name: context.activity.from?.name },
    readRestWithPeople(context.activity),
  );
  logger.info({ role: grant.role, orgCode: grant.orgCode }, 'role granted in Teams');
  await context.sendActivity(
    `${escapeMarkdown(person.name)} is now ${ROLE_LABELS[grant.role]} for ${grant.orgCode}. They see it with **whoami**; their reminders start with the next daily run.`,
  );
};

/** `revoke <name, e-mail or @mention> <role> <ODS code>`, for administrators. */
export const revokeCommand: Handler = async (context, { services, logger }) => {
  const { revoked, person, command } = await services.revokeRoleInTeams(
    { userId: context.activity.from?.aadObjectId, name: context.activity.from?.name },
    readRestWithPeople(context.activity),
  );
  logger.info({ role: command.role, orgCode: command.orgCode, revoked }, 'role revoked in Teams');
  await context.sendActivity(
    revoked
      ? `${escapeMarkdown(person.name)} is no longer ${ROLE_LABELS[command.role]} for ${command.orgCode}.`
      : `${escapeMarkdown(person.name)} was not ${ROLE_LABELS[command.role]} for ${command.orgCode}; nothing changed. Type **roles ${command.orgCode}** to see who holds what there.`,
  );
};

/**
 * `roles <ODS code>`: who holds which role over the organisation, who granted it and when, and
 * its latest recorded changes; `roles history <ODS code>` shows more changes. For administrators.
 */
export const rolesCommand: Handler = async (context, { services }) => {
  const words = readCommand(context.activity).rest.split(' ').filter(Boolean);
  const history = words[0]?.toLowerCase() === 'history';
  const code = history ? words[1] : words[0];
  const { org, holders, changes } = await services.listRoleHolders(
    context.activity.from?.aadObjectId,
    code,
    { changes: history ? HISTORY_CHANGES : RECENT_CHANGES },
  );
  const place = org ? `${escapeMarkdown(formatOrgName(org.name))} (${org.code})` : 'all of England';
  const shownCode = org?.code ?? 'ENGLAND';
  const changeLines = changes.map((c) => `- ${describeRoleChange(c, escapeMarkdown)}`);
  if (history) {
    await context.sendActivity(
      changeLines.length === 0
        ? `No role changes are recorded over ${place}.`
        : `The latest ${changeLines.length === 1 ? 'role change' : `${changeLines.length} role changes`} over ${place}, newest first:\n\n${changeLines.join('\n')}`,
    );
    return;
  }
  const parts: string[] = [];
  if (holders.length === 0)
    parts.push(
      `Nobody holds a role over ${place} itself. Type **grant** followed by a name or e-mail, a role and **${shownCode}** to give one.`,
    );
  else
    parts.push(
      `Roles over ${place}:\n\n${holders
        .map((h) => {
          const by = describeGrantedBy(h, escapeMarkdown);
          return `- ${ROLE_LABELS[h.role]}: ${escapeMarkdown(h.name)}${h.email ? ` (${escapeMarkdown(h.email)})` : ''}${by ? `, ${by}` : ''}`;
        })
        .join('\n')}`,
    );
  if (changeLines.length > 0)
    parts.push(
      `Recent changes:\n\n${changeLines.join('\n')}${changes.length >= RECENT_CHANGES ? `\n\nType **roles history ${shownCode}** for more.` : ''}`,
    );
  await context.sendActivity(parts.join('\n\n'));
};
