import assert from 'node:assert/strict';
import { countReach, emptySurvey } from '../../src/proactive/survey-reach';

const ADDRESS = {
  serviceUrl: 'https://smba.example/',
  tenantId: 't',
  botId: 'b',
  conversationId: 'c',
};

describe('counting who can be reached 1:1', () => {
  it('counts each route, passing failures apart, and reasons without their codes', () => {
    const survey = emptySurvey();
    countReach(survey, { kind: 'stored' });
    countReach(survey, { kind: 'reached', route: 'roster', address: ADDRESS });
    countReach(survey, { kind: 'reached', route: 'roster', address: ADDRESS });
    countReach(survey, { kind: 'reached', route: 'graph', address: ADDRESS });
    countReach(survey, { kind: 'wait', source: 'graph', result: { status: 429 } });
    countReach(survey, { kind: 'removed' });
    const refused = (code: string) =>
      `Teams would not start a 1:1 chat (403 ${code}): the app is not installed for them.`;
    countReach(survey, { kind: 'unreachable', status: 403, detail: refused('Forbidden') });
    countReach(survey, { kind: 'unreachable', status: 403, detail: refused('BotDisabled') });
    assert.deepEqual(survey, {
      people: 8,
      stored: 1,
      roster: 2,
      graph: 1,
      notReachable: 3,
      waiting: 1,
      why: {
        'They removed the bot from their chats.': 1,
        'Teams would not start a 1:1 chat: the app is not installed for them.': 2,
      },
    });
  });
});
