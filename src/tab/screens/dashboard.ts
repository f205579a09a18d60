import { getJson } from '../api';
import { barChart } from '../charts';
import { h } from '../dom';
import { formatDate, formatDateTime, LEVEL_LABELS } from '../format';
import type { Dashboard } from '../types';
import { exportButton, link, statusBadge, statusLine, table } from './common';

/** The route of an organisation's dashboard (and its lists), keeping the campaign chosen. */
export function orgRoute(code: string, campaignId?: string, view = ''): string {
  return `#/org/${encodeURIComponent(code)}${view ? `/${view}` : ''}${campaignId ? `?campaign=${encodeURIComponent(campaignId)}` : ''}`;
}

/** The breadcrumb from the person's organisations down to this one. */
export function breadcrumb(
  d: Pick<Dashboard, 'ancestors' | 'org'>,
  campaignId: string | undefined,
  current?: string,
): HTMLElement {
  return h(
    'nav',
    { 'aria-label': 'Where you are' },
    h(
      'ol',
      { class: 'crumbs' },
      h('li', {}, link('#/', 'My organisations')),
      ...d.ancestors.map((a) => h('li', {}, link(orgRoute(a.code, campaignId), a.shortName))),
      current
        ? [
            h('li', {}, link(orgRoute(d.org.code, campaignId), d.org.shortName)),
            h('li', { 'aria-current': 'page' }, current),
          ]
        : h('li', { 'aria-current': 'page' }, d.org.shortName),
    ),
  );
}

