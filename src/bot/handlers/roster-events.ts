import type { TurnContext } from 'botbuilder';
import { readAddress, readTeamsContext } from '../read-teams-context';
import type { Handler, TurnScope } from '../router';

// Team rosters follow Teams' events: the bot added to a team reads its members; people added
// re-read them (the event carries ids only, not the name and e-mail the roster keeps); people
// removed leave the roster; the bot removed forgets it. The daily sync catches anything missed,
// so a failed read here is logged, never shown to the team.

/** Reads the team's members into the roster (the bot was added to the team, or someone joined). */
export async function syncRosterOf(context: TurnContext, scope: TurnScope): Promise<void> {
  const teams = readTeamsContext(context.activity);
  if (!teams.team) return;
  const address = readAddress(context.activity, teams.team.id);
  try {
    const sync = await scope.services.syncTeamRoster({
      teamId: teams.team.id,
      serviceUrl: address.serviceUrl,
      tenantId: address.tenantId,
      ...(teams.team.name ? { teamName: teams.team.name } : {}),
    });
    scope.logger.info({ ...sync }, 'team roster read');
  } catch (error) {
    scope.logger.warn({ err: error }, 'could not read the team’s members; the daily sync retries');
  }
}

/** conversationUpdate membersAdded (people, not the bot) in a team. */
export const recordMembersAdded: Handler = async (context, scope) => {
  await syncRosterOf(context, scope);
};

/** conversationUpdate membersRemoved (people, not the bot) in a team: they leave its roster. */
export const recordMembersRemoved: Handler = async (context, scope) => {
  const teams = readTeamsContext(context.activity);
  if (!teams.team) return;
  const ids = (context.activity.membersRemoved ?? []).flatMap((m) =>
    [m.id, m.aadObjectId].filter((id): id is string => typeof id === 'string' && id !== ''),
  );
  const left = await scope.services.removeTeamMembers(teams.team.id, ids);
  scope.logger.info({ left }, 'people left a team roster');
};

/** The bot left a team, or the team was deleted: its roster is forgotten. */
export async function forgetRosterOf(context: TurnContext, scope: TurnScope): Promise<void> {
  const teams = readTeamsContext(context.activity);
  if (!teams.team) return;
  const forgotten = await scope.services.forgetTeamRoster(teams.team.id);
  scope.logger.info({ forgotten }, 'team roster forgotten');
}
