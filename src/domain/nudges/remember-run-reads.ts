import type { Organisation, OrganisationStore } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import type { ChannelLink, LinkStore } from '../channels/channel-links';
import type { NudgePreferences, PreferenceStore } from './preferences';

/** The stores whose reads a run remembers. */
export interface RunReads {
  roles: RoleStore;
  preferences: PreferenceStore;
  organisations: OrganisationStore;
  links: LinkStore;
}

const NO_CHOICES: NudgePreferences = { nonUrgentOff: false, snoozedUntil: {} };

/**
 * The stores a nudge run reads, answered once per run: everyone's roles, reminder choices,
 * organisations and channel links in one read each, not one per organisation and person (about
 * 30,000 round trips over England). A daily run takes
 * what is stored when it starts; a grant made during the run counts from the next.
 */
export function rememberRunReads<D extends RunReads>(deps: D): D {
  let grants: ReturnType<RunReads['roles']['listRolesByOrg']> | undefined;
  let choices: ReturnType<RunReads['preferences']['listNudgePreferences']> | undefined;
  // Every organisation and every active link in one read each (thousands of small reads over
  // England otherwise): both tables are small beside the items.
  let orgs: Promise<Map<string, Organisation>> | undefined;
  let links: Promise<Map<string, ChannelLink[]>> | undefined;
  const readOrgs = () =>
    (orgs ??= deps.organisations.listAll().then((all) => new Map(all.map((o) => [o.code, o]))));
  const readLinks = () =>
    (links ??= deps.links.listAllLinks().then((all) => {
      const byOrg = new Map<string, ChannelLink[]>();
      for (const link of all) byOrg.set(link.orgCode, [...(byOrg.get(link.orgCode) ?? []), link]);
      return byOrg;
    }));
  return {
    ...deps,
    roles: Object.assign(Object.create(deps.roles) as RunReads['roles'], {
      listRolesOnOrg: async (orgCode: string) =>
        (await (grants ??= deps.roles.listRolesByOrg())).get(orgCode) ?? [],
    }),
    preferences: Object.assign(Object.create(deps.preferences) as RunReads['preferences'], {
      getNudgePreferences: async (userId: string) =>
        (await (choices ??= deps.preferences.listNudgePreferences())).get(userId.toLowerCase()) ??
        NO_CHOICES,
    }),
    organisations: Object.assign(Object.create(deps.organisations) as RunReads['organisations'], {
      getOrganisation: async (code: string) => (await readOrgs()).get(code),
    }),
    links: Object.assign(Object.create(deps.links) as RunReads['links'], {
      listLinksOfOrg: async (code: string) => (await readLinks()).get(code) ?? [],
    }),
  };
}
