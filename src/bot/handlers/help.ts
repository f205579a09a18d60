import { helpCommandsFor, type CommandDoc } from '../commands';
import { cardAnswer, cardMessage } from '../reply';
import { readTeamsContext } from '../read-teams-context';
import type { Handler } from '../router';
import type { TurnContext } from 'botbuilder';
import type { BotServices } from '../bot-services';

function renderHelp(context: TurnContext, services: BotServices) {
  const where = readTeamsContext(context.activity).conversationType;
  const inChat = where === 'personal';
  const commands = helpCommandsFor(where === 'channel' ? 'team' : where);
  return services.renderCard('help', {
    intro: inChat
      ? 'Type one of these commands here.'
      : 'Mention me (type @ and then Access Recovery) followed by one of these commands.',
    commands: commands.filter((c) => !c.forAdministrators).map(toFact),
    // Apart, under "For administrators", with the commands Teams does not suggest (its list of
    // ten is full): grant, revoke, roles, digest mention.
    adminCommands: commands.filter((c) => c.forAdministrators).map(toAdminFact),
  });
}

function toFact(command: CommandDoc) {
  return { name: command.name, summary: command.summary };
}

/** Under the "For administrators" heading the summary need not say so again. */
function toAdminFact(command: CommandDoc) {
  const summary = command.summary.replace(/^Administrators(?:: |, )/, '');
  return { name: command.name, summary: summary.charAt(0).toUpperCase() + summary.slice(1) };
}

/** `help`: the help card, listing the commands. */
export const sendHelp: Handler = async (context, { services }) => {
  await context.sendActivity(cardMessage(renderHelp(context, services), 'What I can do'));
};

/** The "Show what I can do" button: the help card in place (Execute), or as a reply (Submit fallback). */
export const showHelpAction: Handler = async (context, { services }) => {
  const card = renderHelp(context, services);
  if (context.activity.type === 'invoke') return cardAnswer(card);
  await context.sendActivity(cardMessage(card, 'What I can do'));
  return undefined;
};
