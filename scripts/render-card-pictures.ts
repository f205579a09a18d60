// `npm run cards:pictures`: draws every card template, with its sample view model, as Teams would
// show it, and writes the pictures to docs/cards/<name>.png.
//
// Each card is expanded by our own renderCard (the same code the bot sends with), then drawn by
// Microsoft's official `adaptivecards` renderer (its browser bundle) with markdown-it for the
// markdown, in headless Chromium driven by playwright-core. Chromium is Debian's (/usr/bin/chromium,
// or CHROMIUM_PATH): playwright-core downloads no browser. The host config below approximates the
// Teams light theme; fonts are Segoe UI where installed, otherwise the system's sans-serif. The
// status marks need an emoji font for ⛔ (Debian: fonts-noto-color-emoji), as Teams has.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CARDS_DIR, renderCard } from '../src/cards/render-card';
import { PROJECT_ROOT } from '../src/paths';
import { SAMPLES } from '../test/support/card-samples';
import { sampleIcbAreaCard, samplePcnCard, samplePcnOverview } from '../test/support/sample-cards';

const OUT_DIR = path.join(PROJECT_ROOT, 'docs', 'cards');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Width of the card itself, about what a Teams channel gives a full-width card on a laptop. */
const CARD_WIDTH = 600;
/** Pixels per CSS pixel: 2 keeps text sharp on high-density screens. */
const SCALE = 2;

// The text colours of both container styles: Teams' light theme, darker where Teams' own
// colours would be hard to read on white.
const FOREGROUND_COLORS = {
  default: { default: '#242424', subtle: '#616161' },
  dark: { default: '#242424', subtle: '#616161' },
  light: { default: '#FFFFFF', subtle: '#F5F5F5' },
  accent: { default: '#5B5FC7', subtle: '#4F52B2' },
  good: { default: '#0E700E', subtle: '#107C10' },
  warning: { default: '#835B00', subtle: '#8A6116' },
  attention: { default: '#C4314B', subtle: '#A4262C' },
};

/** A Teams-like light host config (sizes, weights and colours close to the Teams light theme). */
const HOST_CONFIG = {
  supportsInteractivity: true,
  // Where Segoe UI is missing, Arial's metric twin (Liberation Sans on Debian) is the closest width.
  fontFamily: '"Segoe UI", "Segoe UI Web (West European)", Arial, sans-serif',
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E1DFDD' },
  fontSizes: { small: 12, default: 14, medium: 15, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  lineHeights: { small: 16, default: 20, medium: 20, large: 24, extraLarge: 32 },
  imageSizes: { small: 32, medium: 52, large: 100 },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: FOREGROUND_COLORS,
    },
    emphasis: {
      backgroundColor: '#F5F5F5',
      foregroundColors: FOREGROUND_COLORS,
    },
  },
  actions: {
    maxActions: 6,
    spacing: 'Default',
    buttonSpacing: 8,
    showCard: { actionMode: 'Inline', inlineTopMargin: 16, style: 'emphasis' },
    actionsOrientation: 'Horizontal',
    actionAlignment: 'Left',
  },
  adaptiveCard: { allowCustomStyle: false },
  factSet: {
    title: { size: 'Default', color: 'Default', weight: 'Bolder', wrap: true, maxWidth: 160 },
    value: { size: 'Default', color: 'Default', weight: 'Default', wrap: true },
    spacing: 16,
  },
  inputs: {
    label: {
      inputSpacing: 'Small',
      requiredInputs: { weight: 'Default', suffix: ' *', suffixColor: 'Attention' },
      optionalInputs: { weight: 'Default' },
    },
    errorMessage: { size: 'Small', color: 'Attention' },
  },
  textBlock: { headingLevel: 2 },
};

/** The page around a card: a Teams chat background, a message bubble, Teams-like buttons. */
const PAGE_HTML = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<style>
  body { margin: 0; padding: 16px; background: #F5F5F5; font-family: ${HOST_CONFIG.fontFamily}; }
  #bubble { width: ${CARD_WIDTH}px; background: #FFFFFF; border: 1px solid #E0E0E0;
    border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,0.12); overflow: hidden; }
  #bubble .ac-adaptiveCard:focus { outline: none; }
  #bubble .ac-textBlock a { color: #5B5FC7; text-decoration: none; }
  #bubble .ac-textBlock ul, #bubble .ac-textBlock ol { padding-left: 20px; margin: 0; }
  #bubble .ac-pushButton { font-family: inherit; font-size: 14px; font-weight: 600;
    min-height: 32px; padding: 4px 12px; border-radius: 4px; border: 1px solid #D1D1D1;
    background: #FFFFFF; color: #242424; white-space: normal; overflow: visible;
    text-overflow: clip; }
  #bubble .ac-pushButton.style-positive { background: #5B5FC7; color: #FFFFFF;
    border-color: #5B5FC7; }
  #bubble .ac-input { font-family: inherit; font-size: 14px; color: #242424; }
  #bubble .ac-input.ac-textInput { border: 1px solid #D1D1D1; border-bottom-color: #616161;
    border-radius: 4px; padding: 6px 8px; box-sizing: border-box; }
  #bubble .ac-input.ac-textInput.ac-multiline { height: 64px; min-height: 64px; }
