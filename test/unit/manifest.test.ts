import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { PNG } from 'pngjs';
import { COMMANDS, commandsFor } from '../../src/bot/commands';
import {
  buildAppPackage,
  checkCommandLists,
  checkIcons,
  checkTabs,
  fillManifest,
  LOCAL_BOT_ID,
  MANIFEST_DIR,
  readPngSize,
  validateManifest,
} from '../../src/manifest/build-app-package';

const TEAMS_APP_ID = '5d0c7a52-3c4e-4b8f-9a57-3f1c2b6d8e10';
const BOT_ID = '0b9e6c3a-1f2d-4e5b-8a7c-9d0e1f2a3b4c';

type Json = Record<string, any>;

const readTemplate = () => readFileSync(path.join(MANIFEST_DIR, 'manifest.json'), 'utf8');
const readIcon = (name: string) => readFileSync(path.join(MANIFEST_DIR, name));
const readFilledManifest = (): Json =>
  JSON.parse(fillManifest(readTemplate(), { teamsAppId: TEAMS_APP_ID, botId: BOT_ID }));

// Validation must use the schema bundled with @microsoft/app-manifest; failing any download
// proves these tests (and `npm run package`) work offline. Scoped to a suite, not the root, so
// other test files keep the real fetch.
function forbidNetwork(): void {
  const realFetch = globalThis.fetch;
  before(() => {
    globalThis.fetch = () =>
      Promise.reject(new Error('the manifest tests must not use the network'));
  });
  after(() => {
    globalThis.fetch = realFetch;
  });
}

