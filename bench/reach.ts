import { ConnectorClient } from '../src/proactive/connector-client';
import { GraphClient } from '../src/proactive/graph-client';
import { surveyReach, type ReachSurvey } from '../src/proactive/survey-reach';
import type { Storage } from '../src/storage/open-storage';
import { runWithLimit } from '../src/storage/run-batches';
import { startFakeConnector } from '../test/support/fake-connector';
import { FakeGraph } from '../test/support/fake-graph';

const TEAM_ID = '19:bench-roster-team@thread.tacv2';
const CATALOG_APP_ID = 'b6d1c0a2-77f1-4c3e-9a5b-0c1d2e3f4a5b';
const BOT_ID = '28:bench-bot';

/**
 * How people with roles stand towards the bot in synthetic England, by their place in the list
 * (tenths, so every route is exercised and the mix is the same on every run): four in ten have
 * opened the bot; four share a team with it; one shares a team but does not have the app, so
 * Teams refuses a 1:1 chat and the app is installed through Graph; one is in no team with it.
 */
export function syntheticStanding(index: number): 'opened' | 'team' | 'teamNoApp' | 'noTeam' {
  const tenth = index % 10;
  return tenth < 4 ? 'opened' : tenth < 8 ? 'team' : tenth === 8 ? 'teamNoApp' : 'noTeam';
}

/**
 * Gives England's people with roles the synthetic standing above (stored chats, a team roster
 * against a fake Teams and a fake Graph on loopback), then reaches each as their first 1:1
 * reminder would and counts the routes. Sends nothing.
 */
export async function surveyEnglandReach(
  storage: Storage,
  people: readonly string[],
  tenantId: string,
  now: () => Date,
): Promise<ReachSurvey> {
  const connector = await startFakeConnector({ enforceLimits: false });
  const graph = await new FakeGraph(CATALOG_APP_ID).start();
  try {
    const at = now().toISOString();
    const address = { serviceUrl: connector.url, tenantId, botId: BOT_ID };
    await storage.conversations.saveConversation({
      kind: 'team',
      teamId: TEAM_ID,
      teamName: 'Synthetic England',
      address: { ...address, conversationId: TEAM_ID },
      active: true,
      lastEvent: 'bench',
      updatedAt: at,
    });
    const roster = [];
    for (const [i, userAadObjectId] of people.entries()) {
      const standing = syntheticStanding(i);
      if (standing === 'noTeam' || standing === 'opened') continue;
      const teamsUserId = `29:bench-${i}`;
      if (standing === 'teamNoApp') connector.setUserStatus(teamsUserId, 403);
      roster.push({
        userAadObjectId,
        teamsUserId,
        name: `Person ${i}`,
        tenantId,
        teamIds: [TEAM_ID],
        updatedAt: at,
      });
    }
    await storage.rosters.savePeople(roster);
    await runWithLimit(
      people.filter((_, i) => syntheticStanding(i) === 'opened'),
      16,
      (userAadObjectId) =>
        storage.conversations.saveConversation({
          kind: 'personal',
          userAadObjectId,
          address: { ...address, conversationId: `a:bench-${userAadObjectId}` },
          active: true,
          lastEvent: 'bench',
          updatedAt: at,
        }),
    );
    return await surveyReach(
      {
        rosters: storage.rosters,
        conversations: storage.conversations,
        client: new ConnectorClient(async () => undefined),
        graph: {
          client: new GraphClient(async () => undefined, graph.url),
          catalogAppId: CATALOG_APP_ID,
        },
        now,
      },
      people.map((userAadObjectId) => ({ tenantId, userAadObjectId })),
      16,
    );
  } finally {
    await graph.stop();
    await connector.stop();
  }
}

/** The survey as lines to read. */
export function describeReach(survey: ReachSurvey): string[] {
  const share = (n: number) =>
    survey.people === 0 ? '0%' : `${((100 * n) / survey.people).toFixed(1)}%`;
  const reached = survey.stored + survey.roster + survey.graph;
  return [
    `Reachable 1:1: ${reached} of ${survey.people} people with roles (${share(reached)})`,
    `  chat stored (opened the bot): ${survey.stored} (${share(survey.stored)})`,
    `  chat started from the team roster: ${survey.roster} (${share(survey.roster)})`,
    `  app installed through Graph: ${survey.graph} (${share(survey.graph)})`,
    `  not reachable 1:1: ${survey.notReachable} (${share(survey.notReachable)})${survey.waiting ? `; ${survey.waiting} still waiting on a passing failure` : ''}`,
    ...Object.entries(survey.why).map(([why, n]) => `    ${n} × ${why}`),
  ];
}
