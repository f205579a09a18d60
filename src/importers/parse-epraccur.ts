import type { Organisation } from '../domain/access/organisations';
import { findNationOutsideEngland, type NationOutsideEngland } from './find-nation-outside-england';
import { throwIfProblems, type ImportProblem } from './import-errors';
import type { PcnMembership } from './parse-pcn-membership';
import type { SubIcbEntry } from './parse-sub-icb-lookup';
import { readCsvRows } from './read-csv-rows';
import { formatUkDate } from '../domain/shared/uk-dates';
import { checkHierarchy } from './resolve-hierarchy';
import {
  findGeographyEra,
  SHIPPED_AS_OF,
  SHIPPED_ICBS,
  SHIPPED_REGIONS,
  type ShippedIcb,
} from './shipped-geography';

/** The optional files that place practices under real ICBs and PCNs. */
export interface ParseEpraccurOptions {
  /** Sub-ICB location → ICB → region (parseSubIcbLookup); without it the file's own geography is used. */
  subIcbLookup?: ReadonlyMap<string, SubIcbEntry>;
  /** Practice → current PCN (parsePcnMembership); without it practices hang off their ICB. */
  pcnMembership?: ReadonlyMap<string, PcnMembership>;
}

/** What the import found, for the administrator who loaded the file. */
export interface EpraccurReport {
  /** GP practices created (open and closed; proposed ones are not). */
  practices: number;
  open: number;
  closed: number;
  skippedProposed: number;
  /** GP practices left out because they are outside NHS England, by nation (only those met). */
  skippedOutsideEngland: Partial<Record<NationOutsideEngland, number>>;
  /** Rows left out because they are not GP practices (Prescribing Setting other than 4). */
  skippedOtherSettings: number;
  /**
   * Which structure the file's High Level Health Geography codes belong to: ICB codes (files
   * since July 2022), the area teams and local offices of the CCG years, both, or neither.
   */
  geography: 'icb' | 'before-icb' | 'mixed' | 'unknown';
  /** Plain-English remarks: fallbacks taken and oddities in the data. */
  notes: string[];
}

/** The organisations read from epraccur, and the report on them. */
export interface EpraccurImport {
  organisations: Organisation[];
  report: EpraccurReport;
}

const WHAT = 'epraccur file';
const COLUMN_COUNT = 27;
// Positions in the headerless epraccur layout (see checklist-facts.md §5.2).
const CODE = 0;
const NAME = 1;
const NATIONAL_GROUPING = 2;
const HIGH_LEVEL_GEOGRAPHY = 3;
const STATUS = 12;
const COMMISSIONER = 14;
const PRESCRIBING_SETTING = 25;
const GP_PRACTICE_SETTING = '4';

const COLUMN_NAMES: Record<number, string> = {
  [CODE]: 'Organisation Code',
  [NAME]: 'Name',
  [NATIONAL_GROUPING]: 'National Grouping',
  [HIGH_LEVEL_GEOGRAPHY]: 'High Level Health Geography',
  [STATUS]: 'Status Code',
};

// Legacy files use letters; the Data Search and Export version is said to spell them out.
const STATUSES: Record<string, 'open' | 'closed' | 'proposed'> = {
  A: 'open',
  ACTIVE: 'open',
  C: 'closed',
  CLOSED: 'closed',
  D: 'closed',
  DORMANT: 'closed',
  INACTIVE: 'closed',
  P: 'proposed',
  PROPOSED: 'proposed',
};

interface PracticeRow {
  line: number;
  code: string;
  name: string;
  open: boolean;
  region: string;
  geography: string;
  commissioner: string;
}

interface IcbLevel {
  code: string;
  name: string;
  /** Set when the lookup says which region; otherwise worked out from the practices. */
  region?: string;
  open: boolean;
  regionVotes: Map<string, { open: number; all: number }>;
}

/**
 * Reads epraccur (NHS Digital's headerless 27-column GP practice file) into regions, ICB-level
 * parents, PCNs and practices. Active practices are open, closed and dormant ones are kept
 * closed, proposed ones are skipped. Throws one ImportError listing every problem.
 */
