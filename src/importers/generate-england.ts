import regions from '../../data/regions.json';
import { InvalidInputError } from '../domain/shared/errors';
import type { Organisation } from '../domain/access/organisations';
import { resolveHierarchy } from './resolve-hierarchy';
import { createSeededRandom } from './create-seeded-random';

/** Sizes and seed for generateEngland; the defaults are England's real orders of magnitude. */
export interface GenerateEnglandOptions {
  /** Same seed, same hierarchy, on every machine. */
  seed?: number;
  pcns?: number;
  practices?: number;
}

const DEFAULT_SEED = 2023;
const DEFAULT_PCNS = 1250;
const DEFAULT_PRACTICES = 6300;
const MAX_PCNS = 20_000;
const MAX_PRACTICES = 200_000;

// ICBs per region as set up in July 2022 (42 in all, 3 to 11 per region), so that per-region
// figures in benchmarks are as lopsided as the real ones.
const ICBS_PER_REGION: Readonly<Record<string, number>> = {
  Y56: 5, // London
  Y58: 7, // South West
  Y59: 6, // South East
  Y60: 11, // Midlands
  Y61: 6, // East of England
  Y62: 3, // North West
  Y63: 4, // North East and Yorkshire
};

// The letters English practice codes start with (W, S and Z belong to the other nations).
const PRACTICE_LETTERS = 'ABCDEFGHJKLMNPY';
const CODE_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Builds a synthetic England — the 7 real regions, 42 ICBs, about 1,250 PCNs and 6,300 open
 * practices, unevenly spread — for benchmarks and tests. Deterministic for a given seed.
 */
export function generateEngland(options: GenerateEnglandOptions = {}): Organisation[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const pcnCount = options.pcns ?? DEFAULT_PCNS;
  const practiceCount = options.practices ?? DEFAULT_PRACTICES;
  const icbCount = Object.values(ICBS_PER_REGION).reduce((sum, n) => sum + n, 0);
  checkCount('seed', seed, 0, 2 ** 32 - 1);
  checkCount('pcns', pcnCount, icbCount, MAX_PCNS);
  checkCount('practices', practiceCount, pcnCount, MAX_PRACTICES);

  const random = createSeededRandom(seed);
  const orgs: Organisation[] = regions.map((region) => ({
    code: region.code,
    name: region.name,
    level: 'region',
    open: true,
  }));

  const icbCodes = drawUnique(
    icbCount,
    () => `Q${pick(CODE_CHARACTERS, random)}${pick(CODE_CHARACTERS, random)}`,
  );
  const icbs: Organisation[] = [];
  for (const region of regions) {
    for (let i = 0; i < (ICBS_PER_REGION[region.code] ?? 0); i += 1) {
      const number = icbs.length + 1;
      icbs.push({
        code: icbCodes[number - 1] ?? '',
        name: `Synthetic ICB ${pad(number, icbCount)}`,
        level: 'icb',
        parentCode: region.code,
        open: true,
      });
    }
  }

  // Uneven weights (a big ICB has several times the PCNs of a small one) shared out exactly.
  const pcnsPerIcb = shareOut(
    pcnCount,
    icbs.map(() => 0.4 + 1.6 * random()),
  );
  const pcnCodes = drawUnique(pcnCount, () => `U${10000 + Math.floor(random() * 90000)}`);
  const pcns: Organisation[] = [];
  icbs.forEach((icb, i) => {
    for (let n = 0; n < (pcnsPerIcb[i] ?? 0); n += 1) {
      const number = pcns.length + 1;
      pcns.push({
        code: pcnCodes[number - 1] ?? '',
        name: `Synthetic PCN ${pad(number, pcnCount)}`,
        level: 'pcn',
        parentCode: icb.code,
        open: true,
      });
    }
  });

  const practicesPerPcn = shareOut(
    practiceCount,
    pcns.map(() => 0.3 + 1.7 * random()),
  );
  const practiceCodes = drawUnique(
    practiceCount,
    () =>
      `${pick(PRACTICE_LETTERS, random)}${String(Math.floor(random() * 100000)).padStart(5, '0')}`,
  );
  const practices: Organisation[] = [];
  pcns.forEach((pcn, i) => {
    for (let n = 0; n < (practicesPerPcn[i] ?? 0); n += 1) {
      const number = practices.length + 1;
      practices.push({
        code: practiceCodes[number - 1] ?? '',
        name: `Synthetic Practice ${pad(number, practiceCount)}`,
        level: 'practice',
        parentCode: pcn.code,
        open: true,
      });
    }
  });

  // Checks the result and fills icbCode and regionCode the same way an import would.
  return resolveHierarchy([...orgs, ...icbs, ...pcns, ...practices], {
    what: 'synthetic hierarchy',
  });
}

function checkCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(
      `${name} must be a whole number from ${min} to ${max}, not ${value}.`,
    );
  }
}

function pick(characters: string, random: () => number): string {
  return characters[Math.floor(random() * characters.length)] ?? characters[0] ?? '';
}

function drawUnique(count: number, draw: () => string): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(draw());
  return [...codes];
}

// Splits `total` in proportion to `weights`, at least one each, summing exactly to `total`
// (largest remainders get the leftovers).
function shareOut(total: number, weights: readonly number[]): number[] {
  const spare = total - weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * spare);
  const shares = exact.map((x) => 1 + Math.floor(x));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((x, i) => ({ i, remainder: x - Math.floor(x) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}

function pad(number: number, total: number): string {
  return String(number).padStart(String(total).length, '0');
}