describe('the Teams app manifest', () => {
  forbidNetwork();

  it('passes the official v1.30 schema once its placeholders are filled', async () => {
    const manifest = readFilledManifest();
    assert.equal(manifest['manifestVersion'], '1.30');
    assert.deepEqual(await validateManifest(manifest), []);
  });

  it('fails the schema when a bot scope is not one Teams knows', async () => {
    const manifest = readFilledManifest();
    manifest['bots'][0]['scopes'] = ['personal', 'channel'];
    const problems = await validateManifest(manifest);
    assert.ok(
      problems.some((p) => p.includes('/bots/0/scopes/1') && p.includes('allowed values')),
      problems.join('\n'),
    );
  });

  it('fails the schema when the placeholders are left unfilled', async () => {
    const manifest: Json = JSON.parse(readTemplate());
    const problems = await validateManifest(manifest);
    assert.ok(
      problems.some((p) => p.includes(' at /id:')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes(' at /bots/0/botId:')),
      problems.join('\n'),
    );
  });

  it('fails when $schema and manifestVersion name different versions', async () => {
    const manifest = readFilledManifest();
    manifest['$schema'] =
      'https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json';
    const problems = await validateManifest(manifest);
    assert.ok(
      problems.some((p) => p.includes('$schema')),
      problems.join('\n'),
    );
  });

  it('puts the given app id and bot id in place of the placeholders', () => {
    const manifest = readFilledManifest();
    assert.equal(manifest['id'], TEAMS_APP_ID);
    assert.equal(manifest['bots'][0]['botId'], BOT_ID);
  });

  it('offers a conversational bot in personal, team and group chat scopes', () => {
    const [bot, ...others] = readFilledManifest()['bots'];
    assert.equal(others.length, 0);
    assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
    assert.equal(bot.isNotificationOnly, false);
    assert.equal(bot.supportsFiles, false);
  });

  it('lists exactly the commands the bot understands, once for each scope, at most 10 each', () => {
    const bot = readFilledManifest()['bots'][0];
    for (const scope of bot.scopes) {
      const expected = commandsFor(scope).map((c) => ({ title: c.name, description: c.summary }));
      assert.ok(expected.length <= 10, `Teams shows at most 10 commands (${scope})`);
      const lists = bot.commandLists.filter((l: Json) => l['scopes'].includes(scope));
      assert.equal(lists.length, 1, `one command list for ${scope}`);
      assert.deepEqual(lists[0].commands, expected, `the ${scope} command list`);
    }
    assert.deepEqual(checkCommandLists(readFilledManifest(), COMMANDS), []);
  });

  it('reports a command list that has drifted from COMMANDS', () => {
    const extra = [
      ...COMMANDS,
      {
        name: 'export',
        summary: 'Exports progress.',
        scopes: ['personal', 'team', 'groupChat'] as const,
      },
    ];
    const problems = checkCommandLists(readFilledManifest(), extra);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, /differs from COMMANDS/);
  });

  it('has a personal dashboard tab and one configurable tab for channels and group chats, on the tab host', () => {
    const manifest = JSON.parse(
      fillManifest(readTemplate(), {
        teamsAppId: TEAMS_APP_ID,
        botId: BOT_ID,
        tabHost: 'access.example.nhs.uk',
      }),
    );
    const dashboard = manifest['staticTabs'].find((t: Json) => t['entityId'] === 'dashboard');
    assert.deepEqual(dashboard['scopes'], ['personal']);
    assert.equal(dashboard['contentUrl'], 'https://access.example.nhs.uk/tab/');
    const [configurable, ...more] = manifest['configurableTabs'];
    assert.equal(more.length, 0, 'Teams allows one configurable tab per app');
    assert.equal(configurable['configurationUrl'], 'https://access.example.nhs.uk/tab/config');
    assert.deepEqual([...configurable['scopes']].sort(), ['groupChat', 'team']);
    assert.deepEqual(manifest['validDomains'], ['access.example.nhs.uk']);
    assert.deepEqual(manifest['webApplicationInfo'], {
      id: BOT_ID,
      resource: `api://access.example.nhs.uk/botid-${BOT_ID}`,
    });
    assert.deepEqual(checkTabs(manifest), []);
  });

  it('reports a tab page outside validDomains and an SSO resource that does not match', () => {
    const manifest = readFilledManifest();
    manifest['configurableTabs'][0]['configurationUrl'] = 'https://elsewhere.example/tab/config';
    manifest['webApplicationInfo']['resource'] = `api://elsewhere.example/botid-${BOT_ID}`;
    const problems = checkTabs(manifest);
    assert.ok(
      problems.some(
        (p) => p.includes('configurableTabs[0].configurationUrl') && p.includes('validDomains'),
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('webApplicationInfo.resource')),
      problems.join('\n'),
    );
  });

  it('is called Access Recovery, or Access Recovery Bot in full', () => {
    const manifest = readFilledManifest();
    assert.deepEqual(manifest['name'], { short: 'Access Recovery', full: 'Access Recovery Bot' });
    assert.equal(manifest['developer']['name'], 'Access Recovery Bot project');
  });
});

describe('the app icons', () => {
  it('has a 192 by 192 pixel colour icon', () => {
    assert.deepEqual(readPngSize(readIcon('color.png')), { width: 192, height: 192 });
  });

  it('has a 32 by 32 pixel outline icon', () => {
    assert.deepEqual(readPngSize(readIcon('outline.png')), { width: 32, height: 32 });
  });

  it('draws the outline icon only in white on full transparency', () => {
    const png = PNG.sync.read(readIcon('outline.png'));
    let visible = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = png.data.subarray(i, i + 4);
      if (a === 0) continue;
      visible++;
      assert.deepEqual([r, g, b], [255, 255, 255], `pixel ${i / 4} is visible but not white`);
    }
    assert.ok(visible > 0, 'the outline icon is blank');
  });

  it('passes the packaging checks for icons', () => {
    assert.deepEqual(
      checkIcons({ color: readIcon('color.png'), outline: readIcon('outline.png') }),
      [],
    );
  });

  it('reports an outline icon with coloured pixels and icons of the wrong size', () => {
    const problems = checkIcons({ color: readIcon('outline.png'), outline: readIcon('color.png') });
    assert.ok(problems.some((p) => p.startsWith('color icon: must be 192×192')));
    assert.ok(problems.some((p) => p.startsWith('outline icon: must be 32×32')));

    const blue = new PNG({ width: 32, height: 32 });
    blue.data.fill(0);
    blue.data.set([0, 94, 184, 255], 0);
    const colourful = checkIcons({ color: readIcon('color.png'), outline: PNG.sync.write(blue) });
    assert.deepEqual(colourful, [
      'outline icon: must be white (#FFFFFF) on full transparency, but 1 pixel has another colour',
    ]);
  });

  it('refuses to read the size of a file that is not a PNG', () => {
    assert.throws(() => readPngSize(Buffer.from('GIF89a, not a PNG at all')), /not a PNG/);
  });
});

