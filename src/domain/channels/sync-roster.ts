import {
  TeamRefusedError,
  type RosterPerson,
  type RosterStore,
  type RosterTeam,
  type TeamMemberSource,
} from './rosters';

// A team's roster is personal data kept for one purpose: to reach and mention the people the
// bot's organisations name. So a person is kept only while they share a team with the bot, and
// only the fields RosterPerson names; leaving the last such team deletes them.

/** What roster upkeep reads and writes. */
export interface RosterDeps {
  rosters: RosterStore;
  teamMembers: TeamMemberSource;
  now: () => Date;
}

/** What one team's sync changed. */
export interface RosterSync {
  members: number;
  /** People newly in this team's roster. */
  joined: number;
  /** People no longer in it (deleted when it was their last team with the bot). */
  left: number;
}

/** The scheduled job's name (run records, POST /api/jobs/rosters). */
export const ROSTER_JOB = 'rosters';

/**
 * Reads a team's members from Teams (every page) and brings its roster up to date: new people
 * added, names and e-mails refreshed, people who left taken out. Writes nothing when Teams
 * refuses (TeamRefusedError), so a failed read never empties a roster.
 */
export async function syncTeamRoster(
  deps: RosterDeps,
  team: Omit<RosterTeam, 'syncedAt' | 'members'>,
): Promise<RosterSync> {
  const members = await deps.teamMembers.listTeamMembers(team);
  const at = deps.now().toISOString();
  const people = await deps.rosters.listPeople();
  const stored = new Map(people.map((p) => [p.userAadObjectId.toLowerCase(), p]));
  const listed = new Set<string>();
  const save: RosterPerson[] = [];
  let joined = 0;
  for (const member of members) {
    const id = member.userAadObjectId.toLowerCase();
    if (listed.has(id)) continue;
    listed.add(id);
    const before = stored.get(id);
    if (!before?.teamIds.includes(team.teamId)) joined += 1;
    const after: RosterPerson = {
      userAadObjectId: id,
      teamsUserId: member.teamsUserId,
      name: member.name || before?.name || '',
      ...(member.email ? { email: member.email } : {}),
      tenantId: team.tenantId,
      teamIds: [...new Set([...(before?.teamIds ?? []), team.teamId])].sort(),
      updatedAt: at,
    };
    // Unchanged people are not rewritten: a daily sync of a quiet team writes nothing.
    if (!before || !isSamePerson(before, after)) save.push(after);
  }
  const leaving = people.filter(
    (p) => p.teamIds.includes(team.teamId) && !listed.has(p.userAadObjectId.toLowerCase()),
  );
  const { keep, drop } = leaveTeam(leaving, team.teamId, at);
  await deps.rosters.savePeople([...save, ...keep]);
  await deps.rosters.deletePeople(drop);
  await deps.rosters.saveTeam({ ...team, syncedAt: at, members: listed.size });
  return { members: listed.size, joined, left: leaving.length };
}

/** People removed from a team (conversationUpdate membersRemoved), by Entra or Teams user id. */
export async function removeTeamMembers(
  deps: Pick<RosterDeps, 'rosters' | 'now'>,
  teamId: string,
  ids: readonly string[],
): Promise<number> {
  const wanted = new Set(ids.map((id) => id.toLowerCase()));
  const leaving = (await deps.rosters.listPeople()).filter(
    (p) =>
      p.teamIds.includes(teamId) &&
      (wanted.has(p.userAadObjectId.toLowerCase()) || wanted.has(p.teamsUserId.toLowerCase())),
  );
  const { keep, drop } = leaveTeam(leaving, teamId, deps.now().toISOString());
  await deps.rosters.savePeople(keep);
  await deps.rosters.deletePeople(drop);
  return leaving.length;
}

/** The bot left a team (or the team is gone): forget its roster and the team. */
export async function forgetTeamRoster(
  deps: Pick<RosterDeps, 'rosters' | 'now'>,
  teamId: string,
): Promise<number> {
  const leaving = (await deps.rosters.listPeople()).filter((p) => p.teamIds.includes(teamId));
  const { keep, drop } = leaveTeam(leaving, teamId, deps.now().toISOString());
  await deps.rosters.savePeople(keep);
  await deps.rosters.deletePeople(drop);
  await deps.rosters.deleteTeam(teamId);
  return leaving.length;
}

/** What the daily roster run did. */
export interface RosterRunSummary {
  teams: number;
  members: number;
  joined: number;
  left: number;
  /** Teams the bot is no longer in (Teams said 403 or 404): their rosters were forgotten. */
  forgotten: string[];
  [key: string]: unknown;
}

/**
 * The daily roster run: every team's members read again, so names, e-mails and leavers are kept
 * current even when Teams sent no event. A team Teams says the bot is no longer in is forgotten;
 * any other failure is noted and the run fails at the end (the scheduler retries it; a rerun is
 * harmless), after the other teams went ahead.
 */
export async function runRosterSync(
  deps: RosterDeps,
  input: { signal?: AbortSignal } = {},
): Promise<RosterRunSummary> {
  const summary: RosterRunSummary = { teams: 0, members: 0, joined: 0, left: 0, forgotten: [] };
  const failures: string[] = [];
  for (const team of await deps.rosters.listTeams()) {
    input.signal?.throwIfAborted();
    try {
      const sync = await syncTeamRoster(deps, {
        teamId: team.teamId,
        serviceUrl: team.serviceUrl,
        tenantId: team.tenantId,
        ...(team.teamName ? { teamName: team.teamName } : {}),
      });
      summary.teams += 1;
      summary.members += sync.members;
      summary.joined += sync.joined;
      summary.left += sync.left;
    } catch (error) {
      if (error instanceof TeamRefusedError && error.botGone) {
        await forgetTeamRoster(deps, team.teamId);
        summary.forgotten.push(team.teamId);
      } else
        failures.push(`${team.teamId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0)
    throw new Error(
      `The members of ${failures.length} team${failures.length === 1 ? '' : 's'} could not be read (the others were): ${failures.join('; ')}`,
    );
  return summary;
}

function leaveTeam(
  people: readonly RosterPerson[],
  teamId: string,
  at: string,
): { keep: RosterPerson[]; drop: string[] } {
  const keep: RosterPerson[] = [];
  const drop: string[] = [];
  for (const person of people) {
    const teamIds = person.teamIds.filter((t) => t !== teamId);
    if (teamIds.length === 0) drop.push(person.userAadObjectId);
    else keep.push({ ...person, teamIds, updatedAt: at });
  }
  return { keep, drop };
}

function isSamePerson(a: RosterPerson, b: RosterPerson): boolean {
  return (
    a.teamsUserId === b.teamsUserId &&
    a.name === b.name &&
    a.email === b.email &&
    a.tenantId === b.tenantId &&
    a.teamIds.join(',') === b.teamIds.join(',')
  );
}
