/**
 * A person in a team the bot is installed in, as Teams lists the team's members. Personal data:
 * only these fields are kept, and only while the person shares a team with the bot.
 */
export interface RosterPerson {
  /** Entra object id: what roles are granted to. */
  userAadObjectId: string;
  /** Teams user id (`29:…`): what 1:1 conversations and mentions are addressed to. */
  teamsUserId: string;
  name: string;
  /** E-mail address or user principal name, when Teams gives one. */
  email?: string;
  tenantId: string;
  /** Bot Framework ids (`19:…@thread.tacv2`) of the teams the person shares with the bot. */
  teamIds: string[];
  updatedAt: string;
}

/** A team whose roster the bot keeps: where to ask Teams for its members again. */
export interface RosterTeam {
  /** Bot Framework team id (`19:…@thread.tacv2`). */
  teamId: string;
  serviceUrl: string;
  tenantId: string;
  teamName?: string;
  /** When its members were last read, and how many there were. */
  syncedAt?: string;
  members?: number;
}

/** One member of a team as Teams lists them (no more than the roster keeps). */
export type TeamMember = Pick<RosterPerson, 'userAadObjectId' | 'teamsUserId' | 'name' | 'email'>;

/** Port: the people of the teams the bot is installed in, and those teams. */
export interface RosterStore {
  /** One person by Entra object id (any case), or undefined. */
  getPerson(userAadObjectId: string): Promise<RosterPerson | undefined>;
  /** Everyone in the rosters (syncs and name look-ups; rosters are small). */
  listPeople(): Promise<RosterPerson[]>;
  /** Creates or replaces people. */
  savePeople(people: readonly RosterPerson[]): Promise<void>;
  /** Forgets people; ids not there are skipped. */
  deletePeople(userAadObjectIds: readonly string[]): Promise<void>;
  /** The teams whose rosters are kept. */
  listTeams(): Promise<RosterTeam[]>;
  saveTeam(team: RosterTeam): Promise<void>;
  /** Forgets a team (the bot left it); true if it was there. */
  deleteTeam(teamId: string): Promise<boolean>;
}

/** Teams would not list a team's members: 403 (the bot was removed), 404 (no such team), … */
export class TeamRefusedError extends Error {
  constructor(
    readonly teamId: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`Teams refused to list the members of team ${teamId} (${status} ${detail})`);
    this.name = 'TeamRefusedError';
  }

  /** True when the bot is no longer in the team (or the team is gone): forget its roster. */
  get botGone(): boolean {
    return this.status === 403 || this.status === 404;
  }
}

/** Port: reads a team's members from Teams, every page. */
export interface TeamMemberSource {
  /** Every member of a team; throws TeamRefusedError when Teams refuses. */
  listTeamMembers(team: Pick<RosterTeam, 'teamId' | 'serviceUrl'>): Promise<TeamMember[]>;
}
