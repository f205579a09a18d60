import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { readCommand } from '../../src/bot/read-command';

const bot = { id: '28:bot', name: 'Access Recovery Bot' };

function message(text: string, entities: unknown[] = []): Activity {
  return { type: 'message', text, entities, recipient: bot } as unknown as Activity;
}

describe('readCommand', () => {
  it('reads the first word as the command, in lower case', () => {
    assert.deepEqual(readCommand(message('WhoAmI please')), { name: 'whoami', rest: 'please' });
  });

  it('removes the bot’s @mention before reading', () => {
    const mention = { type: 'mention', text: '<at>Access Recovery Bot</at>', mentioned: bot };
    assert.deepEqual(readCommand(message('<at>Access Recovery Bot</at> help', [mention])), {
      name: 'help',
      rest: '',
    });
  });

  it('keeps mentions of other people in the rest of the text', () => {
    const ours = { type: 'mention', text: '<at>Access Recovery Bot</at>', mentioned: bot };
    const theirs = { type: 'mention', text: 'Sam', mentioned: { id: '29:sam' } };
    const read = readCommand(message('<at>Access Recovery Bot</at> help Sam', [ours, theirs]));
    assert.deepEqual(read, { name: 'help', rest: 'Sam' });
  });

  it('strips stray <at> tags and non-breaking spaces from old clients', () => {
    assert.equal(readCommand(message('<at>Bot</at>&nbsp;help')).name, 'help');
  });

  it('does not change the activity it reads', () => {
    const activity = message('<at>Access Recovery Bot</at> help', [
      { type: 'mention', text: '<at>Access Recovery Bot</at>', mentioned: bot },
    ]);
    readCommand(activity);
    assert.equal(activity.text, '<at>Access Recovery Bot</at> help');
  });

  it('reads an empty message as no command', () => {
    assert.deepEqual(readCommand(message('   ')), { name: '', rest: '' });
  });
});
