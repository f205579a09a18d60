import { formatOrgName } from '../../domain/access/display-name';
import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { InvalidInputError } from '../../domain/shared/errors';
import { readCommand } from '../read-command';
import { placeOf } from '../read-teams-context';
import { cardMessage } from '../reply';
import type { Handler } from '../router';
import { sendProgress } from './progress';

/** `status [ODS code]`: an organisation's progress; the channel's, or the person's own, without one. */
export const statusCommand: Handler = async (context, scope) => {
  const { services } = scope;
  const args = readCommand(context.activity).rest.split(' ').filter(Boolean);
  if (args.length > 1)
    throw new InvalidInputError(
      'Type **status** on its own, or **status** and one ODS code, for example **status U99901**.',
    );
  const report = await services.getStatusReport({
    code: args[0],
    userId: context.activity.from?.aadObjectId,
    ...placeOf(context.activity),
  });
  if (report.kind === 'mine') return sendProgress(context, scope);
  const { org, intro, sections } = report;
  // Titled for the organisation it shows: in a channel, "Your progress" would read as the reader's.
  const name = formatOrgName(org.name);
  const title = `Progress of ${escapeMarkdown(name)} (${org.code})`;
  await context.sendActivity(
    cardMessage(services.renderCard('progress', { title, intro, sections }), `Progress of ${name}`),
  );
};
