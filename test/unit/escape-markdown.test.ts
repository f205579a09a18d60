import assert from 'node:assert/strict';
import { escapeMarkdown, escapeShortened } from '../../src/domain/shared/escape-markdown';
import { HOSTILE_TEXTS, renderMarkdown, tagsOf, visibleText } from '../support/read-markdown';

describe('escapeMarkdown', () => {
  for (const text of HOSTILE_TEXTS)
    it(`shows ${JSON.stringify(text)} as typed, with no link or formatting`, () => {
      const html = renderMarkdown(escapeMarkdown(text));
      assert.deepEqual(tagsOf(html), ['p', '/p']);
      // A paragraph drops the spaces that start a line; nothing else may change.
      assert.equal(visibleText(html).trim(), text.replace(/^[ \t]+/gm, ''));
    });

  it('leaves ordinary text byte for byte, so it looks the same in any renderer', () => {
    for (const text of [
      'Phones: 50% done - see notes',
      'Dr Shah (GP) is back on 3 Dec. Ask #2 first!',
      'Demo Bridgefoot Surgery',
      'NHS Demo Dales and Coast ICB',
      'Waiting for the supplier; 1.5 days + 2',
      "St Mary's & St John's",
    ])
      assert.equal(escapeMarkdown(text), text);
  });

  it('keeps line breaks where they were', () => {
    assert.equal(escapeMarkdown('one\r\n- two\nthree'), 'one\r\n\\- two\nthree');
  });

  it('escapes a backslash, so one the person typed is still shown', () => {
    const html = renderMarkdown(escapeMarkdown('C:\\notes\\*draft*'));
    assert.equal(visibleText(html).trim(), 'C:\\notes\\*draft*');
    assert.deepEqual(tagsOf(html), ['p', '/p']);
  });

  it('at most doubles the length (the card size budget counts on it)', () => {
    const worst = '*'.repeat(500);
    assert.equal(escapeMarkdown(worst).length, 1000);
  });
});

describe('escapeShortened', () => {
  it('cuts text so that, escaped, it is no longer than asked', () => {
    assert.equal(escapeShortened('plain words here', 13), 'plain words…');
    const escaped = escapeShortened('*'.repeat(500), 140);
    assert.ok(escaped.length <= 140, `${escaped.length}`);
    assert.equal(visibleText(renderMarkdown(escaped)).trim(), `${'*'.repeat(69)}…`);
  });

  it('never cuts a word in half: it ends at the last whole word, without its punctuation', () => {
    const source =
      'requirement read; legal start date uncertain - 1 Apr 2023 per LMC, possibly 15 May';
    assert.equal(
      escapeShortened(source, 60),
      'requirement read; legal start date uncertain - 1 Apr 2023…',
    );
    assert.equal(escapeShortened('plain words here', 10), 'plain…');
    assert.equal(escapeShortened('Switched on, then off', 13), 'Switched on…');
  });

  it('cuts inside a word only when one word would leave less than half the room', () => {
    assert.equal(escapeShortened('Supercalifragilistic word', 10), 'Supercali…');
  });
});
