import { readCommand } from '../read-command';
import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { readTeamsContext } from '../read-teams-context';
import type { Handler } from '../router';

/** Any message we do not understand: a friendly hint rather than silence. */
export const sendHint: Handler = async (context) => {
  const { name, rest } = readCommand(context.activity);
  const typed = [name, rest].filter(Boolean).join(' ');
  const personal = readTeamsContext(context.activity).conversationType === 'personal';
  const how = personal ? 'Type **help**' : 'Mention me with **help**';
  const quoted = typed.length > 40 ? `${typed.slice(0, 40)}…` : typed;
  await context.sendActivity(
    typed === ''
      ? `Hello! ${how} to see what I can do.`
      : `Sorry, I don't know "${escapeMarkdown(quoted)}". ${how} to see what I can do.`,
  );
};
