/**
 * `npm run build:tab`: bundles the dashboard tab (src/tab) with esbuild into dist/tab: hashed,
 * minified JavaScript and CSS under assets/, and the two pages (the tab and its configuration
 * page) that name them. The server serves that folder at /tab/.
 */
import { mkdir, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../src/paths';
import { TAB_DIR } from '../src/http/serve-tab';

/** What a build wrote, with the sizes the budget is checked against. */
export interface TabBuild {
  outDir: string;
  script: string;
  style: string;
  jsBytes: number;
  jsGzipBytes: number;
  cssGzipBytes: number;
}

function page(kind: 'tab' | 'config', script: string, style: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="arb-mode" content="{{MODE}}">
<meta name="arb-teams-app-id" content="{{TEAMS_APP_ID}}">
<title>${kind === 'config' ? 'Set up the dashboard' : 'Dashboard'} — Access Recovery</title>
<link rel="stylesheet" href="assets/${style}">
<script defer src="assets/${script}"></script>
</head>
<body data-page="${kind}">
<a class="skip" href="#main">Skip to content</a>
<div id="banner" class="banner" role="note" hidden></div>
<main id="main" aria-busy="true" tabindex="-1"><p>Loading the dashboard…</p></main>
</body>
</html>
`;
}

/** Bundles the tab into `outDir` (dist/tab by default), replacing what was there. */
export async function buildTab(outDir = TAB_DIR): Promise<TabBuild> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(path.join(outDir, 'assets'), { recursive: true });
  await build({
    entryPoints: {
      tab: path.join(PROJECT_ROOT, 'src/tab/main.ts'),
      style: path.join(PROJECT_ROOT, 'src/tab/styles.css'),
    },
    outdir: path.join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'safari15'],
    platform: 'browser',
    legalComments: 'linked',
    sourcemap: false,
    logLevel: 'silent',
    tsconfig: path.join(PROJECT_ROOT, 'src/tab/tsconfig.json'),
  });
  const assets = await readdir(path.join(outDir, 'assets'));
  const script = assets.find((f) => /^tab-[\w]+\.js$/.test(f));
  const style = assets.find((f) => /^style-[\w]+\.css$/.test(f));
  if (!script || !style)
    throw new Error(`esbuild wrote ${assets.join(', ')}: no tab script or style`);
  await writeFile(path.join(outDir, 'index.html'), page('tab', script, style));
  await writeFile(path.join(outDir, 'config.html'), page('config', script, style));
  const js = await readFile(path.join(outDir, 'assets', script));
  const css = await readFile(path.join(outDir, 'assets', style));
  return {
    outDir,
    script,
    style,
    jsBytes: js.length,
    jsGzipBytes: gzipSync(js, { level: 9 }).length,
    cssGzipBytes: gzipSync(css, { level: 9 }).length,
  };
}

if (require.main === module) {
  buildTab().then(
    (b) =>
      console.log(
        `Wrote ${path.relative(process.cwd(), b.outDir)}: ${b.script} ${(b.jsGzipBytes / 1024).toFixed(1)} KB gzipped (${(b.jsBytes / 1024).toFixed(1)} KB), ${b.style} ${(b.cssGzipBytes / 1024).toFixed(1)} KB gzipped.`,
      ),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
