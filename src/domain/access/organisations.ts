/** Levels of the NHS England hierarchy the bot tracks, from the top down. */
export const ORG_LEVELS = ['region', 'icb', 'pcn', 'practice'] as const;
/** One level of the hierarchy. */
export type OrgLevel = (typeof ORG_LEVELS)[number];

/** A region, ICB, PCN or GP practice, identified by its ODS code. */
export interface Organisation {
  /** ODS code: region Y56…, ICB Q…, PCN U + 5 digits, practice letter + 5 digits. */
  code: string;
  name: string;
  level: OrgLevel;
  /** Code of the level above (none for a region). A practice without a PCN hangs off its ICB. */
  parentCode?: string;
  /** Denormalised ancestors, so items can be grouped by ICB and region without walking the tree. */
  icbCode?: string;
  regionCode?: string;
  /** Closed organisations are kept (their history matters) but get no new items. */
  open: boolean;
}

/** The parent code regions are listed under (regions have no parent). */
export const ROOT_PARENT = 'ROOT';

/** A summary of one organisation under a parent (for "members of this PCN" and the like). */
export type OrgChild = Pick<Organisation, 'code' | 'name' | 'level' | 'open'>;

/** Port: where organisations are kept. */
export interface OrganisationStore {
  /** Reads one organisation, or undefined. */
  getOrganisation(code: string): Promise<Organisation | undefined>;
  /** Lists the organisations directly under `parentCode`. */
  listChildren(parentCode: string): Promise<OrgChild[]>;
  /** Reads every organisation (imports and campaign launch only: never on a request path). */
  listAll(): Promise<Organisation[]>;
  /** Creates or replaces organisations (idempotent). */
  saveOrganisations(
    orgs: readonly Organisation[],
    onProgress?: (done: number) => void,
  ): Promise<void>;
  /** Drops an organisation from its former parent's list of children (after a move). */
  removeFromParent(code: string, oldParentCode: string | undefined): Promise<void>;
}

/** True when two records of the same organisation say the same thing (for idempotent imports). */
export function isSameOrganisation(a: Organisation, b: Organisation): boolean {
  return (
    a.code === b.code &&
    a.name === b.name &&
    a.level === b.level &&
    a.parentCode === b.parentCode &&
    a.icbCode === b.icbCode &&
    a.regionCode === b.regionCode &&
    a.open === b.open
  );
}
