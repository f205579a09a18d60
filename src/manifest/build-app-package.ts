// This module imports devDependencies (@microsoft/app-manifest, adm-zip, pngjs). That is safe only
// because nothing on the server's runtime path imports it: scripts/package-app.ts and the unit
// tests are its only users. Keep it that way, or a production install (without devDependencies)
// would fail to start.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import AdmZip from 'adm-zip';
import { PNG } from 'pngjs';
import { COMMANDS, type CommandDoc } from '../bot/commands';
import { PROJECT_ROOT } from '../paths';

/** Where the manifest template and its icons live. */
export const MANIFEST_DIR = path.join(PROJECT_ROOT, 'manifest');

/** Where `npm run package` writes appPackage.zip. */
export const BUILD_DIR = path.join(PROJECT_ROOT, 'build');

/** The bot id used when there is no bot identity (local mode); Teams will not accept it. */
export const LOCAL_BOT_ID = '00000000-0000-0000-0000-000000000000';

/** The host the tab is served from when TAB_PUBLIC_URL is not set (a local package only). */
export const LOCAL_TAB_HOST = 'localhost:3978';

/** The ids that replace the manifest's {{TEAMS_APP_ID}}, {{BOT_ID}} and {{TAB_HOST}} placeholders. */
export interface ManifestIds {
  teamsAppId: string;
  botId: string;
  /** Host (and port, if any) of TAB_PUBLIC_URL: the tab's pages and the SSO resource live there. */
  tabHost?: string;
}

/** What to package, and where to write it. */
export interface BuildAppPackageOptions extends ManifestIds {
  /** Folder holding manifest.json and the icons it names; defaults to manifest/. */
  sourceDir?: string;
  /** Folder to write appPackage.zip into; defaults to build/. */
  outDir?: string;
}

/** Where the package goes, and why it was not written (`problems` is empty on success). */
export interface BuildAppPackageResult {
  zipPath: string;
  problems: string[];
}

/** The icon sizes Teams requires; other sizes are rejected when the app is uploaded. */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

type IconKind = keyof typeof ICON_SIZES;
type ManifestSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
// The official URL, with or without a locale segment such as en-us/.
const SCHEMA_URL =
  /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/v(\d+\.\d+)\/MicrosoftTeams\.schema\.json$/i;

/** Replaces {{TEAMS_APP_ID}} and {{BOT_ID}} in the manifest template text; others are left as is. */
export function fillManifest(template: string, ids: ManifestIds): string {
  const values: Record<string, string> = {
    TEAMS_APP_ID: ids.teamsAppId,
    BOT_ID: ids.botId,
    TAB_HOST: ids.tabHost ?? LOCAL_TAB_HOST,
  };
  return template.replace(PLACEHOLDER, (match, name: string) => {
    const value = values[name];
    // JSON-escape so an odd value yields a schema error rather than a broken JSON file.
    return value === undefined ? match : JSON.stringify(value).slice(1, -1);
  });
}

/** Lists the {{NAME}} placeholders still present in manifest text. */
export function findPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[0]))];
}

/** Reads a PNG's width and height from its header; throws if the bytes are not a PNG. */
export function readPngSize(png: Buffer): { width: number; height: number } {
  // Signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4), height (4).
  if (
    png.length < 24 ||
    !png.subarray(0, 8).equals(PNG_SIGNATURE) ||
    png.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    throw new Error('not a PNG file');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Checks a manifest against the official Teams JSON schema for its manifestVersion. The schema is
 * read from the copy bundled in @microsoft/app-manifest and passed in explicitly, because the
 * library otherwise falls back to downloading it, and packaging must work offline.
 */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  if (!isRecord(manifest)) return ['manifest.json: must be a JSON object'];
  const version = manifest['manifestVersion'];
  if (typeof version !== 'string' || !/^\d+\.\d+$/.test(version)) {
    return ['manifest.json: manifestVersion must be a version such as "1.30"'];
  }
  const problems: string[] = [];
  const schemaUrl = manifest['$schema'];
  const urlVersion = typeof schemaUrl === 'string' ? SCHEMA_URL.exec(schemaUrl)?.[1] : undefined;
  // The schema does not tie $schema to manifestVersion, so bumping one but not the other would
  // otherwise go unnoticed until Teams rejects the upload.
  if (urlVersion !== version) {
    problems.push(
      `manifest.json: $schema must be https://developer.microsoft.com/en-us/json-schemas/teams/v${version}/MicrosoftTeams.schema.json to match manifestVersion ${version}`,
    );
  }
  const schemaFile = path.join(bundledSchemaDir(), `v${version}`, 'MicrosoftTeams.schema.json');
  if (!existsSync(schemaFile)) {
    return [
      ...problems,
      `manifest.json: @microsoft/app-manifest has no bundled schema for manifestVersion ${version}; use a version it bundles or upgrade it`,
    ];
  }
  const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as ManifestSchema;
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as AppManifest, schema);
  return [...problems, ...errors.map(describeSchemaError)];
}

