/** The roles a person can hold over an organisation. */
export const ROLES = [
  'practice_staff',
  'pcn_lead',
  'icb_lead',
  'regional_head',
  'administrator',
] as const;
/** One role. */
export type Role = (typeof ROLES)[number];

/** Plain-English role names. */
export const ROLE_LABELS: Record<Role, string> = {
  practice_staff: 'Practice staff',
  pcn_lead: 'PCN lead',
  icb_lead: 'ICB lead',
  regional_head: 'Regional head of primary care',
  administrator: 'Administrator',
};

/** The organisation code that stands for all of England (administrators of everything). */
export const ENGLAND = 'ENGLAND';

/** A person (Entra object id) holding a role over an organisation and everything under it. */
export interface RoleGrant {
  userId: string;
  role: Role;
  orgCode: string;
  grantedBy: string;
  /** The granter's name when they granted it (a person's display name, or the CLI's operator). */
  grantedByName?: string;
  grantedAt: string;
}

/**
 * One recorded grant or revocation: who did it (`by`, `byName`), to whom, which role over which
 * organisation, and when. Personal data (names and ids): export-person and erase-person cover it.
 */
export interface RoleChange {
  action: 'granted' | 'revoked';
  /** The person whose role changed (Entra object id, lower case) and their name where known. */
  userId: string;
  userName?: string;
  role: Role;
  orgCode: string;
  /** The granter's Entra object id, or `operator:<name>` for the admin CLI. */
  by: string;
  byName?: string;
  at: string;
}

/** Port: where role grants are kept. */
export interface RoleStore {
  listRolesOfUser(userId: string): Promise<RoleGrant[]>;
  /** People holding any role over exactly this organisation. */
  listRolesOnOrg(orgCode: string): Promise<RoleGrant[]>;
  /** Every grant, by organisation, in one read of the index (the daily reminder run). */
  listRolesByOrg(): Promise<Map<string, RoleGrant[]>>;
  /**
   * Saves a grant. With `change`, records it in the same transaction as the person's grant row
   * (the row access checks read), so the grant never takes effect unrecorded.
   */
  saveGrant(grant: RoleGrant, change?: RoleChange): Promise<void>;
  /** Removes a grant; true if it existed. With `change`, recorded as saveGrant does (only if it existed). */
  deleteGrant(userId: string, role: Role, orgCode: string, change?: RoleChange): Promise<boolean>;
  /** The recorded changes of roles over exactly this organisation, newest first. */
  listRoleChanges(orgCode: string, limit: number): Promise<RoleChange[]>;
}
