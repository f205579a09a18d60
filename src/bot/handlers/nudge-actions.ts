import type { TurnContext } from 'botbuilder';
import { InvalidInputError } from '../../domain/shared/errors';
import { formatUkDay } from '../../domain/shared/uk-dates';
import { readCommand } from '../read-command';
import { readSnoozePress } from '../read-card-data';
import { messageAnswer } from '../reply';
import type { Handler, InvokeAnswer } from '../router';

function requireUser(context: TurnContext): string {
  const userId = context.activity.from?.aadObjectId;
  if (!userId)
    throw new InvalidInputError(
      'Teams did not tell me who you are, so I cannot change your reminders.',
    );
  return userId;
}

async function answer(context: TurnContext, text: string): Promise<InvokeAnswer | undefined> {
  if (context.activity.type === 'invoke') return messageAnswer(text);
  await context.sendActivity(text);
  return undefined;
}

/** A reminder's "Snooze 3 days": no reminders about that item for this person until then. */
export const snoozeNudgeAction: Handler = async (context, { services }) => {
  const item = readSnoozePress(context.activity);
  const userId = requireUser(context);
  const until = await services.snoozeNudge(userId, item);
  return answer(
    context,
    `Snoozed: no reminders about ${item.actionId} for ${item.orgCode} until after ${formatUkDay(until)}.`,
  );
};

/** A reminder's "Only urgent reminders": stops the 14- and 7-day reminders for this person. */
export const stopNonUrgentAction: Handler = async (context, { services }) => {
  const userId = requireUser(context);
  await services.chooseNudges(userId, 'urgent');
  return answer(
    context,
    'Done: from now on you get only urgent reminders (1 day before a deadline, and once it has passed). Type **nudges all** to get every reminder again.',
  );
};

/** `nudges`, `nudges urgent` or `nudges all`: see or choose which reminders come. */
export const nudgesCommand: Handler = async (context, { services }) => {
  const userId = requireUser(context);
  const choice = readCommand(context.activity).rest.toLowerCase().trim();
  if (choice === 'urgent' || choice === 'off') {
    await services.chooseNudges(userId, 'urgent');
    await context.sendActivity(
      'You now get only urgent reminders (1 day before a deadline, and once it has passed).',
    );
  } else if (choice === 'all' || choice === 'on') {
    await services.chooseNudges(userId, 'all');
    await context.sendActivity(
      'You now get every reminder: 14, 7 and 1 days before a deadline, and weekly once it has passed.',
    );
  } else if (choice === '') {
    const prefs = await services.getNudgeChoices(userId);
    await context.sendActivity(
      prefs.nonUrgentOff
        ? 'You get only urgent reminders. Type **nudges all** to get every reminder.'
        : 'You get every reminder: 14, 7 and 1 days before a deadline, and weekly once it has passed. Type **nudges urgent** for only the urgent ones.',
    );
  } else {
    throw new InvalidInputError('Type **nudges**, **nudges urgent** or **nudges all**.');
  }
};
