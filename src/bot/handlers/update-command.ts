import type { Campaign } from '../../domain/checklists/campaigns';
import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { InvalidInputError, NotFoundError } from '../../domain/shared/errors';
import type { Organisation } from '../../domain/access/organisations';
import { campaignCovers } from '../../domain/cards/plan-cards';
import { ENGLAND } from '../../domain/access/roles';
import { changeStatus } from '../../domain/status/set-status';
import { STATUS_LABELS, groupCodeOf } from '../../domain/items/tracked-items';
import { parseUpdateCommand } from '../parse-update-command';
import { readCommand } from '../read-command';
import type { Handler } from '../router';

/** `update <action id> <status> [ODS code] [campaign id] [note]`, in chat or a channel. */
export const updateCommand: Handler = async (context, { services, logger }) => {
  const { activity } = context;
  const userId = activity.from?.aadObjectId;
  if (!userId)
    throw new InvalidInputError('Teams did not tell me who you are, so I cannot change anything.');
  // Newest launch first: when an action is in several campaigns, the latest is the one in use.
  const running = (await services.campaigns.listCampaigns())
    .filter((c) => c.status === 'running')
    .sort((a, b) => (b.launchedAt ?? '').localeCompare(a.launchedAt ?? ''));
  const command = parseUpdateCommand(
    readCommand(activity).rest,
    running.map((c) => c.id),
  );
  const codes = command.orgCode
    ? [command.orgCode]
    : [
        ...new Set(
          (await services.roles.listRolesOfUser(userId))
            .filter((g) => g.orgCode !== ENGLAND && g.role !== 'regional_head')
            .map((g) => g.orgCode),
        ),
      ];
  if (codes.length === 0)
    throw new InvalidInputError(
      `You have no role over a practice, PCN or ICB, so I do not know whose ${command.actionId} to change. Add the ODS code, for example **update ${command.actionId} ${command.status.replace('_', ' ')} X99001**.`,
    );
  const campaigns = command.campaignId
    ? running.filter((c) => c.id === command.campaignId)
    : running;
  const found: { org: Organisation; campaign: Campaign }[] = [];
  for (const code of codes) {
    const org = await services.organisations.getOrganisation(code);
    if (!org || org.level === 'region') continue;
    for (const campaign of campaigns) {
      if (!campaignCovers(campaign, org)) continue;
      const items = await services.items.listItemsForOrg(campaign.id, groupCodeOf(org), org.code);
      if (items.some((i) => i.actionId === command.actionId)) found.push({ org, campaign });
    }
  }
  if (found.length === 0)
    throw new NotFoundError(
      command.orgCode
        ? `${command.orgCode} has no action ${command.actionId} in a running campaign. Check the code and the action id.`
        : `None of your organisations has an action ${command.actionId} in a running campaign. Type **my actions** to see yours.`,
    );
  const orgs = [...new Set(found.map((f) => f.org.code))];
  if (orgs.length > 1)
    throw new InvalidInputError(
      `${command.actionId} belongs to more than one of your organisations. Say which: ${orgs
        .map((c) => `**update ${command.actionId} ${command.status.replace('_', ' ')} ${c}**`)
        .join(' or ')}.`,
    );
  const [target] = found as [(typeof found)[number], ...typeof found];
  const result = await changeStatus(services, {
    campaignId: target.campaign.id,
    orgCode: target.org.code,
    actionId: command.actionId,
    status: command.status,
    note: command.note,
    ...(activity.id ? { changeId: activity.id } : {}),
    surface: 'chat',
    actor: { userId, ...(activity.from?.name ? { name: activity.from.name } : {}) },
  });
  logger.info(
    { orgCode: target.org.code, actionId: command.actionId, outcome: result.outcome },
    'status change from chat',
  );
  if (result.outcome === 'changed')
    services.copies.schedule({
      campaignId: target.campaign.id,
      org: target.org,
      area: String(result.item.area),
      orgItemCount: result.orgItems.length,
    });
  const others = found.filter((f) => f.campaign.id !== target.campaign.id);
  const where =
    others.length > 0
      ? ` This was in "${escapeMarkdown(target.campaign.name)}"; to change it in another campaign, add its id, for example **update ${command.actionId} ${command.status.replace('_', ' ')} ${others[0]?.campaign.id}**.`
      : '';
  const what =
    result.outcome === 'unchanged'
      ? `${command.actionId} for ${escapeMarkdown(target.org.name)} was already ${STATUS_LABELS[command.status]}; nothing changed.`
      : `Saved: ${command.actionId} for ${escapeMarkdown(target.org.name)} is now **${STATUS_LABELS[result.item.status]}**${result.item.note ? ` with the note “${escapeMarkdown(result.item.note)}”` : ''}.`;
  await context.sendActivity(`${what}${where}`);
};
