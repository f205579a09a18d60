// The one module that talks to @microsoft/teams-js: everything else asks it for the host, the
// token, the theme and the configuration page, so the rest of the tab runs the same in Teams and in
// a browser (local mode), and a test can stand in for Teams here alone.
import { app, authentication, pages } from '@microsoft/teams-js';

/** The tab's themes, as Teams names them. */
export type Theme = 'default' | 'dark' | 'contrast';

/** What the tab knows of where it runs. */
export interface Host {
  /** True inside a Teams (or Outlook, Microsoft 365) host. */
  inTeams: boolean;
  theme: Theme;
  /** The organisation the tab was opened at, from a deep link's subPageId. */
  subPageId?: string;
  /** 'settings' on a configurable tab's configuration page. */
  frameContext?: string;
}

// Outside a host, initialize rejects at once ("No Parent window found"); in a frame whose parent
// never answers it would wait a minute, so give up sooner and show the outside view.
const INITIALIZE_TIMEOUT_MS = 5_000;

function readTheme(value: string | undefined): Theme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}

/** Connects to the Teams host, or says it is not in one (the caller then shows the outside view). */
export async function connectToHost(fallbackTheme: Theme): Promise<Host> {
  if (window.parent === window && !window.opener)
    // Not framed: certainly not in Teams; skip teams-js's own wait.
    return { inTeams: false, theme: fallbackTheme };
  try {
    await Promise.race([
      app.initialize(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('timeout')), INITIALIZE_TIMEOUT_MS),
      ),
    ]);
  } catch {
    return { inTeams: false, theme: fallbackTheme };
  }
  const context = await app.getContext();
  app.notifySuccess();
  const host: Host = { inTeams: true, theme: readTheme(context.app.theme) };
  if (context.page.subPageId) host.subPageId = context.page.subPageId;
  if (context.page.frameContext) host.frameContext = String(context.page.frameContext);
  return host;
}

/** Calls `handler` when the person switches the Teams theme. */
export function onThemeChange(handler: (theme: Theme) => void): void {
  app.registerOnThemeChangeHandler((theme) => handler(readTheme(theme)));
}

/** The Teams SSO token for the tab's API (cached and refreshed by Teams itself). */
export function getSsoToken(): Promise<string> {
  return authentication.getAuthToken();
}

/**
 * Drives a configurable tab's configuration page: Save is enabled once `isValid()` says so, and
 * saving stores the tab's content and website addresses (both on a valid domain, or Teams says
 * "We couldn't save your tab settings").
 */
export function configureTab(options: {
  contentUrl: () => string;
  entityId: () => string;
  displayName: () => string;
}): { setValid(valid: boolean): void } {
  pages.config.registerOnSaveHandler((saveEvent) => {
    pages.config
      .setConfig({
        contentUrl: options.contentUrl(),
        websiteUrl: options.contentUrl(),
        entityId: options.entityId(),
        suggestedDisplayName: options.displayName(),
      })
      .then(
        () => saveEvent.notifySuccess(),
        (error: unknown) => saveEvent.notifyFailure(String(error)),
      );
  });
  return { setValid: (valid) => pages.config.setValidityState(valid) };
}

/**
 * A Teams deep link that opens the app's static tab at an organisation (`subPageId`), for
 * "copy a link to this page".
 */
export function deepLinkTo(appId: string, entityId: string, orgCode: string): string {
  const context = encodeURIComponent(JSON.stringify({ subEntityId: orgCode }));
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(appId)}/${encodeURIComponent(entityId)}?context=${context}`;
}
