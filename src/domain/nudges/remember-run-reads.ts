import type { OrganisationStore } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import type { LinkStore } from '../channels/channel-links';
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
 * The stores a nudge run reads, answered once per run: everyone's roles and reminder choices in
 * one read each (not one per organisation and person: 15,000 round trips over England), and each
 * organisation and its channel links once however many of its practices ask. A daily run takes
 * what is stored when it starts; a grant made during the run counts from the next.
 */
export function rememberRunReads<D extends RunReads>(deps: D): D {
  let grants: ReturnType<RunReads['roles']['listRolesByOrg']> | undefined;
  let choices: ReturnType<RunReads['preferences']['listNudgePreferences']> | undefined;
  const orgs = new Map<string, ReturnType<RunReads['organisations']['getOrganisation']>>();
  const links = new Map<string, ReturnType<RunReads['links']['listLinksOfOrg']>>();
  const once = <T>(map: Map<string, T>, key: string, read: () => T): T => {
    let value = map.get(key);
    if (value === undefined) {
      value = read();
      map.set(key, value);
    }
    return value;
  };
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
      getOrganisation: (code: string) =>
        once(orgs, code, () => deps.organisations.getOrganisation(code)),
    }),
    links: Object.assign(Object.create(deps.links) as RunReads['links'], {
      listLinksOfOrg: (code: string) => once(links, code, () => deps.links.listLinksOfOrg(code)),
    }),
  };
}
