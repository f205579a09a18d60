import shipped from '../../data/icbs-and-regions.json';

/** One ICB from the shipped list, with the NHS England region it belongs to. */
export interface ShippedIcb {
  code: string;
  name: string;
  regionCode: string;
}

/** The 42 ICBs by ODS code (data/icbs-and-regions.json), for files that only give codes. */
export const SHIPPED_ICBS: ReadonlyMap<string, ShippedIcb> = new Map(
  shipped.icbs.map((icb) => [icb.code, icb]),
);

/** The 7 NHS England regions: ODS code → name. */
export const SHIPPED_REGIONS: ReadonlyMap<string, string> = new Map(
  shipped.regions.map((region) => [region.code, region.name]),
);

/** The date the shipped list describes (YYYY-MM-DD), for notes that name it. */
export const SHIPPED_AS_OF: string = shipped.asOf;

/** Which structure a High Level Health Geography code belongs to, judged from the code alone. */
export type GeographyEra = 'icb' | 'before-icb' | 'unknown';

/**
 * Classifies a High Level Health Geography code: one of the shipped ICB codes (files since July
 * 2022), Q and two digits (the NHS England area teams and local offices of the CCG years, Q44 to
 * Q88; no ICB code is all digits), or neither.
 */
export function findGeographyEra(code: string): GeographyEra {
  if (SHIPPED_ICBS.has(code)) return 'icb';
  if (/^Q\d{2}$/.test(code)) return 'before-icb';
  return 'unknown';
}
