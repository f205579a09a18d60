import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { PROJECT_ROOT } from '../paths';
import { compileTemplate, expandCompiled, type CompiledTemplate } from './compile-template';

/** The rendered JSON of an Adaptive Card, ready to attach to a message. */
export type CardJson = Record<string, unknown>;

/** Teams limits a message to 40 KB counted as UTF-16 (older documentation); we budget for that. */
export const CARD_BUDGET_BYTES = 40 * 1024;

/** Folder of the card templates (data, not code). */
export const CARDS_DIR = path.join(PROJECT_ROOT, 'cards');

// Parsed once per template: building a Template costs several times more than expanding one.
const templates = new Map<string, CompiledTemplate>();

/** Expands `cards/<name>.json` with `data`; throws if any `${…}` is left unbound or the card is too big. */
export function renderCard(name: string, data: object): CardJson {
  let template = templates.get(name);
  if (!template) {
    template = compileTemplate(
      JSON.parse(readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8')) as unknown,
    );
    templates.set(name, template);
  }
  const unbound: string[] = [];
  // The templating library substitutes a missing field with its own `${…}` text; catching that
  // here turns a silent "${name}" on a user's screen into a failing test.
  ACData.GlobalSettings.getUndefinedFieldValueSubstitutionString = (p) => {
    unbound.push(p);
    return undefined;
  };
  let card: CardJson;
  let chars: number;
  try {
    ({ card, chars } = expandCompiled(template, data));
  } finally {
    delete ACData.GlobalSettings.getUndefinedFieldValueSubstitutionString;
  }
  if (unbound.length > 0) {
    throw new Error(`Card "${name}" has unbound fields: ${[...new Set(unbound)].join(', ')}`);
  }
  const bytes = chars * 2;
  if (bytes > CARD_BUDGET_BYTES) {
    throw new Error(
      `Card "${name}" is ${bytes} bytes (UTF-16), over the ${CARD_BUDGET_BYTES}-byte budget`,
    );
  }
  return card;
}

/** Size of a card as Teams counts it: its JSON in UTF-16 code units, two bytes each. */
export function measureCardBytes(card: unknown): number {
  return JSON.stringify(card).length * 2;
}
