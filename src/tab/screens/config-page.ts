import { configureTab } from '../teams-host';
import { h } from '../dom';
import type { Me } from '../types';

/**
 * The configurable tab's configuration page: pick the organisation the channel's tab shows.
 * Save stays disabled until one is chosen; the saved address is this service's own /tab/.
 */
export function renderConfigPage(main: HTMLElement, me: Me, inTeams: boolean): void {
  const select = h(
    'select',
    { id: 'org', required: true },
    h('option', { value: '' }, 'Choose an organisation'),
    ...me.organisations.map((o) => h('option', { value: o.code }, `${o.name} (${o.code})`)),
  );
  const chosenName = () => select.selectedOptions[0]?.textContent ?? 'Access Recovery';
  const page = inTeams
    ? configureTab({
        contentUrl: () => `${location.origin}/tab/?org=${encodeURIComponent(select.value)}`,
        entityId: () => `dashboard-${select.value}`,
        displayName: () => `Access Recovery: ${chosenName().replace(/ \([A-Z0-9]+\)$/, '')}`,
      })
    : undefined;
  select.addEventListener('change', () => page?.setValid(select.value !== ''));
  main.replaceChildren(
    h('h1', {}, 'Add the Access Recovery dashboard'),
    h(
      'p',
      {},
      'Choose the organisation this tab shows. People see it only if a role of theirs reaches it.',
    ),
    h('label', { for: 'org' }, 'Organisation'),
    select,
  );
  if (me.organisations.length === 0)
    main.append(
      h(
        'p',
        {},
        'You have no role over any organisation, so there is nothing to choose. Ask your ICB’s administrator for a role first.',
      ),
    );
}
