import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import { PROJECT_ROOT } from '../paths';

/** Where `npm run build:tab` writes the tab, and where the server reads it from. */
export const TAB_DIR = path.join(PROJECT_ROOT, 'dist', 'tab');

/**
 * Who may frame the tab: Teams on the web and desktop, and the Microsoft 365 and Outlook hosts
 * that run Teams apps (the hosts Microsoft lists for tabs). Nobody else, not even this origin.
 */
export const FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://*.microsoft365.com',
];

/** The tab's content security policy: its own files only, framed only by Teams and Office. */
export const TAB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // teams-js reads Microsoft's list of valid host origins from its CDN when it loads.
  "connect-src 'self' https://res.cdn.office.net",
  "base-uri 'none'",
  "form-action 'self'",
  `frame-ancestors ${FRAME_ANCESTORS.join(' ')}`,
].join('; ');

const ASSET = /^[A-Za-z0-9_-]+\.(js|css|txt)$/;
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/**
 * Serves the built tab at /tab/ (the content page), /tab/config (the configuration page) and
 * /tab/assets/<hashed name> (cached for a year: a new build has new names). The pages are never
 * cached, so a deployment is picked up at once.
 */
export function registerTabFiles(
  server: Server,
  options: { dir?: string; mode: 'local' | 'production'; teamsAppId: string },
): void {
  const dir = options.dir ?? TAB_DIR;
  const security = {
    'content-security-policy': TAB_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  const readPage = (name: string): string | undefined => {
    const file = path.join(dir, name);
    if (!existsSync(file)) return undefined;
    return readFileSync(file, 'utf8')
      .replace('{{MODE}}', options.mode)
      .replace('{{TEAMS_APP_ID}}', options.teamsAppId);
  };
  // Read once at start: the pages only change with a new build, which comes with a restart.
  const pages = { tab: readPage('index.html'), config: readPage('config.html') };
  const sendPage = (which: keyof typeof pages) => async (_req: Request, res: Response) => {
    const html = pages[which];
    if (!html) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...security });
      res.end('The dashboard tab has not been built. Run `npm run build:tab`, then restart.');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      ...security,
    });
    res.end(html);
  };
  server.get('/tab', async (_req: Request, res: Response) => {
    res.writeHead(308, { location: '/tab/' });
    res.end();
  });
  server.get('/tab/', sendPage('tab'));
  server.get('/tab/config', sendPage('config'));
  server.get('/tab/assets/:file', async (req: Request, res: Response) => {
    const file = String((req.params as Record<string, unknown>)['file'] ?? '');
    const kind = ASSET.exec(file)?.[1];
    const body = kind
      ? await readFile(path.join(dir, 'assets', file)).catch(() => undefined)
      : undefined;
    if (!kind || !body) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...security });
      res.end('Not found.');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[kind] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=31536000, immutable',
      ...security,
    });
    res.end(body);
  });
}
