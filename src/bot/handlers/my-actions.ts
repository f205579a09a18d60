import { InvalidInputError } from '../../domain/shared/errors';
import { readCommand } from '../read-command';
import { cardMessage } from '../reply';
import type { Handler } from '../router';

/** `my actions`: the person's unfinished items, most urgent first, with update buttons. */
export const sendMyActions: Handler = async (context, { services }) => {
  const { rest } = readCommand(context.activity);
  if (rest.toLowerCase().replace(/[.!?]+$/, '') !== 'actions')
    throw new InvalidInputError('Did you mean **my actions**? Type it just like that.');
  const userId = context.activity.from?.aadObjectId;
  if (!userId)
    throw new InvalidInputError(
      'Teams did not tell me who you are, so I cannot list your actions.',
    );
  const { view } = await services.getMyActions(userId);
  await context.sendActivity(cardMessage(services.renderCard('checklist', view), view.summary));
};
