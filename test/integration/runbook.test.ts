// Every `npm …` command in the runbook (docs/deployment.md and docs/operations.md) exists: each npm
// script, each admin subcommand and each option given to it. The ones that can run here (no Azure)
// are run: the build once, the Teams app package with the runbook's own `export` lines, and the
// admin CLI's help.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { runAdmin } from '../../src/cli/admin';
import { READ_SETTINGS } from '../../src/config/load-config';

const ROOT = path.resolve(__dirname, '../..');
const RUNBOOK_PAGES = ['docs/deployment.md', 'docs/operations.md'];
// npm's own commands the runbook names (not scripts in package.json).
const NPM_COMMANDS = ['ci', 'install', 'prune', 'audit'];

// markdown-it ships no types; these are the parts of a token this test reads.
interface MarkdownToken {
  type: string;
  info: string;
  content: string;
  children: MarkdownToken[] | null;
}
const MarkdownIt = require('markdown-it') as new () => {
  parse(text: string, env: object): MarkdownToken[];
};

interface RunbookCommand {
  page: string;
  text: string;
  words: string[];
}

/** The shell lines of a page's code blocks and its inline code, continuation lines joined. */
function readShellLines(page: string): string[] {
  const tokens = new MarkdownIt().parse(readFileSync(path.join(ROOT, page), 'utf8'), {});
  const lines: string[] = [];
  const visit = (list: readonly MarkdownToken[]) => {
    for (const token of list) {
      if (token.type === 'fence' && /^(sh|bash|shell)?$/.test(token.info.trim()))
        lines.push(...token.content.replace(/\\\n\s*/g, ' ').split('\n'));
      if (token.type === 'code_inline') lines.push(token.content);
      if (token.children) visit(token.children);
    }
  };
  visit(tokens);
  return lines.map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l !== '');
}

