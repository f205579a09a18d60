import { getJson } from '../api';
import { h } from '../dom';
import { formatDate, formatDateTime } from '../format';
import type { AttentionPage, AttentionRow, Dashboard } from '../types';
import { breadcrumb } from './dashboard';
import { exportButton, link, statusBadge, statusLine, table } from './common';

const PAGE_SIZE = 50;

/** The overdue or blocked items under an organisation, with notes and who changed them when. */
export async function renderAttention(
  main: HTMLElement,
  code: string,
  campaignId: string | undefined,
  kind: 'overdue' | 'blocked',
): Promise<void> {
  const query = campaignId ? `&campaign=${encodeURIComponent(campaignId)}` : '';
  const base = `/api/v1/orgs/${encodeURIComponent(code)}`;
  const [d, first] = await Promise.all([
    getJson<Dashboard>(`${base}/dashboard${query.replace('&', '?')}`),
    getJson<AttentionPage>(`${base}/${kind}?limit=${PAGE_SIZE}${query}`),
  ]);
  const rows: AttentionRow[] = [...first.rows];
  const status = statusLine();
  const title = kind === 'overdue' ? 'Overdue actions' : 'Blocked actions';
  const holder = h('div', {});
  const more = h('button', { type: 'button', class: 'secondary' }, 'Show more');
  let next = first.next;
  const draw = () => {
    holder.replaceChildren(
      rows.length === 0
        ? h('p', {}, kind === 'overdue' ? 'Nothing is overdue.' : 'Nothing is blocked.')
        : table(
            `${title} under ${d.org.name}: ${rows.length} of ${first.total}`,
            ['Organisation', 'Action', 'Title', 'Deadline', 'Status', 'Note', 'Last change'],
            rows.map((r) => [
              r.orgName,
              link(
                `#/item/${encodeURIComponent(r.campaignId)}/${encodeURIComponent(r.orgCode)}/${encodeURIComponent(r.actionId)}`,
                r.actionId,
                { 'aria-label': `${r.actionId} of ${r.orgName}` },
              ),
              r.title,
              formatDate(r.dueDate),
              statusBadge(r.status),
              r.note,
              r.updatedAt ? `${r.updatedByName ?? 'Someone'}, ${formatDateTime(r.updatedAt)}` : '',
            ]),
          ),
    );
    more.hidden = next === undefined;
  };
  more.addEventListener('click', () => {
    if (next === undefined) return;
    getJson<AttentionPage>(`${base}/${kind}?limit=${PAGE_SIZE}&offset=${next}${query}`).then(
      (page) => {
        rows.push(...page.rows);
        next = page.next;
        draw();
        status.textContent = `Showing ${rows.length} of ${page.total}.`;
      },
      (error: unknown) =>
        (status.textContent = error instanceof Error ? error.message : String(error)),
    );
  });
  draw();
  main.replaceChildren(
    breadcrumb(d, d.campaign?.id, title),
    h('h1', {}, `${title} — ${d.org.name}`),
    h(
      'p',
      {},
      `${first.total} in all, ${kind === 'overdue' ? 'earliest deadline first' : 'blocked longest first'}.`,
    ),
    holder,
    more,
    exportButton(
      `${base}/export.csv?view=${kind}${query}`,
      `${d.org.code}-${kind}.csv`,
      'Download all (CSV)',
      status,
    ),
    status,
  );
}
