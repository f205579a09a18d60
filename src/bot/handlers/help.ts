import { commandsFor } from '../commands';
import { cardAnswer, cardMessage } from '../reply';
import { readTeamsContext } from '../read-teams-context';
import type { Handler } from '../router';
import type { TurnContext } from 'botbuilder';
import type { BotServices } from '../bot-services';

function renderHelp(context: TurnContext, services: BotServices) {
  const where = readTeamsContext(context.activity).conversationType;
  const inChat = where === 'personal';
  return services.renderCard('help', {
    intro: inChat
      ? 'Type one of these commands here.'
      : 'Mention me (type @ and then Access Recovery) followed by one of these commands.',
    commands: commandsFor(where === 'channel' ? 'team' : where).map((c) => ({
      name: c.name,
      summary: c.summary,
    })),
  });
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
