import { escapeMarkdown } from '../shared/escape-markdown';
import type { Organisation } from '../access/organisations';
import { ENGLAND } from '../access/roles';
import { campaignCovers } from '../cards/plan-cards';
import type { Campaign } from '../checklists/campaigns';
import { STATUS_LABELS, groupCodeOf } from '../items/tracked-items';
import { InvalidInputError, NotFoundError } from '../shared/errors';
import { parseUpdateCommand } from './parse-update-command';
import { redrawCopiesAfter, type StatusChangeDeps } from './press-status';
import { changeStatus, type Actor } from './set-status';

/** A chat update: the text after `update`, who typed it, and the message id (to spot repeats). */
export interface ChatUpdate {
  text: string;
  actor: Actor;
  changeId?: string;
}

/**
 * `update <action id> <status> [ODS code] [campaign id] [note]`: finds the one item the person
 * means among their organisations and the running campaigns, changes it like a card press would,
 * and says what happened in a sentence.
 */
export async function updateByChat(
  deps: StatusChangeDeps,
  update: ChatUpdate,
): Promise<{ message: string; orgCode: string; actionId: string; outcome: string }> {
  const userId = update.actor.userId;
  if (!userId)
    throw new InvalidInputError('Teams did not tell me who you are, so I cannot change anything.');
  // Newest launch first: when an action is in several campaigns, the latest is the one in use.
  const running = (await deps.campaigns.listCampaigns())
    .filter((c) => c.status === 'running')
    .sort((a, b) => (b.launchedAt ?? '').localeCompare(a.launchedAt ?? ''));
  const command = parseUpdateCommand(
    update.text,
    running.map((c) => c.id),
  );
  const typed = `**update ${command.actionId} ${command.status.replace('_', ' ')}`;
  const codes = command.orgCode
    ? [command.orgCode]
    : [
        ...new Set(
          (await deps.roles.listRolesOfUser(userId))
            .filter((g) => g.orgCode !== ENGLAND && g.role !== 'regional_head')
            .map((g) => g.orgCode),
        ),
      ];
  if (codes.length === 0)
    throw new InvalidInputError(
      `You have no role over a practice, PCN or ICB, so I do not know whose ${command.actionId} to change. Add the ODS code, for example ${typed} X99001**.`,
    );
  const campaigns = command.campaignId
    ? running.filter((c) => c.id === command.campaignId)
    : running;
  const found: { org: Organisation; campaign: Campaign }[] = [];
  for (const code of codes) {
    const org = await deps.organisations.getOrganisation(code);
    if (!org || org.level === 'region') continue;
    for (const campaign of campaigns) {
      if (!campaignCovers(campaign, org)) continue;
      const items = await deps.items.listItemsForOrg(campaign.id, groupCodeOf(org), org.code);
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
        .map((c) => `${typed} ${c}**`)
        .join(' or ')}.`,
    );
  const [target] = found as [(typeof found)[number], ...typeof found];
  const result = await changeStatus(deps, {
    campaignId: target.campaign.id,
    orgCode: target.org.code,
    actionId: command.actionId,
    status: command.status,
    note: command.note,
    ...(update.changeId ? { changeId: update.changeId } : {}),
    surface: 'chat',
    actor: update.actor,
  });
  redrawCopiesAfter(deps, result);
  const others = found.filter((f) => f.campaign.id !== target.campaign.id);
  const where =
    others.length > 0
      ? ` This was in "${escapeMarkdown(target.campaign.name)}"; to change it in another campaign, add its id, for example ${typed} ${others[0]?.campaign.id}**.`
      : '';
  const what =
    result.outcome === 'unchanged'
      ? `${command.actionId} for ${escapeMarkdown(target.org.name)} was already ${STATUS_LABELS[command.status]}; nothing changed.`
      : `Saved: ${command.actionId} for ${escapeMarkdown(target.org.name)} is now **${STATUS_LABELS[result.item.status]}**${result.item.note ? ` with the note “${escapeMarkdown(result.item.note)}”` : ''}.`;
  // Said plainly, so two people updating the same item at once find out at once.
  const over = result.replaced
    ? ` This replaced ${escapeMarkdown(result.replaced.by)}’s change to ${STATUS_LABELS[result.replaced.status]} ${describeAgo(deps.now(), result.replaced.at)}; check with them if that was not meant.`
    : '';
  return {
    message: `${what}${over}${where}`,
    orgCode: target.org.code,
    actionId: command.actionId,
    outcome: result.outcome,
  };
}

/** "12 seconds ago", "a minute ago": how long before `now` a recent change was made. */
function describeAgo(now: Date, at: string): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1_000));
  if (seconds < 60) return seconds === 1 ? 'a second ago' : `${seconds} seconds ago`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'a minute ago' : `${minutes} minutes ago`;
}
