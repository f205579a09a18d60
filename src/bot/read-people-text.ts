import type { Activity } from 'botbuilder';
import { readCommand } from './read-command';

interface MentionEntity {
  type?: string;
  text?: string;
  mentioned?: { id?: string };
}

/**
 * The command's text after its first word, with every @mention of a person (not the bot) turned
 * into their Teams user id, which the rosters know them by: "grant @Asha Rao pcn_lead U99901".
 */
export function readRestWithPeople(activity: Activity): string {
  let text = activity.text ?? '';
  for (const entity of (activity.entities ?? []) as MentionEntity[])
    if (
      entity.type === 'mention' &&
      entity.text &&
      entity.mentioned?.id &&
      entity.mentioned.id !== activity.recipient?.id
    )
      text = text.split(entity.text).join(` ${entity.mentioned.id} `);
  return readCommand({ ...activity, text } as Activity).rest;
}