describe('the app package', () => {
  forbidNetwork();
  let tempDir: string;
  beforeEach(() => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'arb-manifest-'));
  });
  afterEach(() => {
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('is a zip with exactly manifest.json and the two icons at its root', async () => {
    const { zipPath, problems } = await buildAppPackage({
      teamsAppId: TEAMS_APP_ID,
      botId: BOT_ID,
      outDir: tempDir,
    });
    assert.deepEqual(problems, []);
    assert.equal(zipPath, path.join(tempDir, 'appPackage.zip'));

    const entries = new AdmZip(zipPath).getEntries();
    assert.deepEqual(entries.map((e) => e.entryName).sort(), [
      'color.png',
      'manifest.json',
      'outline.png',
    ]);
    assert.ok(entries.every((e) => !e.isDirectory));
    const byName = new Map(entries.map((e) => [e.entryName, e.getData()]));
    assert.deepEqual(byName.get('color.png'), readIcon('color.png'));
    assert.deepEqual(byName.get('outline.png'), readIcon('outline.png'));

    const text = byName.get('manifest.json')!.toString('utf8');
    assert.ok(!text.includes('{{'), 'no placeholders are left in the zipped manifest');
    const manifest: Json = JSON.parse(text);
    assert.equal(manifest['id'], TEAMS_APP_ID);
    assert.equal(manifest['bots'][0]['botId'], BOT_ID);
    assert.deepEqual(await validateManifest(manifest), []);
  });

  it('accepts the all-zero bot id used for local testing', async () => {
    const { problems } = await buildAppPackage({
      teamsAppId: TEAMS_APP_ID,
      botId: LOCAL_BOT_ID,
      outDir: tempDir,
    });
    assert.deepEqual(problems, []);
  });

  it('is not written when the manifest fails validation, and the problems say why', async () => {
    const { zipPath, problems } = await buildAppPackage({
      teamsAppId: 'not-a-guid',
      botId: BOT_ID,
      outDir: tempDir,
    });
    assert.ok(
      problems.some((p) => p.includes(' at /id:')),
      problems.join('\n'),
    );
    assert.throws(() => readFileSync(zipPath), { code: 'ENOENT' });
  });

  it('is not written when an icon is the wrong size', async () => {
    const sourceDir = path.join(tempDir, 'source');
    const outDir = path.join(tempDir, 'out');
    mkdirSync(sourceDir);
    for (const name of ['manifest.json', 'color.png']) {
      copyFileSync(path.join(MANIFEST_DIR, name), path.join(sourceDir, name));
    }
    writeFileSync(path.join(sourceDir, 'outline.png'), readIcon('color.png'));
    const { zipPath, problems } = await buildAppPackage({
      teamsAppId: TEAMS_APP_ID,
      botId: BOT_ID,
      sourceDir,
      outDir,
    });
    assert.ok(
      problems.some((p) => p.startsWith('outline icon: must be 32×32')),
      problems.join(),
    );
    assert.throws(() => readFileSync(zipPath), { code: 'ENOENT' });
  });
});
