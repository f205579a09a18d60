import type { ChecklistAction } from '../checklists/checklists';

// The checklist's `confidence` column is the reconstruction's own working note ("national target
// READ; practice action INFERRED", "READ; due high"): useful to whoever maintains the checklist,
// unreadable to a practice manager. Cards say instead, in words, whether NHS England's published
// text states the action, and whether its deadline is firm. Parts of the note that speak of the
// date ("due high", "legal start date uncertain") are read for the deadline, the rest for the action.

/** Said of an action NHS England's published letters or guidance state. */
export const FROM_NHS_ENGLAND = "From NHS England's letters";

/** Said of an action worked out from public sources rather than read in NHS England's text. */
export const RECONSTRUCTED =
  'Reconstructed from public sources: check against the official checklist';

/** The same, on a card row, where the card's footer says to check against the official checklist. */
export const RECONSTRUCTED_SHORT = 'Reconstructed from public sources';

/** Added when the note doubts the deadline. */
export const DEADLINE_UNCONFIRMED = 'deadline not confirmed';

const DATE_PART = /\b(dates?|due|deadline)\b/i;
const GUESSED = /INFERRED|from memory|secondary|unverified/i;
const DOUBTFUL_DATE = /\b(low|medium|uncertain|unverified|memory|inconsistent|month-level)\b/i;

/** How sure the checklist is of an action, in words: "From NHS England's letters". */
export function describeConfidence(
  action: Pick<ChecklistAction, 'confidence' | 'due'>,
  length: 'long' | 'short' = 'long',
): string {
  const parts = action.confidence.split(';').map((p) => p.trim());
  const about = parts.filter((p) => !DATE_PART.test(p));
  const read = about.some((p) => /\bREAD\b/.test(p)) && !about.some((p) => GUESSED.test(p));
  const words = read ? FROM_NHS_ENGLAND : length === 'long' ? RECONSTRUCTED : RECONSTRUCTED_SHORT;
  const dateDoubted =
    action.due !== undefined && parts.some((p) => DATE_PART.test(p) && DOUBTFUL_DATE.test(p));
  return dateDoubted ? `${words}; ${DEADLINE_UNCONFIRMED}` : words;
}
