// Reads card and message text as a markdown renderer does, so tests can see what people would see.
//
// Teams does not publish its markdown settings; markdown-it (the processor the official
// `adaptivecards` renderer is paired with) with raw HTML and link detection switched on is the
// most eager reading, so text that stays plain here stays plain in Teams.

// eslint-disable-next-line @typescript-eslint/no-require-imports -- markdown-it ships no types
const markdownIt = require('markdown-it') as (options: object) => { render(text: string): string };

const md = markdownIt({ html: true, linkify: true });

/** The HTML a markdown renderer makes of `text`. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}

/** The tags of some HTML in order, e.g. ["p", "strong", "/strong", "/p"]. */
export function tagsOf(html: string): string[] {
  return [...html.matchAll(/<(\/?[a-z0-9]+)/gi)].map((m) => (m[1] ?? '').toLowerCase());
}

/** The text a person reads in some HTML: tags removed, entities decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Every string of a card that Teams reads as markdown: TextBlock text, Fact title and value. */
export function markdownFieldsOf(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => markdownFieldsOf(n, found));
  else if (node && typeof node === 'object') {
    const element = node as Record<string, unknown>;
    if (element['type'] === 'TextBlock' && typeof element['text'] === 'string')
      found.push(element['text']);
    if (typeof element['title'] === 'string' && typeof element['value'] === 'string')
      found.push(element['title'], element['value']);
    for (const value of Object.values(element)) markdownFieldsOf(value, found);
  }
  return found;
}

/** Text that Teams would turn into a link or formatting if it were not escaped. */
export const HOSTILE_TEXTS = [
  '[Re-verify your NHSmail](https://example.org)',
  '**urgent**',
  '# heading',
  '- item',
  '1. item',
  '<b>x</b>',
  'https://evil.example/x',
  '_x_ ~~y~~ `z` www.evil.com a@nhs.net <https://evil.example> ![i](https://e.vil/i.png)',
  'ok\n> quote\n---\n+ more\n    code\n2) two',
  '&#91;x&#93;(https://evil.example) | a | b |\n|---|---|',
];