export function parseEpraccur(text: string, options: ParseEpraccurOptions = {}): EpraccurImport {
  const csv = readCsvRows(text);
  const problems: ImportProblem[] = [...csv.problems];
  const practices: PracticeRow[] = [];
  let otherSettings = 0;
  let skippedProposed = 0;
  const outsideEngland: Partial<Record<NationOutsideEngland, number>> = {};

  for (const { line, fields } of csv.rows) {
    if (fields.length !== COLUMN_COUNT) {
      problems.push({
        line,
        message: `expected ${COLUMN_COUNT} columns but found ${fields.length} — is this the epraccur file, and are names with commas in double quotes?`,
      });
      continue;
    }
    const cell = (index: number): string => (fields[index] ?? '').trim();
    if (cell(PRESCRIBING_SETTING) !== GP_PRACTICE_SETTING) {
      otherSettings += 1;
      continue;
    }
    const region = cell(NATIONAL_GROUPING).toUpperCase();
    const geography = cell(HIGH_LEVEL_GEOGRAPHY).toUpperCase();
    const commissioner = cell(COMMISSIONER).toUpperCase();
    // National files list Welsh practices and the Crown Dependencies' too: they are not NHS
    // England's to track, so they are counted and left out before anything else is checked.
    const nation = findNationOutsideEngland({ region, geography, commissioner });
    if (nation !== undefined) {
      outsideEngland[nation] = (outsideEngland[nation] ?? 0) + 1;
      continue;
    }
    const status = STATUSES[cell(STATUS).toUpperCase()];
    if (status === undefined) {
      problems.push({
        line,
        field: COLUMN_NAMES[STATUS],
        message: `unknown status ${JSON.stringify(cell(STATUS))} for ${cell(CODE)} (expected A, C, D or P)`,
      });
      continue;
    }
    if (status === 'proposed') {
      skippedProposed += 1;
      continue;
    }
    // An empty region is tolerated (the ICB-level parent decides the region); a malformed one
    // usually means the columns are shifted, so it is refused.
    if (region !== '' && !/^Y\d{2}$/.test(region)) {
      problems.push({
        line,
        field: COLUMN_NAMES[NATIONAL_GROUPING],
        message: `${JSON.stringify(region)} is not an NHS England region code (expected Y and 2 digits, such as Y63, or W00 for a Welsh practice, which is skipped)`,
      });
      continue;
    }
    practices.push({
      line,
      code: cell(CODE).toUpperCase(),
      name: cell(NAME),
      open: status === 'open',
      region,
      geography,
      commissioner,
    });
  }

  const notes: string[] = [];
  const icbs = new Map<string, IcbLevel>();
  const lookup = options.subIcbLookup;
  const lookupIcbs = new Map<string, SubIcbEntry>();
  for (const entry of lookup?.values() ?? []) lookupIcbs.set(entry.icbCode, entry);

  const addLookupIcb = (entry: SubIcbEntry): IcbLevel => {
    const existing = icbs.get(entry.icbCode);
    if (existing) return existing;
    const icb: IcbLevel = {
      code: entry.icbCode,
      name: entry.icbName,
      region: entry.regionCode,
      open: true,
      regionVotes: new Map(),
    };
    icbs.set(icb.code, icb);
    return icb;
  };
  const addShippedIcb = (shipped: ShippedIcb): IcbLevel =>
    addLookupIcb({
      icbCode: shipped.code,
      icbName: shipped.name,
      regionCode: shipped.regionCode,
      regionName: SHIPPED_REGIONS.get(shipped.regionCode) ?? shipped.regionCode,
    });

  // Each practice's ICB-level parent: its commissioner's ICB when a lookup is given (the
  // lookup wins over the file's own columns), otherwise the High Level Health Geography code.
  const icbOfPractice = new Map<PracticeRow, IcbLevel>();
  const notInLookup: PracticeRow[] = [];
  for (const practice of practices) {
    const entry = lookup?.get(practice.commissioner);
    if (entry) {
      icbOfPractice.set(practice, addLookupIcb(entry));
      continue;
    }
    if (lookup) notInLookup.push(practice);
    const known = lookupIcbs.get(practice.geography);
    if (known) {
      icbOfPractice.set(practice, addLookupIcb(known));
      continue;
    }
    // Without a lookup, a geography that is one of the 42 ICBs is named from the shipped list.
    const shipped = SHIPPED_ICBS.get(practice.geography);
    if (shipped) {
      icbOfPractice.set(practice, addShippedIcb(shipped));
      continue;
    }
    if (!/^Q[A-Z0-9]{2}$/.test(practice.geography)) {
      problems.push({
        line: practice.line,
        field: COLUMN_NAMES[HIGH_LEVEL_GEOGRAPHY],
        message: `${JSON.stringify(practice.geography)} is not a health geography code (expected Q and 2 letters or digits, such as Q74)${lookup ? `, and commissioner ${JSON.stringify(practice.commissioner)} is not in the sub-ICB lookup either` : ''}`,
      });
      continue;
    }
    let icb = icbs.get(practice.geography);
    if (!icb) {
      icb = {
        code: practice.geography,
        name: `Health geography ${practice.geography} (from epraccur)`,
        open: false,
        regionVotes: new Map(),
      };
      icbs.set(icb.code, icb);
    }
    if (practice.region !== '') {
      const votes = icb.regionVotes.get(practice.region) ?? { open: 0, all: 0 };
      votes.all += 1;
      if (practice.open) votes.open += 1;
      icb.regionVotes.set(practice.region, votes);
    }
    if (practice.open) icb.open = true;
    icbOfPractice.set(practice, icb);
  }
  for (const icb of icbs.values()) {
    const region = icb.region ?? chooseRegion(icb.regionVotes);
    if (region !== undefined) icb.region = region;
    else {
      const first = practices.find((practice) => icbOfPractice.get(practice) === icb);
      problems.push({
        ...(first ? { line: first.line } : {}),
        field: COLUMN_NAMES[NATIONAL_GROUPING],
        message: `no practice under health geography ${icb.code} has a National Grouping, so its region is unknown — load a sub-ICB lookup, or fill in the region`,
      });
    }
  }

  // PCNs, when a membership list is given. A PCN sits in the ICB of its own sub-ICB location
  // when the lookup knows it, else in the ICB most of its member practices are in.
  const pcns = new Map<string, { name: string; subIcb: string; members: PracticeRow[] }>();
  const membership = options.pcnMembership;
  const parentOfPractice = new Map<PracticeRow, string>();
  const withoutPcn: PracticeRow[] = [];
  for (const practice of practices) {
    const icb = icbOfPractice.get(practice);
    if (!icb) continue;
    const spell = membership?.get(practice.code);
    if (!spell) {
      withoutPcn.push(practice);
      parentOfPractice.set(practice, icb.code);
      continue;
    }
    const pcn = pcns.get(spell.pcnCode) ?? {
      name: spell.pcnName,
      subIcb: spell.pcnSubIcb,
      members: [],
    };
    pcn.members.push(practice);
    pcns.set(spell.pcnCode, pcn);
    parentOfPractice.set(practice, spell.pcnCode);
  }
  const pcnIcb = new Map<string, IcbLevel>();
  let acrossIcbs = 0;
  for (const [code, pcn] of pcns) {
    const entry = lookup?.get(pcn.subIcb);
    const icb = entry
      ? addLookupIcb(entry)
      : chooseMostCommon(pcn.members.map((member) => icbOfPractice.get(member)));
    if (!icb) continue;
    icb.open = true;
    pcnIcb.set(code, icb);
    acrossIcbs += pcn.members.filter((member) => icbOfPractice.get(member) !== icb).length;
  }

  // Regions: the ICB-level parents' regions, plus every code practices carry, so that a retired
  // code (Y54…) still exists as a region — closed — rather than vanishing from the data.
  const regionCodes = new Set<string>(
    practices.map((practice) => practice.region).filter((region) => region !== ''),
  );
  for (const icb of icbs.values()) if (icb.region) regionCodes.add(icb.region);
  const lookupRegionNames = new Map<string, string>();
  for (const entry of lookup?.values() ?? [])
    lookupRegionNames.set(entry.regionCode, entry.regionName);
  const formerRegions: string[] = [];
  const regionOrgs: Organisation[] = [...regionCodes].sort().map((code) => {
    const name = SHIPPED_REGIONS.get(code) ?? lookupRegionNames.get(code);
    if (name !== undefined) return { code, name, level: 'region', open: true };
    formerRegions.push(code);
    return { code, name: `Former region ${code}`, level: 'region', open: false };
  });

  const icbOrgs: Organisation[] = [...icbs.values()]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((icb) => ({
      code: icb.code,
      name: icb.name,
      level: 'icb',
      ...(icb.region === undefined ? {} : { parentCode: icb.region }),
      open: icb.open,
    }));
  const pcnOrgs: Organisation[] = [...pcns.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, pcn]) => {
      const icb = pcnIcb.get(code);
      return {
        code,
        name: pcn.name,
        level: 'pcn',
        ...(icb === undefined ? {} : { parentCode: icb.code }),
        open: true,
      };
    });
  const placed = practices.filter((practice) => parentOfPractice.has(practice));
  const practiceOrgs: Organisation[] = placed.map((practice) => ({
    code: practice.code,
    name: practice.name,
    level: 'practice',
    parentCode: parentOfPractice.get(practice) ?? '',
    open: practice.open,
  }));

  const synthetic = regionOrgs.length + icbOrgs.length + pcnOrgs.length;
  const checked = checkHierarchy([...regionOrgs, ...icbOrgs, ...pcnOrgs, ...practiceOrgs], {
    lines: [...new Array<undefined>(synthetic), ...placed.map((practice) => practice.line)],
    columns: { code: COLUMN_NAMES[CODE] ?? 'code', name: COLUMN_NAMES[NAME] ?? 'name' },
  });
  problems.push(...checked.problems);
  throwIfProblems(WHAT, problems);

  // Notes, in the order an administrator would want to read them.
  const geography = judgeGeography(practices);
  notes.push(describeGeography(geography, lookup !== undefined));
  if (lookup && notInLookup.length > 0) {
    const example = notInLookup[0];
    notes.push(
      `${describePractices(notInLookup)} ${choose(notInLookup.length, 'has', 'have')} a commissioner code that is not in the sub-ICB lookup (for example ${example?.commissioner || 'an empty code'} on line ${example?.line}), so ${choose(notInLookup.length, 'it is', 'they are')} grouped under ${choose(notInLookup.length, 'its', 'their')} High Level Health Geography code instead. A lookup from the same date as this file avoids this.`,
    );
  }
  const elsewhere = practices.filter((practice) => {
    const icb = icbOfPractice.get(practice);
    const pcn = membership?.get(practice.code);
    const region = (pcn ? pcnIcb.get(pcn.pcnCode) : icb)?.region;
    return region !== undefined && practice.region !== '' && region !== practice.region;
  });
  if (elsewhere.length > 0) {
    notes.push(
      `${describePractices(elsewhere)} ${choose(elsewhere.length, 'carries', 'carry')} a National Grouping (region) that differs from the region of the ICB ${choose(elsewhere.length, 'it is', 'they are')} grouped under, and ${choose(elsewhere.length, 'is', 'are')} counted in that ICB's region${lookup ? ', because the lookup wins over the file' : ' (an ICB’s region comes from the shipped ICB list; any other geography belongs to the region most of its open practices carry)'}.`,
    );
  }
  if (formerRegions.length > 0) {
    const carrying = practices.filter((practice) => formerRegions.includes(practice.region));
    const one = formerRegions.length === 1;
    notes.push(
      `${one ? '1 region code' : `${formerRegions.length} region codes`} in the file (${formerRegions.join(', ')}) ${one ? 'is not a current NHS England region; it is' : 'are not current NHS England regions; each is'} kept as a closed region named like "Former region ${formerRegions[0]}". ${describePractices(carrying)} ${choose(carrying.length, 'carries', 'carry')} ${one ? 'it' : 'one of them'}.`,
    );
  }
  if (!membership) {
    notes.push('No PCN membership list was given, so every practice hangs directly off its ICB.');
  } else {
    if (withoutPcn.length > 0) {
      notes.push(
        `${describePractices(withoutPcn)} ${choose(withoutPcn.length, 'has', 'have')} no current PCN membership and ${choose(withoutPcn.length, 'hangs', 'hang')} directly off ${choose(withoutPcn.length, 'its', 'their')} ICB.`,
      );
    }
    const codes = new Set(practices.map((practice) => practice.code));
    const strangers = [...membership.keys()].filter((code) => !codes.has(code));
    if (strangers.length > 0) {
      notes.push(
        `${formatCount(strangers.length)} PCN ${choose(strangers.length, 'membership is for a practice', 'memberships are for practices')} not in this file (for example ${strangers[0]}) and ${choose(strangers.length, 'was', 'were')} ignored.`,
      );
    }
    if (acrossIcbs > 0) {
      notes.push(
        `${formatCount(acrossIcbs)} ${choose(acrossIcbs, 'practice belongs', 'practices belong')} to a PCN in a different ICB from ${choose(acrossIcbs, 'its', 'their')} commissioner's, and ${choose(acrossIcbs, 'is', 'are')} grouped under the PCN's ICB.`,
      );
    }
  }
  const open = placed.filter((practice) => practice.open).length;
  return {
    organisations: checked.organisations,
    report: {
      practices: placed.length,
      open,
      closed: placed.length - open,
      skippedProposed,
      skippedOutsideEngland: outsideEngland,
      skippedOtherSettings: otherSettings,
      geography: geography.era,
      notes,
    },
  };
}