/** The dashboard of one organisation: completion by organisation and by area, and its own actions. */
export async function renderDashboard(
  main: HTMLElement,
  code: string,
  campaignId: string | undefined,
): Promise<void> {
  const query = campaignId ? `?campaign=${encodeURIComponent(campaignId)}` : '';
  const d = await getJson<Dashboard>(`/api/v1/orgs/${encodeURIComponent(code)}/dashboard${query}`);
  const chosen = d.campaign?.id;
  const status = statusLine();
  const exportPath = (view: string) =>
    `/api/v1/orgs/${encodeURIComponent(d.org.code)}/export.csv?view=${view}${chosen ? `&campaign=${encodeURIComponent(chosen)}` : ''}`;
  const f = d.figures;
  const parts: HTMLElement[] = [
    breadcrumb(d, chosen),
    h(
      'h1',
      {},
      d.org.name,
      h('span', { class: 'level' }, ` ${LEVEL_LABELS[d.org.level] ?? ''} · ${d.org.code}`),
    ),
  ];
  if (d.campaigns.length > 0) {
    const select = h(
      'select',
      {
        id: 'campaign',
        onchange: (e: Event) => {
          location.hash = orgRoute(d.org.code, (e.target as HTMLSelectElement).value);
        },
      },
      ...d.campaigns.map((c) =>
        h(
          'option',
          { value: c.id, selected: c.id === chosen },
          `${c.name}${c.status === 'closed' ? ' (closed)' : ''}`,
        ),
      ),
    );
    parts.push(h('p', { class: 'campaign' }, h('label', { for: 'campaign' }, 'Campaign '), select));
  }
  if (!d.campaign) {
    parts.push(h('p', {}, `No campaign covers ${d.org.name} yet.`));
    main.replaceChildren(...parts);
    return;
  }
  parts.push(
    h(
      'section',
      { class: 'summary', 'aria-label': 'Summary' },
      h(
        'p',
        { class: 'headline' },
        h('strong', {}, `${f.percentComplete}% complete`),
        ` — ${f.finished} of ${f.total} actions finished, as of ${formatDate(d.today)}.`,
      ),
      h(
        'ul',
        { class: 'pills' },
        h('li', {}, link(orgRoute(d.org.code, chosen, 'overdue'), `Overdue: ${f.overdue ?? 0}`)),
        h(
          'li',
          {},
          link(orgRoute(d.org.code, chosen, 'blocked'), `Blocked: ${f.byStatus['blocked'] ?? 0}`),
        ),
        h('li', {}, `In progress: ${f.byStatus['in_progress'] ?? 0}`),
        h('li', {}, `Not started: ${f.byStatus['not_started'] ?? 0}`),
      ),
    ),
  );
  const headings = ['Finished', '%', 'Done', 'In progress', 'Not started', 'Blocked', 'N/A'];
  const numbers = (x: Dashboard['figures']) => [
    `${x.finished} of ${x.total}`,
    `${x.percentComplete}%`,
    x.byStatus['done'] ?? 0,
    x.byStatus['in_progress'] ?? 0,
    x.byStatus['not_started'] ?? 0,
    x.byStatus['blocked'] ?? 0,
    x.byStatus['not_applicable'] ?? 0,
  ];
  if (d.children.length > 0) {
    const title = `Completion by organisation under ${d.org.shortName}`;
    parts.push(
      h(
        'section',
        { 'aria-labelledby': 'by-org' },
        h('h2', { id: 'by-org' }, 'By organisation'),
        h(
          'div',
          { class: 'pair' },
          barChart(
            title,
            d.children.map((c) => ({
              label: c.shortName,
              percent: c.figures.percentComplete,
              detail: `${c.figures.finished} of ${c.figures.total}`,
            })),
          ),
          table(
            title,
            ['Organisation', ...headings, 'Overdue'],
            d.children.map((c) => [
              c.drillable ? link(orgRoute(c.code, chosen), c.name) : c.name,
              ...numbers(c.figures),
              c.figures.overdue ?? 0,
            ]),
            [2, 3, 4, 5, 6, 7, 8],
          ),
        ),
        exportButton(
          exportPath('organisations'),
          `${d.org.code}-organisations.csv`,
          'Download this table (CSV)',
          status,
        ),
      ),
    );
  }
  if (d.areas.length > 0) {
    const title = `Completion by area in ${d.org.shortName}`;
    parts.push(
      h(
        'section',
        { 'aria-labelledby': 'by-area' },
        h('h2', { id: 'by-area' }, 'By area'),
        h(
          'div',
          { class: 'pair' },
          barChart(
            title,
            d.areas.map((a) => ({
              label: a.name,
              percent: a.figures.percentComplete,
              detail: `${a.figures.finished} of ${a.figures.total}`,
            })),
          ),
          table(
            title,
            ['Area', ...headings],
            d.areas.map((a) => [a.name, ...numbers(a.figures)]),
            [2, 3, 4, 5, 6, 7],
          ),
        ),
        exportButton(
          exportPath('areas'),
          `${d.org.code}-areas.csv`,
          'Download this table (CSV)',
          status,
        ),
      ),
    );
  }
  if (d.ownItems.length > 0) {
    parts.push(
      h(
        'section',
        { 'aria-labelledby': 'own' },
        h('h2', { id: 'own' }, `${d.org.shortName}’s own actions`),
        table(
          `Actions of ${d.org.name}`,
          ['Action', 'Title', 'Deadline', 'Status', 'Note', 'Last change', ''],
          d.ownItems.map((i) => [
            i.actionId,
            i.title,
            h(
              'span',
              { class: i.overdue ? 'overdue' : undefined },
              formatDate(i.dueDate),
              i.overdue ? ' (overdue)' : '',
            ),
            statusBadge(i.status),
            i.note,
            i.updatedAt ? `${i.updatedByName ?? 'Someone'}, ${formatDateTime(i.updatedAt)}` : '',
            link(
              `#/item/${encodeURIComponent(d.campaign!.id)}/${encodeURIComponent(d.org.code)}/${encodeURIComponent(i.actionId)}`,
              d.canUpdate ? 'Update or history' : 'History',
              {
                'aria-label': `${d.canUpdate ? 'Update or see the history of' : 'History of'} ${i.actionId}`,
              },
            ),
          ]),
        ),
        exportButton(
          exportPath('actions'),
          `${d.org.code}-actions.csv`,
          'Download this table (CSV)',
          status,
        ),
      ),
    );
  }
  parts.push(status);
  main.replaceChildren(...parts);
}