</style>
</head>
<body><div id="bubble"></div></body>
</html>`;

/** Runs in the page: draws one card into #bubble and returns the renderer's warnings. */
const PAGE_SCRIPT = `
window.drawCard = function (card, hostConfig) {
  var AC = window.AdaptiveCards;
  var md = window.markdownit ? window.markdownit({ html: false, linkify: false, breaks: false }) : null;
  AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
    if (!md) return;
    result.outputHtml = md.render(text);
    result.didProcess = true;
  };
  var warnings = [];
  var adaptiveCard = new AC.AdaptiveCard();
  adaptiveCard.hostConfig = new AC.HostConfig(hostConfig);
  var context = new AC.SerializationContext();
  // Teams-only elements (charts and the like) are not in this renderer: the card's fallback is
  // drawn instead, or the element is dropped, and either way the warning is reported.
  adaptiveCard.parse(card, context);
  for (var i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
  var element = adaptiveCard.render();
  if (!element) throw new Error('the renderer returned nothing');
  var bubble = document.getElementById('bubble');
  bubble.replaceChildren(element);
  return { warnings: warnings, markdown: !!md };
};
`;

interface Picture {
  file: string;
  template: string;
  data: object;
}

/** Every template with its sample, then the extra states worth showing. */
function pictures(): Picture[] {
  const templates = readdirSync(CARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
  const missing = templates.filter((t) => !(t in SAMPLES));
  if (missing.length > 0) {
    throw new Error(
      `No sample view model for ${missing.join(', ')} (test/support/card-samples.ts)`,
    );
  }
  return [
    ...templates.map((template) => ({
      file: `${template}.png`,
      template,
      data: SAMPLES[template] ?? {},
    })),
    { file: 'checklist-pcn.png', template: 'checklist', data: samplePcnCard() },
    { file: 'checklist-icb-area-2.png', template: 'checklist', data: sampleIcbAreaCard('2') },
    { file: 'overview-pcn-12-practices.png', template: 'overview', data: samplePcnOverview(12) },
  ];
}

async function draw(page: Page, picture: Picture): Promise<string[]> {
  const card = renderCard(picture.template, picture.data);
  const result = await page.evaluate(
    // A string, not a function: tsx's helpers in a compiled function would not exist in the page.
    `window.drawCard(${JSON.stringify(card)}, ${JSON.stringify(HOST_CONFIG)})`,
  );
  const { warnings } = result as { warnings: string[] };
  await page.evaluate('document.fonts.ready');
  await page.locator('#bubble').screenshot({ path: path.join(OUT_DIR, picture.file) });
  return warnings;
}

/** Warns when no installed font has ⛔ (U+26D4): it would be drawn as an empty box. */
function checkEmojiFont(): void {
  try {
    const fonts = execFileSync('fc-list', [':charset=26d4', 'family'], { encoding: 'utf8' });
    if (fonts.trim() === '') {
      process.stderr.write(
        'No font has ⛔: install an emoji font (Debian: apt-get install fonts-noto-color-emoji).\n',
      );
    }
  } catch {
    // No fontconfig (not Linux): the system's own fonts decide.
  }
}

async function main(): Promise<void> {
  checkEmojiFont();
  mkdirSync(OUT_DIR, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({
      viewport: { width: CARD_WIDTH + 64, height: 900 },
      deviceScaleFactor: SCALE,
      locale: 'en-GB',
    });
    await page.setContent(PAGE_HTML);
    const acDist = path.dirname(require.resolve('adaptivecards/dist/adaptivecards.js'));
    await page.addStyleTag({ path: path.join(acDist, 'adaptivecards.css') });
    await page.addScriptTag({ path: path.join(acDist, 'adaptivecards.min.js') });
    let markdownIt: string | undefined;
    try {
      markdownIt = require.resolve('markdown-it/browser');
    } catch {
      process.stderr.write('markdown-it is not installed: markdown is shown as plain text.\n');
    }
    if (markdownIt) await page.addScriptTag({ path: markdownIt });
    await page.addScriptTag({ content: PAGE_SCRIPT });

    for (const picture of pictures()) {
      const warnings = await draw(page, picture);
      process.stdout.write(`docs/cards/${picture.file}  (${picture.template})\n`);
      for (const warning of warnings) process.stdout.write(`  renderer warning: ${warning}\n`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
