import { readCommand } from '../read-command';
import type { Handler } from '../router';

/** `update <action id> <status> [ODS code] [campaign id] [note]`, in chat or a channel. */
export const updateCommand: Handler = async (context, { services, logger }) => {
  const { activity } = context;
  const { message, ...done } = await services.updateByChat({
    text: readCommand(activity).rest,
    actor: {
      userId: activity.from?.aadObjectId ?? '',
      ...(activity.from?.name ? { name: activity.from.name } : {}),
    },
    ...(activity.id ? { changeId: activity.id } : {}),
  });
  logger.info(done, 'status change from chat');
  await context.sendActivity(message);
};
