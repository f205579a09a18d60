import { escapeMarkdown } from '../shared/escape-markdown';
import { InvalidInputError } from '../shared/errors';
import { ORG_LEVELS, type OrgLevel } from './organisations';

/** The shape of one level's ODS codes, and how to describe it to a person. */
export interface OdsCodeShape {
  pattern: RegExp;
  description: string;
}

// The one rule for ODS codes, used by importers, commands and card data alike. No escape hatch for
// other shapes: every source we import (epraccur, ePCN, the ONS lookup, our own files, the
// synthetic generator) produces these, and a code of another shape is far more often a typo or a
// column mix-up than a genuine exception.
/** ODS code shapes by level: region Y63, ICB QE1, PCN U59980, practice A81001. */
export const ODS_CODE_SHAPES: Readonly<Record<OrgLevel, OdsCodeShape>> = {
  region: { pattern: /^Y\d{2}$/, description: 'Y and 2 digits, such as Y63' },
  icb: { pattern: /^Q[A-Z0-9]{2}$/, description: 'Q and 2 letters or digits, such as QE1' },
  pcn: { pattern: /^U\d{5}$/, description: 'U and 5 digits, such as U59980' },
  practice: { pattern: /^[A-Z]\d{5}$/, description: 'a letter and 5 digits, such as A81001' },
};

/** True when `code` (already upper-case) has the shape of an ODS code of one of `levels`. */
export function isOdsCode(code: string, levels: readonly OrgLevel[] = ORG_LEVELS): boolean {
  return levels.some((level) => ODS_CODE_SHAPES[level].pattern.test(code));
}

/** Reads an ODS code typed or picked by a person ("u99901 " → "U99901"), or says what to type. */
export function parseOdsCode(value: unknown): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!isOdsCode(code)) {
    throw new InvalidInputError(
      `"${escapeMarkdown(String(value ?? '').slice(0, 20))}" is not an ODS code. Type the code of a region, ICB, PCN or practice, for example Y63, QZ1, U99901 or X99001.`,
    );
  }
  return code;
}