/** Checks that each of the bot's scopes has one command list showing exactly `commands`, in order. */
export function checkCommandLists(manifest: unknown, commands: readonly CommandDoc[]): string[] {
  const bot = isRecord(manifest) && Array.isArray(manifest['bots']) ? manifest['bots'][0] : null;
  if (!isRecord(bot)) return ['manifest.json: bots[0] is missing'];
  const scopes = Array.isArray(bot['scopes']) ? bot['scopes'] : [];
  const lists = Array.isArray(bot['commandLists']) ? bot['commandLists'].filter(isRecord) : [];
  const problems: string[] = [];
  for (const scope of scopes) {
    const expected = JSON.stringify(
      commands
        .filter((c) => c.scopes.includes(scope as never) && c.suggested !== false)
        .map((c) => ({ title: c.name, description: c.summary })),
    );
    const matching = lists.filter((l) => Array.isArray(l['scopes']) && l['scopes'].includes(scope));
    if (matching.length !== 1) {
      problems.push(
        `manifest.json: bots[0].commandLists needs exactly one list for scope "${scope}" (found ${matching.length})`,
      );
    } else if (JSON.stringify(matching[0]?.['commands']) !== expected) {
      problems.push(
        `manifest.json: the "${scope}" command list differs from COMMANDS in src/bot/commands.ts; list each command of that scope there as {"title": name, "description": summary}, in the same order`,
      );
    }
  }
  return problems;
}

/**
 * Checks what the schema cannot: every tab page is https on a valid domain (or Teams says "We
 * couldn't save your tab settings"), and SSO's resource is api://<that domain>/botid-<bot id>.
 */
export function checkTabs(manifest: unknown): string[] {
  if (!isRecord(manifest)) return [];
  const domains = Array.isArray(manifest['validDomains']) ? manifest['validDomains'] : [];
  const problems: string[] = [];
  const urls: [string, unknown][] = [];
  const statics = Array.isArray(manifest['staticTabs']) ? manifest['staticTabs'] : [];
  statics.filter(isRecord).forEach((tab, i) => {
    for (const key of ['contentUrl', 'websiteUrl'])
      if (tab[key] !== undefined) urls.push([`staticTabs[${i}].${key}`, tab[key]]);
  });
  const configurable = Array.isArray(manifest['configurableTabs'])
    ? manifest['configurableTabs']
    : [];
  configurable
    .filter(isRecord)
    .forEach((tab, i) =>
      urls.push([`configurableTabs[${i}].configurationUrl`, tab['configurationUrl']]),
    );
  for (const [where, url] of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(String(url));
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.protocol !== 'https:')
      problems.push(`manifest.json: ${where} must be an https:// address`);
    else if (!domains.includes(parsed.host))
      problems.push(`manifest.json: ${where} is on ${parsed.host}, which is not in validDomains`);
  }
  const sso = manifest['webApplicationInfo'];
  const botId =
    Array.isArray(manifest['bots']) && isRecord(manifest['bots'][0])
      ? manifest['bots'][0]['botId']
      : undefined;
  if (urls.length > 0) {
    if (!isRecord(sso))
      problems.push('manifest.json: webApplicationInfo is needed for the tab’s single sign-on');
    else {
      if (sso['id'] !== botId)
        problems.push('manifest.json: webApplicationInfo.id must be the bot’s app id');
      if (!domains.some((d) => sso['resource'] === `api://${d}/botid-${String(botId)}`))
        problems.push(
          'manifest.json: webApplicationInfo.resource must be api://<a valid domain>/botid-<bot id>',
        );
    }
  }
  return problems;
}

