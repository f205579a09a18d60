import { InvalidInputError } from '../domain/shared/errors';

/** One thing wrong with an imported file, located as precisely as the format allows. */
export interface ImportProblem {
  /** 1-based line in the file where the row starts (CSV), when known. */
  line?: number;
  /** Column (CSV) or property path (JSON) at fault. */
  field?: string;
  message: string;
}

// Enough to fix a file in one go without burying the first problems under hundreds of repeats.
const MAX_LISTED = 20;

/** A file was refused: lists every problem found, and nothing from the file was used. */
export class ImportError extends InvalidInputError {
  /** Every problem found, in file order (problems without a line last). */
  readonly problems: readonly ImportProblem[];

  constructor(what: string, problems: readonly ImportProblem[]) {
    const sorted = sortProblems(problems);
    super(describeProblems(what, sorted));
    this.name = 'ImportError';
    this.problems = sorted;
  }
}

/** Throws one ImportError carrying all `problems`, if there are any. */
export function throwIfProblems(what: string, problems: readonly ImportProblem[]): void {
  if (problems.length > 0) throw new ImportError(what, problems);
}

/** Renders one problem as "line 14, column parent_code: …". */
export function formatProblem(problem: ImportProblem): string {
  const where: string[] = [];
  if (problem.line !== undefined) where.push(`line ${problem.line}`);
  // CSV problems have a line and name a column; JSON ones name a property path instead.
  if (problem.field !== undefined) {
    where.push(`${problem.line !== undefined ? 'column' : 'field'} ${problem.field}`);
  }
  return where.length > 0 ? `${where.join(', ')}: ${problem.message}` : problem.message;
}

function describeProblems(what: string, problems: readonly ImportProblem[]): string {
  const count =
    problems.length === 1 ? '1 problem' : `${problems.length.toLocaleString('en-GB')} problems`;
  const lines = problems.slice(0, MAX_LISTED).map((p) => `- ${formatProblem(p)}`);
  if (problems.length > MAX_LISTED)
    lines.push(`- …and ${(problems.length - MAX_LISTED).toLocaleString('en-GB')} more.`);
  return [
    `The ${what} was not imported because it has ${count}; nothing from it was used. Fix ${problems.length === 1 ? 'it' : 'them'} and load the file again:`,
    ...lines,
  ].join('\n');
}

function sortProblems(problems: readonly ImportProblem[]): ImportProblem[] {
  // Array.prototype.sort is stable, so problems on one line keep the order they were found in.
  return [...problems].sort(
    (a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER),
  );
}
