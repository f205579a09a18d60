// Teams reads the text of a card's TextBlocks and Facts, and of a bot's chat messages, as
// markdown: a note saying `[Re-verify your NHSmail](https://example.org)` would become a link
// under the bot's name. User text (notes, people's, organisations', campaigns', teams' and
// channels' names) goes through escapeMarkdown before it meets any markdown we write ourselves.
//
// The escaping is CommonMark's own (a backslash before an ASCII punctuation character shows that
// character literally), applied only where a character could start markdown, so ordinary text
// ("Phones: 50% done - see notes", "Dr Shah (GP)") comes through byte for byte and looks the same
// in any renderer, including one that does not read backslash escapes.

// Anywhere in a line: emphasis, links and images, code, strikethrough, tables, raw HTML and
// autolinks, and the backslash itself.
const INLINE = /[\\*_[\]`~|<]/g;
// At the start of a line: headings, lists, block quotes, thematic breaks and setext underlines.
const LINE_START = /^[#>+\-=*_|]/;
// A numbered list item: "1. item" or "1) item".
const NUMBERED = /^(\d{1,9})([.)])/;
// A character reference (&amp; &#91; &#x5B;) would be decoded; the text should show it as typed.
const ENTITY = /&(?=#?[a-z0-9]+;)/gi;
// Linkify: a scheme's "://" and a dot between a name and letters ("nhs.net", "www.example") are
// what link detection keys on; escaping them leaves the text as typed but no longer a link.
const SCHEME = /([a-z][a-z0-9+.-]*):\/\//gi;
const DOMAIN_DOT = /(?<=[\p{L}\p{N}])\.(?=\p{L})/gu;

/** Escapes user text so Teams shows it exactly as typed, never as a link or formatting. */
export function escapeMarkdown(text: string): string {
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeLine(part)))
    .join('');
}

function escapeLine(line: string): string {
  // Leading spaces would make an indented code block; a paragraph drops them anyway.
  let out = line
    .replace(/^[ \t]+/, '')
    .replace(INLINE, '\\$&')
    .replace(ENTITY, '\\&')
    .replace(SCHEME, '$1\\:/\\/')
    .replace(DOMAIN_DOT, '\\.')
    // Renderers that ignore a backslash before "]" (Adaptive Cards' own native parser) still need
    // "](" broken to see no link.
    .replace(/\\]\(/g, '\\]\\(');
  if (LINE_START.test(out)) out = `\\${out}`;
  else out = out.replace(NUMBERED, '$1\\$2');
  return out;
}

/**
 * The start of `text`, at most `max` characters, ended at a word boundary ("legal start date…",
 * never "1 Apr 2…") unless one word fills more than half the room; trailing punctuation dropped.
 */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  // The cut already falls between words when the next character is a space.
  const lastSpace = /\s/.test(text.charAt(max)) ? max : head.search(/\s\S*$/);
  const atWord = lastSpace >= max / 2 ? head.slice(0, lastSpace) : head;
  return atWord.replace(/[\s,;:.\-–—(]+$/u, '');
}

/**
 * escapeMarkdown of `text` cut at a word (with "…") so the escaped form has at most `max` characters:
 * escaping can double a text's length, and a card budgets for what it sends, not what was typed.
 */
export function escapeShortened(text: string, max: number): string {
  let cut = max;
  for (;;) {
    const shown = text.length <= cut ? text : `${cutAtWord(text, cut - 1)}…`;
    const escaped = escapeMarkdown(shown);
    if (escaped.length <= max || cut <= 1) return escaped;
    cut -= Math.ceil((escaped.length - max) / 2);
  }
}
