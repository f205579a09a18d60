import assert from 'node:assert/strict';
import type { FakeConnector } from './fake-connector';
import type { TestService } from './start-test-service';
import { CHANNEL_ID, USER, channelMention, personalMessage } from './teams-activities';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Person = { id: string; name: string; aadObjectId: string };

/** Typing to the bot as people do, and reading what it answers. */
export function converse(service: () => TestService, connector: () => FakeConnector) {
  return {
    /** Sends an activity and returns the text of the bot's replies to it (cards as JSON). */
    async say(activity: Json): Promise<string> {
      const { status } = await service().post(activity);
      assert.equal(status, 200);
      return connector()
        .delivered.filter((d) => d.replyToId === activity['id'])
        .map((d) => JSON.stringify(d.body))
        .join('\n');
    },
    /** A 1:1 chat message from `from`. */
    chat: (text: string, from: Person = USER): Json => ({
      ...personalMessage(connector().url, text),
      from: { ...from },
    }),
    /** A channel message mentioning the bot, in the test team's channel or another one. */
    channel: (text: string, from: Person = USER, channelId = CHANNEL_ID, name?: string): Json => {
      const activity = channelMention(connector().url, text) as Json;
      if (channelId === CHANNEL_ID) return { ...activity, from: { ...from } };
      return {
        ...activity,
        from: { ...from },
        conversation: { ...activity['conversation'], id: `${channelId};messageid=1700000000000` },
        channelData: {
          ...activity['channelData'],
          teamsChannelId: channelId,
          channel: { id: channelId, name: name ?? 'Another channel' },
        },
      };
    },
  };
}
