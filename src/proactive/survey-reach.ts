import pLimit from 'p-limit';
import { reachPerson, type ReachDeps, type ReachOutcome } from './reach-person';

/** How many people can be messaged 1:1, by the route that reaches them. */
export interface ReachSurvey {
  people: number;
  /** They opened the bot (or were reached before): a personal chat is stored. */
  stored: number;
  /** A 1:1 chat was started from their Teams user id in the rosters. */
  roster: number;
  /** Teams refused, and the app was installed for them through Graph. */
  graph: number;
  /** No way to them now; the reasons are counted in `why`. */
  notReachable: number;
  /** Teams or Graph failed in passing (429, 5xx): neither reached nor known unreachable. */
  waiting: number;
  /** Reasons for `notReachable`, each with how many. */
  why: Record<string, number>;
}

/** A survey with nothing counted yet. */
export function emptySurvey(): ReachSurvey {
  return { people: 0, stored: 0, roster: 0, graph: 0, notReachable: 0, waiting: 0, why: {} };
}

/** Adds one person's route (or outcome) to a survey. */
export function countReach(
  survey: ReachSurvey,
  outcome: ReachOutcome | { kind: 'stored' } | { kind: 'removed' },
): void {
  survey.people += 1;
  switch (outcome.kind) {
    case 'stored':
      survey.stored += 1;
      return;
    case 'reached':
      survey[outcome.route] += 1;
      return;
    case 'wait':
      survey.waiting += 1;
      return;
    case 'removed':
    case 'unreachable': {
      survey.notReachable += 1;
      // Counted by kind of reason, without the ids and codes that make each detail unique.
      const why =
        outcome.kind === 'removed'
          ? 'They removed the bot from their chats.'
          : outcome.detail.replace(/ \(\d{3}[^)]*\)/, '');
      survey.why[why] = (survey.why[why] ?? 0) + 1;
    }
  }
}

/**
 * Reaches each person as their first 1:1 message would (stored chat, else roster, else Graph when
 * enabled), storing the chats it finds but sending nothing, and counts the routes: how many of
 * the people with roles the bot can message 1:1. For benchmarks and checks before a launch.
 */
export async function surveyReach(
  deps: ReachDeps,
  people: readonly { tenantId: string; userAadObjectId: string }[],
  concurrency = 8,
): Promise<ReachSurvey> {
  const survey = emptySurvey();
  const limit = pLimit(concurrency);
  await Promise.all(
    people.map((person) =>
      limit(async () => {
        const stored = await deps.conversations.findPersonal(
          person.tenantId,
          person.userAadObjectId,
        );
        if (stored) {
          countReach(survey, { kind: stored.active ? 'stored' : 'removed' });
          return;
        }
        const outcome = await reachPerson(deps, person.userAadObjectId, (_key, call) => call());
        if (outcome) countReach(survey, outcome);
      }),
    ),
  );
  return survey;
}