// A geography's region is the one most of its open practices carry: closed practices keep the
// region code they had when they closed, which may since have been retired.
function chooseRegion(
  votes: ReadonlyMap<string, { open: number; all: number }>,
): string | undefined {
  let best: { code: string; open: number; all: number } | undefined;
  for (const [code, count] of votes) {
    const better =
      !best ||
      count.open > best.open ||
      (count.open === best.open && count.all > best.all) ||
      (count.open === best.open && count.all === best.all && code < best.code);
    if (better) best = { code, ...count };
  }
  return best?.code;
}

function chooseMostCommon<T>(values: readonly (T | undefined)[]): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  for (const value of values) {
    if (value === undefined) continue;
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (best === undefined || count > (counts.get(best) ?? 0)) best = value;
  }
  return best;
}

function formatCount(count: number): string {
  return count.toLocaleString('en-GB');
}

function choose(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

function describePractices(practices: readonly PracticeRow[]): string {
  const open = practices.filter((practice) => practice.open).length;
  return `${formatCount(practices.length)} ${choose(practices.length, 'practice', 'practices')} (${formatCount(open)} open)`;
}

interface GeographyJudgement {
  era: EpraccurReport['geography'];
  icbCodes: string[];
  olderCodes: string[];
  otherCodes: string[];
}

// Judged from the open practices' codes (closed ones keep the code they closed under, which may
// be years old), or from every practice when none is open.
function judgeGeography(practices: readonly PracticeRow[]): GeographyJudgement {
  const open = practices.filter((practice) => practice.open);
  const judged = open.length > 0 ? open : practices;
  const codes = {
    icb: new Set<string>(),
    'before-icb': new Set<string>(),
    unknown: new Set<string>(),
  };
  for (const practice of judged)
    codes[findGeographyEra(practice.geography)].add(practice.geography);
  const [icbCodes, olderCodes, otherCodes] = [codes.icb, codes['before-icb'], codes.unknown].map(
    (set) => [...set].sort(),
  ) as [string[], string[], string[]];
  const era =
    icbCodes.length > 0 && olderCodes.length > 0
      ? 'mixed'
      : icbCodes.length > 0
        ? 'icb'
        : olderCodes.length > 0
          ? 'before-icb'
          : 'unknown';
  return { era, icbCodes, olderCodes, otherCodes };
}

// Says which structure the file's codes are, and, without a lookup, what the practices were
// grouped under as a result.
function describeGeography(judged: GeographyJudgement, withLookup: boolean): string {
  const { era, icbCodes, olderCodes, otherCodes } = judged;
  const list = (codes: readonly string[]): string =>
    `${formatCount(codes.length)} ${choose(codes.length, 'code', 'codes')}, such as ${codes[0]}`;
  const asOf = formatUkDate(SHIPPED_AS_OF);
  if (icbCodes.length + olderCodes.length + otherCodes.length === 0)
    return 'The file lists no GP practices in NHS England, so there was nothing to load from it.';
  const parts: string[] = [];
  if (era === 'icb') {
    parts.push(
      `This file uses the ICB geography (July 2022 onwards): its High Level Health Geography column holds ICB codes (${list(icbCodes)}) and its Commissioner column sub-ICB locations.`,
    );
  } else if (era === 'before-icb') {
    parts.push(
      `This file uses the CCG-era geography (before July 2022): its High Level Health Geography column holds NHS England area teams and local offices (${list(olderCodes)}), not ICBs, and its Commissioner column CCGs.`,
    );
  } else if (era === 'mixed') {
    parts.push(
      `This file mixes two geographies in its High Level Health Geography column: ICB codes (${list(icbCodes)}, used since July 2022) and the older area teams and local offices of the CCG years (${list(olderCodes)}).`,
    );
  } else {
    parts.push(
      `This file's High Level Health Geography codes (${list(otherCodes)}) are neither ICB codes nor the older area-team codes.`,
    );
  }
  if (!withLookup) {
    const grouped: string[] = [];
    if (icbCodes.length > 0)
      grouped.push(
        `practices are grouped under their ICBs, named from the shipped list of the 42 ICBs (data/icbs-and-regions.json, as of ${asOf})`,
      );
    const unnamed = [...olderCodes, ...otherCodes];
    if (unnamed.length > 0)
      grouped.push(
        `${icbCodes.length > 0 ? 'the others' : 'practices are grouped'} under the file's own codes, named like "Health geography ${unnamed[0]} (from epraccur)", instead of ICBs`,
      );
    parts.push(`No sub-ICB lookup was given, so ${grouped.join('; ')}.`);
    if (unnamed.length > 0) {
      parts.push(
        otherCodes.length > 0
          ? 'If ICBs have changed since, replace data/icbs-and-regions.json with the current ODS list, or load the ONS sub-ICB location → ICB → region lookup with this file.'
          : 'Load the ONS sub-ICB location → ICB → region lookup with this file to group practices by ICB.',
      );
    }
  }
  return parts.join(' ');
}