/** Checks the icons are PNGs of the sizes Teams requires and the outline is white on transparent. */
export function checkIcons(icons: Record<IconKind, Buffer>): string[] {
  const problems: string[] = [];
  for (const kind of ['color', 'outline'] as const) {
    const want = ICON_SIZES[kind];
    try {
      const { width, height } = readPngSize(icons[kind]);
      if (width !== want || height !== want) {
        problems.push(`${kind} icon: must be ${want}×${want} pixels, but is ${width}×${height}`);
      }
    } catch (err: unknown) {
      problems.push(`${kind} icon: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (problems.some((p) => p.startsWith('outline icon'))) return problems;
  let outline: PNG;
  try {
    outline = PNG.sync.read(icons.outline);
  } catch (err: unknown) {
    return [...problems, `outline icon: cannot be decoded (${String(err)})`];
  }
  let coloured = 0;
  let visible = 0;
  for (let i = 0; i < outline.data.length; i += 4) {
    if (outline.data[i + 3] === 0) continue;
    visible++;
    if (outline.data[i] !== 255 || outline.data[i + 1] !== 255 || outline.data[i + 2] !== 255) {
      coloured++;
    }
  }
  // Teams recolours the outline icon for its themes, which only works for pure white shapes.
  if (coloured > 0) {
    problems.push(
      `outline icon: must be white (#FFFFFF) on full transparency, but ${coloured} ${coloured === 1 ? 'pixel has' : 'pixels have'} another colour`,
    );
  }
  if (visible === 0) problems.push('outline icon: is fully transparent, so it would not show');
  return problems;
}

/**
 * Fills the manifest template with the ids, validates it and its icons, and writes the app package
 * (manifest.json and the two icons at the zip's root). Writes nothing if there are problems.
 */
export async function buildAppPackage(
  options: BuildAppPackageOptions,
): Promise<BuildAppPackageResult> {
  const sourceDir = options.sourceDir ?? MANIFEST_DIR;
  const zipPath = path.join(options.outDir ?? BUILD_DIR, 'appPackage.zip');
  const text = fillManifest(await readFile(path.join(sourceDir, 'manifest.json'), 'utf8'), options);

  const leftover = findPlaceholders(text);
  if (leftover.length > 0) {
    return {
      zipPath,
      problems: [`manifest.json: unknown placeholder(s) ${leftover.join(', ')}`],
    };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (err: unknown) {
    return { zipPath, problems: [`manifest.json: not valid JSON (${String(err)})`] };
  }

  const problems = [
    ...(await validateManifest(manifest)),
    ...checkCommandLists(manifest, COMMANDS),
    ...checkTabs(manifest),
  ];
  const icons = await readIcons(manifest, sourceDir, problems);
  if (icons) problems.push(...checkIcons(icons.buffers));
  if (problems.length > 0 || !icons) return { zipPath, problems };

  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(text, 'utf8'));
  for (const kind of ['color', 'outline'] as const) {
    zip.addFile(icons.names[kind], icons.buffers[kind]);
  }
  await mkdir(path.dirname(zipPath), { recursive: true });
  await writeFile(zipPath, zip.toBuffer());
  return { zipPath, problems };
}

/** Reads the icon files the manifest names, adding a problem for each that cannot be packaged. */
async function readIcons(
  manifest: unknown,
  sourceDir: string,
  problems: string[],
): Promise<{ names: Record<IconKind, string>; buffers: Record<IconKind, Buffer> } | undefined> {
  const declared = isRecord(manifest) && isRecord(manifest['icons']) ? manifest['icons'] : {};
  const names: Partial<Record<IconKind, string>> = {};
  const buffers: Partial<Record<IconKind, Buffer>> = {};
  for (const kind of ['color', 'outline'] as const) {
    const name = declared[kind];
    // Teams resolves icon paths inside the zip, and we put every file at the root.
    if (typeof name !== 'string' || name !== path.basename(name) || name.startsWith('.')) {
      problems.push(`manifest.json: icons.${kind} must be a file name such as ${kind}.png`);
      continue;
    }
    try {
      buffers[kind] = await readFile(path.join(sourceDir, name));
      names[kind] = name;
    } catch (err: unknown) {
      problems.push(`${kind} icon: cannot read ${name} in ${sourceDir} (${String(err)})`);
    }
  }
  if (!names.color || !names.outline || !buffers.color || !buffers.outline) return undefined;
  if (names.color === names.outline) {
    problems.push('manifest.json: icons.color and icons.outline must be different files');
    return undefined;
  }
  return {
    names: { color: names.color, outline: names.outline },
    buffers: { color: buffers.color, outline: buffers.outline },
  };
}

// The library formats each error as "<instancePath> <message>. Details: …", with an empty path
// for errors about the top-level object; say where the error is in the manifest's own terms.
function describeSchemaError(error: string): string {
  const space = error.indexOf(' ');
  const where = space > 0 ? error.slice(0, space) : '';
  return `manifest.json${where ? ` at ${where}` : ''}: ${error.slice(space + 1)}`;
}

function bundledSchemaDir(): string {
  // The package has no "exports" map, so its own files can be resolved from package.json.
  const packageRoot = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return path.join(packageRoot, 'build', 'json-schemas', 'teams');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
