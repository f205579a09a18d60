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
  grantedAt: string;
}

/** Port: where role grants are kept. */
export interface RoleStore {
  listRolesOfUser(userId: string): Promise<RoleGrant[]>;
  /** People holding any role over exactly this organisation. */
  listRolesOnOrg(orgCode: string): Promise<RoleGrant[]>;
  /** Every grant, by organisation, in one read of the index (the daily reminder run). */
  listRolesByOrg(): Promise<Map<string, RoleGrant[]>>;
  saveGrant(grant: RoleGrant): Promise<void>;
  /** Removes a grant; true if it existed. */
  deleteGrant(userId: string, role: Role, orgCode: string): Promise<boolean>;
}