/** Splits a command into words, keeping quoted strings whole (quotes removed). */
function splitWords(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Every `npm …` command on the runbook pages, one per `&&`, `;`, `|` or subshell part. */
function listNpmCommands(): RunbookCommand[] {
  return RUNBOOK_PAGES.flatMap((page) =>
    readShellLines(page)
      .flatMap((line) => line.split(/&&|;|\|\||\||\(|\)/))
      .map((part) => part.trim())
      .filter((part) => /^npm\s/.test(part))
      .map((text) => ({ page, text, words: splitWords(text) })),
  );
}

/** Runs the admin CLI in-process and returns its exit code and output. */
async function runAdminHere(argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await runAdmin(
    argv,
    {},
    { out: (l) => out.push(l), err: (l) => out.push(l), interactive: false },
  );
  return { code, out: out.join('\n') };
}

/** Runs an npm script in a child process, with `env` and none of the service's settings inherited. */
function runNpm(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  for (const name of READ_SETTINGS) delete base[name];
  return spawnSync('npm', args, {
    cwd: ROOT,
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
}

describe('the runbook (docs/deployment.md, docs/operations.md)', function () {
  this.timeout(300_000);
  const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const commands = listNpmCommands();

  it('gives the first deployment, upgrade, backup, rotation and alert steps', () => {
    const page = readFileSync(path.join(ROOT, 'docs/deployment.md'), 'utf8');
    for (const heading of [
      '## First deployment',
      '## Upgrades without downtime',
      '## Backup and restore',
      '## Rotating secrets',
      '## Alerts worth setting',
    ])
      assert.ok(page.includes(`\n${heading}\n`), heading);
    assert.ok(page.includes('--template-file infra/main.json'), 'deploys infra/main.json');
    assert.ok(commands.length >= 15, `found only ${commands.length} npm commands`);
  });

  it('uses only npm scripts that exist', () => {
    const missing = commands.filter(({ words }) => {
      const [, verb, script] = words;
      if (verb === 'run') return !packageJson.scripts[script ?? ''];
      return !NPM_COMMANDS.includes(verb ?? '') && !packageJson.scripts[verb ?? ''];
    });
    assert.deepEqual(
      missing.map((c) => `${c.page}: ${c.text}`),
      [],
    );
  });

  it('uses only admin subcommands and options that exist', async () => {
    const admin = commands.filter((c) => c.words[1] === 'run' && c.words[2] === 'admin');
    assert.ok(admin.length >= 10, `found only ${admin.length} admin commands`);
    const problems: string[] = [];
    for (const { page, text, words } of admin) {
      const args = words.slice(words.indexOf('--') + 1);
      const subcommand = args[0]?.startsWith('-') ? undefined : args[0];
      const help = await runAdminHere(subcommand ? [subcommand, '--help'] : ['--help']);
      if (help.code !== 0 || (subcommand && !help.out.includes(`Usage: admin ${subcommand}`))) {
        problems.push(`${page}: ${text}: no such admin command`);
        continue;
      }
      for (const option of args.filter((a) => a.startsWith('--')))
        if (!new RegExp(`(^|[\\s,])${option}\\b`).test(help.out))
          problems.push(`${page}: ${text}: ${subcommand ?? 'admin'} has no ${option}`);
    }
    assert.deepEqual(problems, []);
  });

  it('runs npm run build, then npm run admin -- --help and npm run package from it', () => {
    const build = runNpm(['run', '-s', 'build']);
    assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
    assert.ok(existsSync(path.join(ROOT, 'dist/src/main.js')), 'the start command runs this');

    const help = runNpm(['run', '-s', 'admin', '--', '--help']);
    assert.equal(help.status, 0, help.stderr);
    const used = new Set(
      commands
        .filter((c) => c.words[2] === 'admin')
        .map((c) => c.words[c.words.indexOf('--') + 1])
        .filter((s) => s && !s.startsWith('-')),
    );
    for (const subcommand of used) assert.match(help.stdout, new RegExp(`\\n  ${subcommand} `));

    // The Teams package is built with the runbook's own `export` lines (step 4), with sample
    // values where the runbook reads them from Azure.
    const env = readRunbookExports();
    const started = Date.now();
    const pack = runNpm(['run', '-s', 'package'], env);
    assert.equal(pack.status, 0, `npm run package failed:\n${pack.stdout}\n${pack.stderr}`);
    const zip = path.join(ROOT, 'build/appPackage.zip');
    assert.ok(statSync(zip).mtimeMs >= started - 1_000, 'build/appPackage.zip was written');
    assert.match(pack.stdout, new RegExp(`bot id ${env['MicrosoftAppId']}`));
    assert.doesNotMatch(`${pack.stdout}${pack.stderr}`, /Warning/);
  });
});

// What the runbook's `$(…)` values are in a real deployment, as sample values.
const SAMPLE_VALUES: Record<string, string> = {
  MicrosoftAppId: '0c3a1f52-8d9e-4b7a-9f10-2e6c4d8b1a77',
  MicrosoftAppTenantId: '5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b',
  STORAGE_ACCOUNT_URL: 'https://arbstexample.table.core.windows.net',
  TEAMS_APP_ID: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
  TAB_PUBLIC_URL: 'https://arb-example.azurewebsites.net',
};

/** The environment the runbook's `export NAME=value …` lines set, `$(…)` replaced by samples. */
function readRunbookExports(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readShellLines('docs/deployment.md').filter((l) => l.startsWith('export '))) {
    // NAME=value pairs; a value may hold quoted $(…) with quotes inside, so it runs to the next NAME=.
    const names = [...line.matchAll(/(?:^export|\s)(\w+)=/g)];
    names.forEach((m, i) => {
      const name = m[1]!;
      const value = line.slice(m.index + m[0].length, names[i + 1]?.index ?? line.length).trim();
      const computed = value.includes('$');
      assert.ok(!computed || SAMPLE_VALUES[name], `no sample value for ${name}=${value}`);
      env[name] = computed ? SAMPLE_VALUES[name]! : value.replace(/^(["'])(.*)\1$/, '$2');
    });
  }
  return env;
}
