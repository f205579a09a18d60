/** The places outside NHS England whose practices ODS files also list. */
export type NationOutsideEngland =
  'Wales' | 'Scotland' | 'Northern Ireland' | 'Isle of Man' | 'Channel Islands';

/** The codes of one epraccur row that say where it is (already upper-case and trimmed). */
export interface RowGeography {
  /** National Grouping: an NHS England region (Y56…), or W00 for Wales. */
  region: string;
  /** High Level Health Geography: YAC…YAF for the Crown Dependencies. */
  geography: string;
  /** Commissioner: 7A1…7A7 are the Welsh health boards. */
  commissioner: string;
}

// High Level Health Geography codes ODS gives the Crown Dependencies (as in the December 2019
// epraccur: YAC Isle of Man, YAD Jersey, YAE Guernsey, YAF Alderney; their National Grouping is empty).
const DEPENDENCIES: Readonly<Record<string, NationOutsideEngland>> = {
  YAC: 'Isle of Man',
  YAD: 'Channel Islands',
  YAE: 'Channel Islands',
  YAF: 'Channel Islands',
};

// National Grouping codes of the other UK nations: Wales is W00 in every epraccur seen; S and Z
// (Scotland, Northern Ireland) follow the same country-letter pattern ODS uses for their bodies.
const NATION_GROUPINGS: readonly [RegExp, NationOutsideEngland][] = [
  [/^W\d{2}$/, 'Wales'],
  [/^S\d{2}$/, 'Scotland'],
  [/^Z\d{2}$/, 'Northern Ireland'],
];

/**
 * Says which nation or Crown Dependency outside NHS England a row belongs to, from its region,
 * health geography or commissioner code; undefined for a row that may be in England.
 */
export function findNationOutsideEngland(row: RowGeography): NationOutsideEngland | undefined {
  for (const [pattern, nation] of NATION_GROUPINGS) if (pattern.test(row.region)) return nation;
  const dependency = DEPENDENCIES[row.geography];
  if (dependency) return dependency;
  // A Welsh row that lost its National Grouping still names its health board.
  if (/^7A\d$/.test(row.commissioner)) return 'Wales';
  return undefined;
}
