import assert from 'node:assert/strict';
import { botAddedToTeam, USER } from '../support/teams-activities';
import { converse } from '../support/converse';
import { FakeConnector } from '../support/fake-connector';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import { markdownFieldsOf, renderMarkdown, tagsOf, visibleText } from '../support/read-markdown';

// What people type (notes, unknown commands) and what Teams says about them (display names, team
// names) comes back in chat replies and cards that Teams reads as markdown: it must show as typed.

const LINK = '[Re-verify your NHSmail](https://example.org)';
const FORMATTING = [
  '**urgent**',
  '# heading',
  '- item',
  '1. item',
  '<b>x</b>',
  'https://evil.example/x',
];

/** The markdown texts of the bot's replies: message text, and each card's markdown fields. */
function markdownOf(replies: string): string[] {
  return replies
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const body = JSON.parse(line) as { text?: string; attachments?: { content: unknown }[] };
      return [
        ...(body.text ? [body.text] : []),
        ...(body.attachments ?? []).flatMap((a) => markdownFieldsOf(a.content)),
      ];
    });
}

/** The replies show `typed` as it is, and nothing in them is a link or a heading, list or HTML. */
function assertShownAsTyped(replies: string, typed: string, quoted = true): void {
  const html = markdownOf(replies).map(renderMarkdown);
  assert.ok(html.length > 0, 'the bot replied');
  // A hint quotes only the start of what was typed, as the command reader saw it.
  if (quoted)
    assert.ok(html.map(visibleText).join('\n').includes(typed), `"${typed}" is shown as typed`);
  for (const h of html) {
    // The one link we write ourselves: an action's "Source", from the shipped checklist.
    const links = [...h.matchAll(/<a [^>]*>(.*?)<\/a>/g)].map((m) => m[1]);
    assert.ok(
      links.every((l) => l === 'Source'),
      h,
    );
    const unexpected = tagsOf(h).filter(
      (t) => !['p', '/p', 'strong', '/strong', 'em', '/em', 'a', '/a'].includes(t),
    );
    assert.deepEqual(unexpected, [], h);
    // Bold and italics are ours (command names, statuses, a title), never part of what was typed.
    for (const m of h.matchAll(/<(?:strong|em)>(.*?)<\/(?:strong|em)>/g))
      assert.ok(!typed.includes(m[1] ?? '\u0000'), h);
  }
}

describe('markdown in user text: chat replies and cards show it as typed', function () {
  this.timeout(60_000);
  let connector: FakeConnector;
  let service: TestService;
  before(async () => {
    connector = await new FakeConnector().start();
    service = await startTestService();
    await say(chat('whoami'));
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });
  const { say, chat } = converse(
    () => service,
    () => connector,
  );

  for (const typed of [LINK, ...FORMATTING]) {
    it(`a note ${JSON.stringify(typed)}: the update reply and the "my actions" card`, async () => {
      assertShownAsTyped(await say(chat(`update PRAC-02 in progress "${typed}"`)), typed);
      assertShownAsTyped(await say(chat('my actions')), typed);
    });

    it(`an unknown command ${JSON.stringify(typed)}: the hint quotes it`, async () => {
      assertShownAsTyped(await say(chat(typed)), typed, false);
    });

    it(`a display name ${JSON.stringify(typed)}: whoami`, async () => {
      assertShownAsTyped(await say(chat('whoami', { ...USER, name: typed })), typed);
    });

    it(`a team named ${JSON.stringify(typed)}: the welcome card`, async () => {
      assertShownAsTyped(await say(botAddedToTeam(connector.url, typed)), typed);
    });
  }

  // Errors quote the start of what was typed, so they escape it too.
  for (const [command, typed] of [
    ['status', '[x](https://e.org)'],
    ['update PRAC-02', '[y](//e.org) x'],
    ['update', '[z](//e.org)'],
    ['nudges', '**urgent**'],
  ] as const) {
    it(`an error about ${JSON.stringify(`${command} ${typed}`)} quotes it as typed`, async () => {
      assertShownAsTyped(await say(chat(`${command} ${typed}`)), typed, false);
    });
  }
});
