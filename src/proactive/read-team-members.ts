import {
  TeamRefusedError,
  type RosterTeam,
  type TeamMember,
  type TeamMemberSource,
} from '../domain/channels/rosters';
import type { TokenProvider } from './connector-client';

/** Members per page asked for: Teams' largest page. */
const PAGE_SIZE = 500;

/** A page more than this many times means Teams keeps handing back a token: stop, not loop. */
const MAX_PAGES = 1_000;

/** One member as the connector's `pagedmembers` lists them (TeamsChannelAccount). */
interface ChannelAccount {
  id?: unknown;
  name?: unknown;
  aadObjectId?: unknown;
  email?: unknown;
  userPrincipalName?: unknown;
}

/**
 * Reads a team's members through the Bot Connector REST API (`GET /v3/conversations/{teamId}/
 * pagedmembers`, following `continuationToken`), as botbuilder's TeamsInfo.getPagedMembers does,
 * with fetch so it works outside a turn (the daily sync) with the same token as proactive sends.
 * Keeps only what the roster stores: ids, name and e-mail (or UPN).
 */
export function createTeamMemberReader(
  getToken: TokenProvider,
  timeoutMs = 10_000,
): TeamMemberSource {
  return {
    async listTeamMembers(team: Pick<RosterTeam, 'teamId' | 'serviceUrl'>) {
      const members: TeamMember[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const url = new URL(
          `v3/conversations/${encodeURIComponent(team.teamId)}/pagedmembers`,
          team.serviceUrl.endsWith('/') ? team.serviceUrl : `${team.serviceUrl}/`,
        );
        url.searchParams.set('pageSize', String(PAGE_SIZE));
        if (token) url.searchParams.set('continuationToken', token);
        const bearer = await getToken();
        const response = await fetch(url, {
          headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        if (!response.ok)
          throw new TeamRefusedError(team.teamId, response.status, text.slice(0, 200));
        const body = JSON.parse(text) as { members?: unknown; continuationToken?: unknown };
        for (const account of Array.isArray(body.members) ? (body.members as ChannelAccount[]) : [])
          if (typeof account.id === 'string' && typeof account.aadObjectId === 'string') {
            const email = str(account.email) ?? str(account.userPrincipalName);
            members.push({
              userAadObjectId: account.aadObjectId.toLowerCase(),
              teamsUserId: account.id,
              name: str(account.name) ?? '',
              ...(email ? { email } : {}),
            });
          }
        token = str(body.continuationToken);
        if (!token) return members;
      }
      throw new TeamRefusedError(team.teamId, 508, 'too many pages of members');
    },
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
