import { ORG_LEVELS, type OrgLevel, type Organisation } from '../domain/access/organisations';
import { ODS_CODE_SHAPES } from '../domain/access/ods-codes';
import { findKeyProblem } from '../domain/shared/validate-code';
import { throwIfProblems, type ImportProblem } from './import-errors';

/** Where the organisations came from, so problems can point at the right line and column. */
export interface HierarchySource {
  /** Line of each organisation in the file, in the same order as the list (undefined: made up). */
  lines?: readonly (number | undefined)[];
  /** How the file names each property, e.g. `{ parentCode: 'parent_code' }`. */
  columns?: Partial<Record<'code' | 'name' | 'level' | 'parentCode', string>>;
  /** Codes of rows already reported as broken, so their children are not reported again. */
  brokenCodes?: ReadonlySet<string>;
  /** What the file is, for the error message ("organisations file"). */
  what?: string;
}

/** The checked hierarchy, or why it cannot be used (never both). */
export interface HierarchyCheck {
  organisations: Organisation[];
  problems: ImportProblem[];
}

// The level each level may hang from; a practice outside any PCN hangs directly off its ICB.
const PARENT_LEVELS: Record<OrgLevel, readonly OrgLevel[]> = {
  region: [],
  icb: ['region'],
  pcn: ['icb'],
  practice: ['pcn', 'icb'],
};

const LEVEL_NAMES: Record<OrgLevel, string> = {
  region: 'region',
  icb: 'ICB',
  pcn: 'PCN',
  practice: 'practice',
};

const LEVEL_ARTICLES: Record<OrgLevel, string> = {
  region: 'a region',
  icb: 'an ICB',
  pcn: 'a PCN',
  practice: 'a practice',
};

/**
 * Checks a whole hierarchy and fills in each organisation's `icbCode` and `regionCode` from its
 * parents; throws one ImportError listing every problem.
 */
export function resolveHierarchy(
  orgs: readonly Organisation[],
  source: HierarchySource = {},
): Organisation[] {
  const checked = checkHierarchy(orgs, source);
  throwIfProblems(source.what ?? 'organisation list', checked.problems);
  return checked.organisations;
}

/** Like resolveHierarchy, but returns the problems so a parser can add them to its own. */
export function checkHierarchy(
  orgs: readonly Organisation[],
  source: HierarchySource = {},
): HierarchyCheck {
  const problems: ImportProblem[] = [];
  const column = (name: 'code' | 'name' | 'level' | 'parentCode'): string =>
    source.columns?.[name] ?? name;
  const report = (index: number, field: string, message: string): void => {
    const line = source.lines?.[index];
    problems.push(line === undefined ? { field, message } : { line, field, message });
  };
  const describeLine = (index: number): string => {
    const line = source.lines?.[index];
    return line === undefined ? '' : ` (line ${line})`;
  };

  const firstIndex = new Map<string, number>();
  orgs.forEach((org, index) => {
    const codeProblem = findKeyProblem(org.code);
    const levelKnown = (ORG_LEVELS as readonly string[]).includes(org.level);
    if (codeProblem) {
      report(index, column('code'), `the code ${JSON.stringify(org.code)} ${codeProblem}`);
    } else if (levelKnown && !ODS_CODE_SHAPES[org.level].pattern.test(org.code)) {
      report(
        index,
        column('code'),
        `${org.code} is not a valid ${LEVEL_NAMES[org.level]} code (expected ${ODS_CODE_SHAPES[org.level].description})`,
      );
    }
    if (!levelKnown) {
      report(
        index,
        column('level'),
        `${org.code}: unknown level ${JSON.stringify(org.level)} (expected ${ORG_LEVELS.join(', ')})`,
      );
    }
    if (typeof org.name !== 'string' || org.name.trim() === '') {
      report(index, column('name'), `${org.code} has no name — every organisation needs one`);
    }
    const first = firstIndex.get(org.code);
    if (first === undefined) firstIndex.set(org.code, index);
    else {
      report(
        index,
        column('code'),
        `duplicate code ${org.code} (first ${source.lines?.[first] === undefined ? `given as ${JSON.stringify(orgs[first]?.name ?? '')}` : `on line ${source.lines[first]}`}) — each organisation may appear once`,
      );
    }
  });

  const inCycle = findCycles(orgs, firstIndex, (index, cycle) =>
    report(
      index,
      column('parentCode'),
      `parent codes go round in a circle (${cycle.join(' → ')}) — fix one of these parent codes`,
    ),
  );

  orgs.forEach((org, index) => {
    if (!(ORG_LEVELS as readonly string[]).includes(org.level) || inCycle.has(org.code)) return;
    const allowed = PARENT_LEVELS[org.level];
    const subject = `${LEVEL_NAMES[org.level]} ${org.code}`;
    if (org.parentCode === undefined || org.parentCode === '') {
      if (allowed.length > 0) {
        report(
          index,
          column('parentCode'),
          `${subject} has no parent — give the code of its ${allowed.map((l) => LEVEL_NAMES[l]).join(' or ')}`,
        );
      }
      return;
    }
    if (allowed.length === 0) {
      report(
        index,
        column('parentCode'),
        `${subject} is a region, which sits at the top and has no parent — remove parent ${org.parentCode}`,
      );
      return;
    }
    const parentIndex = firstIndex.get(org.parentCode);
    const parent = parentIndex === undefined ? undefined : orgs[parentIndex];
    if (!parent) {
      if (source.brokenCodes?.has(org.parentCode)) return;
      report(
        index,
        column('parentCode'),
        `unknown parent ${org.parentCode} for ${subject} — add it or fix the code`,
      );
      return;
    }
    if (!allowed.includes(parent.level)) {
      report(
        index,
        column('parentCode'),
        `${subject} cannot hang from ${LEVEL_NAMES[parent.level] ?? parent.level} ${parent.code}${describeLine(parentIndex ?? -1)}: its parent must be ${allowed.map((l) => LEVEL_ARTICLES[l]).join(' or ')}`,
      );
    }
  });

  if (problems.length > 0) return { organisations: [], problems };
  return { organisations: fillAncestors(orgs, firstIndex), problems };
}

