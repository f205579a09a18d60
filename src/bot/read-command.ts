import type { Activity } from 'botbuilder';

/** A typed command: its first word (lower case) and the rest of the text. */
export interface TypedCommand {
  name: string;
  rest: string;
}

interface MentionEntity {
  type?: string;
  text?: string;
  mentioned?: { id?: string };
}

/** Reads the command from a message, without the bot's @mention (channels and group chats). */
export function readCommand(activity: Activity): TypedCommand {
  // Teams puts "<at>Bot name</at>" in the text of a message that mentions the bot. Remove the
  // text of every mention of us (without mutating the activity, unlike botbuilder's helper),
  // then any stray <at> tags left by clients that send no mention entity.
  let text = activity.text ?? '';
  for (const entity of (activity.entities ?? []) as MentionEntity[]) {
    if (
      entity.type === 'mention' &&
      entity.mentioned?.id === activity.recipient?.id &&
      entity.text
    ) {
      text = text.split(entity.text).join(' ');
    }
  }
  const plain = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const [first = '', ...rest] = plain.split(' ');
  return { name: first.toLowerCase().replace(/[.!?]+$/, ''), rest: rest.join(' ') };
}
