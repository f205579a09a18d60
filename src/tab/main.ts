// The dashboard tab's entry point: finds its host (Teams or a browser), applies the theme, then
// draws the screen the address asks for.
import { ApiProblem, getJson, useTokens } from './api';
import { h } from './dom';
import { renderAttention } from './screens/attention';
import { renderConfigPage } from './screens/config-page';
import { orgRoute, renderDashboard } from './screens/dashboard';
import { renderHome } from './screens/home';
import { renderItem } from './screens/item';
import { connectToHost, getSsoToken, onThemeChange, type Theme } from './teams-host';
import type { Me } from './types';

const meta = (name: string) =>
  document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';

function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
}

// Outside Teams the browser's preference decides, or ?theme= (for trying each theme locally).
function browserTheme(): Theme {
  const asked = new URLSearchParams(location.search).get('theme');
  if (asked === 'dark' || asked === 'contrast' || asked === 'default') return asked;
  if (matchMedia('(forced-colors: active)').matches) return 'contrast';
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'default';
}

async function start(): Promise<void> {
  const main = document.getElementById('main') as HTMLElement;
  const banner = document.getElementById('banner') as HTMLElement;
  const mode = meta('arb-mode');
  const host = await connectToHost(browserTheme());
  applyTheme(host.theme);
  if (host.inTeams) {
    onThemeChange(applyTheme);
    useTokens(getSsoToken);
  } else if (mode !== 'local') {
    // Production, outside Teams: there is no sign-in here, so say where it works.
    const appLink = `https://teams.microsoft.com/l/app/${encodeURIComponent(meta('arb-teams-app-id'))}`;
    main.replaceChildren(
      h('h1', {}, 'Open this in Microsoft Teams'),
      h(
        'p',
        {},
        'The Access Recovery dashboard works inside Teams, where it knows who you are. Open it from the app in Teams, or from a digest’s “Full detail” button.',
      ),
      h('p', {}, h('a', { href: appLink, target: '_top' }, 'Open Access Recovery in Teams')),
    );
    main.setAttribute('aria-busy', 'false');
    return;
  }
  let me: Me;
  try {
    me = await getJson<Me>('/api/v1/me');
  } catch (error) {
    main.replaceChildren(
      h('h1', {}, 'The dashboard could not start'),
      h('p', { role: 'alert' }, error instanceof Error ? error.message : String(error)),
    );
    main.setAttribute('aria-busy', 'false');
    return;
  }
  if (me.user.development)
    banner.replaceChildren(
      h('strong', {}, 'Development identity. '),
      'This is local mode, outside Teams: you are “',
      me.user.name,
      '” with the demo roles, and nothing here is real data. In Teams, the tab signs you in.',
    );
  banner.hidden = !me.user.development;

  if (document.body.dataset['page'] === 'config') {
    renderConfigPage(main, me, host.inTeams);
    main.setAttribute('aria-busy', 'false');
    return;
  }
  if (!location.hash) {
    const start = host.subPageId || new URLSearchParams(location.search).get('org');
    if (start)
      history.replaceState(null, '', `${location.pathname}${location.search}${orgRoute(start)}`);
  }
  const draw = async () => {
    main.setAttribute('aria-busy', 'true');
    const [path = '', queryText = ''] = location.hash.replace(/^#/, '').split('?');
    const query = new URLSearchParams(queryText);
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const campaign = query.get('campaign') ?? undefined;
    try {
      if (parts[0] === 'org' && parts[1] && (parts[2] === 'overdue' || parts[2] === 'blocked'))
        await renderAttention(main, parts[1], campaign, parts[2]);
      else if (parts[0] === 'org' && parts[1]) await renderDashboard(main, parts[1], campaign);
      else if (parts[0] === 'item' && parts[1] && parts[2] && parts[3])
        await renderItem(main, parts[1], parts[2], parts[3]);
      else renderHome(main, me);
    } catch (error) {
      main.replaceChildren(
        h(
          'h1',
          {},
          error instanceof ApiProblem && error.status === 403
            ? 'Not yours to see'
            : 'This page could not be shown',
        ),
        h('p', { role: 'alert' }, error instanceof Error ? error.message : String(error)),
        h('p', {}, h('a', { href: '#/' }, 'Back to my organisations')),
      );
    }
    main.setAttribute('aria-busy', 'false');
    // Move focus to the new heading, so keyboard and screen-reader users start at the top.
    const heading = main.querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
    document.title = `${heading?.textContent ?? 'Dashboard'} — Access Recovery`;
  };
  window.addEventListener('hashchange', () => void draw());
  await draw();
}

void start();
