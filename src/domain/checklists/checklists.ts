/** Who an action is for. */
export const ACTION_LEVELS = ['region', 'icb', 'pcn', 'practice'] as const;
/** The organisation level an action applies to. */
export type ActionLevel = (typeof ACTION_LEVELS)[number];

/** The plan's four areas, or cross-cutting (no area). */
export const AREAS = [1, 2, 3, 4, 'cross-cutting'] as const;
/** One of the plan's areas. */
export type Area = (typeof AREAS)[number];

/** Plain-English names of the areas, as the plan words them. */
export const AREA_NAMES: Record<string, string> = {
  '1': 'Empowering patients',
  '2': 'Implementing modern general practice access',
  '3': 'Building capacity',
  '4': 'Cutting bureaucracy',
  'cross-cutting': 'Cross-cutting',
};

/** One action of a checklist. */
export interface ChecklistAction {
  /** Stable id such as ICB-01 or PRAC-05; letters, digits and dashes. */
  id: string;
  level: ActionLevel;
  area: Area;
  title: string;
  detail: string;
  /** The deadline the source gives (YYYY-MM-DD), if any. */
  due?: string;
  /** Where the action comes from (links), shown to users. */
  source: string;
  /** How sure we are of the wording and date, shown to users. */
  confidence: string;
}

/** A versioned catalogue of actions. */
export interface Checklist {
  id: string;
  version: number;
  title: string;
  actions: ChecklistAction[];
}

/** Port: where checklists are kept. */
export interface ChecklistStore {
  /** Reads one version of a checklist (the latest when `version` is omitted). */
  getChecklist(id: string, version?: number): Promise<Checklist | undefined>;
  /** Stores a new version; refuses (ConflictError) a version that exists with other content. */
  saveChecklist(checklist: Checklist): Promise<'created' | 'unchanged'>;
}
