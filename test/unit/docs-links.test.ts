import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

// markdown-it ships no types; these are the two calls this test makes of it. A real parser,
// rather than a regular expression, so links inside code spans and blocks are not mistaken for
// links, and reference-style links are resolved.
interface MarkdownToken {
  type: string;
  content: string;
  children: MarkdownToken[] | null;
  attrGet(name: string): string | null;
}
const MarkdownIt = require('markdown-it') as new (options: { html: boolean }) => {
  parse(text: string, env: object): MarkdownToken[];
};
const markdown = new MarkdownIt({ html: true });

/** README.md and every Markdown page under docs/, relative to the repository root. */
function listPages(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(rel);
      return entry.name.endsWith('.md') ? [rel] : [];
    });
  return ['README.md', ...walk('docs')];
}

/** Every link and image address in a Markdown text, including `src` and `href` in raw HTML. */
function listAddresses(text: string): string[] {
  const found: string[] = [];
  const readHtml = (html: string) => {
    for (const m of html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi)) found.push(m[1]!);
  };
  const visit = (tokens: readonly MarkdownToken[]) => {
    for (const token of tokens) {
      if (token.type === 'link_open') found.push(token.attrGet('href') ?? '');
      if (token.type === 'image') found.push(token.attrGet('src') ?? '');
      if (token.type === 'html_inline' || token.type === 'html_block') readHtml(token.content);
      if (token.children) visit(token.children);
    }
  };
  visit(markdown.parse(text, {}));
  return found;
}

/** The relative addresses in `text` (a page at `page`) that point at no file or folder. */
function findBrokenLinks(page: string, text: string): string[] {
  return listAddresses(text).filter((address) => {
    // Other sites and anchors within the page are not files in this repository.
    if (/^[a-z][a-z0-9+.-]*:/i.test(address) || address.startsWith('//')) return false;
    const file = decodeURI(address.split(/[#?]/)[0]!);
    if (file === '') return false;
    const target = file.startsWith('/')
      ? path.join(ROOT, file)
      : path.resolve(path.dirname(path.join(ROOT, page)), file);
    // A file beside the repository (../shared/…) exists here but not in a reader's clone.
    const inside = !path.relative(ROOT, target).startsWith('..');
    return !inside || !existsSync(target);
  });
}

describe('links in README.md and docs/', () => {
  const pages = listPages();

  it('checks the README and the pages under docs/', () => {
    for (const page of ['README.md', 'docs/getting-started.md', 'docs/operations.md'])
      assert.ok(pages.includes(page), `${page} is not among the pages checked`);
  });

  for (const page of pages) {
    it(`points every relative link and picture in ${page} at a file that exists`, () => {
      assert.deepEqual(findBrokenLinks(page, readFileSync(path.join(ROOT, page), 'utf8')), []);
    });
  }

  it('reports a link that leaves the repository, even to a folder that exists beside it', () => {
    assert.deepEqual(findBrokenLinks('README.md', '[the folder above](../)'), ['../']);
  });

  it('reports a link, a picture or an HTML image that points at nothing, and nothing else', () => {
    const text = [
      '[a page](missing-page.md#part) and [a good one](getting-started.md#the-demo)',
      '![a picture](cards/missing.png) and ![a good one](cards/checklist.png)',
      '<img src="missing-too.png" width="600" alt="x">',
      '[elsewhere](https://example.org/missing.md), [here](#anchor), `[code](missing-code.md)`',
      '[by reference][ref]',
      '',
      '[ref]: ../missing-dir/file.md',
    ].join('\n');
    assert.deepEqual(findBrokenLinks('docs/page.md', text), [
      'missing-page.md#part',
      'cards/missing.png',
      'missing-too.png',
      '../missing-dir/file.md',
    ]);
  });
});
