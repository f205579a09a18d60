import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { STATUS_LABELS } from '../../domain/items/tracked-items';
import { formatUkDate, todayInLondon } from '../../domain/shared/uk-dates';
import { cardMessage } from '../reply';
import type { Handler } from '../router';

const count = (n: number) => n.toLocaleString('en-GB');

/** `progress`: how the organisations the user works for stand in each running campaign, and what is next. */
export const sendProgress: Handler = async (context, { services }) => {
  const userId = context.activity.from.aadObjectId;
  const today = todayInLondon(services.now());
  const { results, englandOnly } = userId
    ? await services.getMyProgress(userId, today)
    : { results: [], englandOnly: false };
  const sections = results.map((r) => ({
    heading: `${escapeMarkdown(r.org.name)} (${r.org.code})`,
    campaign: escapeMarkdown(r.campaignName),
    summary: `${r.progress.percentComplete}% complete: ${count(r.progress.byStatus.done)} done, ${count(r.progress.byStatus.in_progress)} in progress, ${count(r.progress.byStatus.blocked)} blocked, ${count(r.progress.byStatus.not_started)} not started${r.progress.overdue ? `; **${count(r.progress.overdue)} overdue**` : ''}.`,
    next: r.next.map((i) => ({
      actionId: i.actionId,
      text: `${STATUS_LABELS[i.status]}${i.dueDate ? `, ${i.dueDate < today ? 'overdue since' : 'due'} ${formatUkDate(i.dueDate)}` : ''}`,
    })),
  }));
  const intro =
    sections.length > 0
      ? 'Your organisations in each running campaign, with the next actions that need work.'
      : englandOnly
        ? 'You administer all of England rather than one organisation. See any organisation with `npm run admin -- show-org <code>`.'
        : 'You have no role over an organisation yet, so there is nothing to show. Ask your ICB’s administrator to grant you one.';
  const card = services.renderCard('progress', { title: 'Your progress', intro, sections });
  await context.sendActivity(cardMessage(card, 'Your progress'));
};
