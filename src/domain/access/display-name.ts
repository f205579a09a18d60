// ODS writes names in capitals ("THE DENSHAM SURGERY"); cards read better in title case. The
// stored name is never changed: this is for display only. Hand-written rather than a title-case
// library because those keep existing capitals (so do nothing to an all-capitals name) and know
// nothing of NHS abbreviations.

// Abbreviations that stay in capitals.
const KEEP_UPPER = new Set([
  'NHS',
  'ICB',
  'ICS',
  'PCN',
  'CCG',
  'GP',
  'GPS',
  'UK',
  'LLP',
  'PMS',
  'APMS',
  'GMS',
  'CIC',
  'UTC',
  'OOH',
  'HMP',
  'YOI',
]);

// Short words kept in lower case unless they start the name ("Stockton-on-Tees", "Newcastle upon Tyne").
const KEEP_LOWER = new Set([
  'and',
  'of',
  'the',
  'on',
  'in',
  'at',
  'by',
  'for',
  'upon',
  'with',
  'under',
  'to',
]);

/**
 * The name to show for an organisation: names written wholly in capitals become title case
 * ("THE DENSHAM SURGERY" → "The Densham Surgery", "NHS SOUTH YORKSHIRE ICB" keeps NHS and ICB);
 * names with any lower-case letter are shown as written.
 */
export function formatOrgName(name: string): string {
  if (/\p{Ll}/u.test(name) || !/\p{Lu}/u.test(name)) return name;
  let first = true;
  // Words are runs of letters, digits and apostrophes; everything else (spaces, hyphens, slashes,
  // brackets, commas, &) is kept as it is.
  return name.replace(/[\p{L}\p{N}'’]+/gu, (word) => {
    const shown = formatWord(word, first);
    first = false;
    return shown;
  });
}

function formatWord(word: string, first: boolean): string {
  if (KEEP_UPPER.has(word)) return word;
  const lower = word.toLowerCase();
  if (!first && KEEP_LOWER.has(lower)) return lower;
  // Ordinals ("1ST") read as "1st"; other codes with digits ("SE1", "B12") stay as written.
  if (/\d/.test(word)) return /^\d+(ST|ND|RD|TH)$/.test(word) ? lower : word;
  // "MCKENZIE" → "McKenzie".
  if (/^MC\p{Lu}{2,}/u.test(word)) return `Mc${capitalise(lower.slice(2))}`;
  // "O'BRIEN" → "O'Brien", but "ARORA'S" → "Arora's".
  return lower
    .split(/(['’])/)
    .map((part, index) => (index > 0 && part.length <= 1 ? part : capitalise(part)))
    .join('');
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
