import assert from 'node:assert/strict';
import { describeReach, surveyEnglandReach } from '../../bench/reach';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';

const TENANT = '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f';

describe('the nudge benchmark’s 1:1 reach count (small, real Azurite, fake Teams and Graph)', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
  });
  after(async () => {
    await azurite?.stop();
  });

  it('counts twenty people with roles by route: stored, roster, Graph install, not reachable', async () => {
    const people = Array.from(
      { length: 20 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const survey = await surveyEnglandReach(storage, people, TENANT, () => new Date());
    assert.deepEqual(survey, {
      people: 20,
      stored: 8,
      roster: 8,
      graph: 2,
      notReachable: 2,
      waiting: 0,
      why: { 'They have never opened the bot and are in no team the bot is in.': 2 },
    });
    assert.deepEqual(describeReach(survey).slice(0, 5), [
      'Reachable 1:1: 18 of 20 people with roles (90.0%)',
      '  chat stored (opened the bot): 8 (40.0%)',
      '  chat started from the team roster: 8 (40.0%)',
      '  app installed through Graph: 2 (10.0%)',
      '  not reachable 1:1: 2 (10.0%)',
    ]);
  });
});