// Reports each loop of parent codes once, on its first member in list order, and returns the
// codes in loops so the per-organisation checks do not pile a second message on them.
function findCycles(
  orgs: readonly Organisation[],
  firstIndex: ReadonlyMap<string, number>,
  onCycle: (index: number, cycle: string[]) => void,
): Set<string> {
  const state = new Map<string, 'visiting' | 'done'>();
  const inCycle = new Set<string>();
  for (const start of firstIndex.keys()) {
    const path: string[] = [];
    let code: string | undefined = start;
    while (code !== undefined && !state.has(code)) {
      state.set(code, 'visiting');
      path.push(code);
      const index = firstIndex.get(code);
      const parent: string | undefined = index === undefined ? undefined : orgs[index]?.parentCode;
      code = parent !== undefined && firstIndex.has(parent) ? parent : undefined;
    }
    if (code !== undefined && state.get(code) === 'visiting') {
      const cycle = path.slice(path.indexOf(code));
      cycle.forEach((member) => inCycle.add(member));
      const firstMember = Math.min(...cycle.map((member) => firstIndex.get(member) ?? Infinity));
      const from = orgs[firstMember]?.code ?? code;
      const rotated = [...cycle.slice(cycle.indexOf(from)), ...cycle.slice(0, cycle.indexOf(from))];
      onCycle(firstMember, [...rotated, from]);
    }
    path.forEach((member) => state.set(member, 'done'));
  }
  return inCycle;
}

// Only called on a hierarchy already checked, so every parent exists at the right level.
function fillAncestors(
  orgs: readonly Organisation[],
  firstIndex: ReadonlyMap<string, number>,
): Organisation[] {
  const byCode = (code: string | undefined): Organisation | undefined => {
    const index = code === undefined ? undefined : firstIndex.get(code);
    return index === undefined ? undefined : orgs[index];
  };
  const findAncestor = (org: Organisation, level: OrgLevel): string | undefined => {
    for (
      let current: Organisation | undefined = org;
      current;
      current = byCode(current.parentCode)
    ) {
      if (current.level === level) return current.code;
    }
    return undefined;
  };
  return orgs.map((org) => {
    // Strip ancestors the input may carry: they are recomputed, never trusted.
    const { icbCode: _icb, regionCode: _region, ...rest } = org;
    const resolved: Organisation = { ...rest };
    // An ICB carries its own code and a region its own, so grouping "by ICB" or "by region"
    // needs no special case for the ICB or region itself.
    const icbCode = findAncestor(org, 'icb');
    const regionCode = findAncestor(org, 'region');
    if (icbCode !== undefined) resolved.icbCode = icbCode;
    if (regionCode !== undefined) resolved.regionCode = regionCode;
    return resolved;
  });
}
