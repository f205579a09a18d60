import { ApiProblem, getJson, postJson } from '../api';
import { h } from '../dom';
import { formatDate, formatDateTime, STATUS_LABELS, STATUSES } from '../format';
import type { ItemHistory } from '../types';
import { orgRoute } from './dashboard';
import { link, statusBadge, statusLine, table } from './common';

const SURFACES: Record<string, string> = {
  card: 'card',
  chat: 'chat',
  tab: 'dashboard',
  cli: 'admin tool',
};

/** One item: its status, a form to change it (same rules as the card), and its history. */
export async function renderItem(
  main: HTMLElement,
  campaignId: string,
  orgCode: string,
  actionId: string,
  said = '',
): Promise<void> {
  const path = `/api/v1/items/${encodeURIComponent(campaignId)}/${encodeURIComponent(orgCode)}/${encodeURIComponent(actionId)}`;
  const x = await getJson<ItemHistory>(`${path}/history`);
  const status = statusLine();
  status.textContent = said;
  const parts: HTMLElement[] = [
    h(
      'nav',
      { 'aria-label': 'Where you are' },
      h(
        'ol',
        { class: 'crumbs' },
        h('li', {}, link('#/', 'My organisations')),
        h('li', {}, link(orgRoute(x.org.code, x.campaign.id), x.org.name)),
        h('li', { 'aria-current': 'page' }, actionId),
      ),
    ),
    h('h1', {}, `${actionId}: ${x.title}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Organisation'),
      h('dd', {}, `${x.org.name} (${x.org.code})`),
      h('dt', {}, 'Status'),
      h('dd', {}, statusBadge(x.item.status)),
      h('dt', {}, 'Deadline'),
      h('dd', {}, x.item.dueDate ? formatDate(x.item.dueDate) : 'None'),
      h('dt', {}, 'Note'),
      h('dd', {}, x.item.note || '—'),
      h('dt', {}, 'Last change'),
      h(
        'dd',
        {},
        x.item.updatedAt
          ? `${x.item.updatedByName ?? 'Someone'}, ${formatDateTime(x.item.updatedAt)}`
          : 'Not changed yet',
      ),
    ),
  ];
  if (x.canUpdate) {
    const note = h(
      'textarea',
      { id: 'note', name: 'note', maxlength: 500, rows: 3, 'aria-describedby': 'note-help' },
      x.item.note,
    );
    const form = h(
      'form',
      { class: 'update', 'aria-labelledby': 'update-title' },
      h('h2', { id: 'update-title' }, 'Update the status'),
      h(
        'fieldset',
        {},
        h('legend', {}, 'New status'),
        ...STATUSES.map((s) =>
          h(
            'label',
            { class: 'choice' },
            h('input', { type: 'radio', name: 'status', value: s, checked: s === x.item.status }),
            ` ${STATUS_LABELS[s]}`,
          ),
        ),
      ),
      h('label', { for: 'note' }, 'Note (optional, up to 500 characters)'),
      note,
      h(
        'p',
        { id: 'note-help', class: 'hint' },
        'Do not enter patient details: everyone in the channel, PCN, ICB and region can read notes.',
      ),
      h('button', { type: 'submit' }, 'Save'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = (form.querySelector('input[name=status]:checked') as HTMLInputElement | null)
        ?.value;
      status.textContent = 'Saving…';
      postJson<{ outcome: string; status: string }>(`${path}/status`, {
        status: chosen,
        note: note.value,
        version: x.item.version,
      }).then(
        (saved) =>
          renderItem(
            main,
            campaignId,
            orgCode,
            actionId,
            saved.outcome === 'unchanged'
              ? 'Nothing changed: it already said that.'
              : `Saved: ${actionId} is now ${STATUS_LABELS[saved.status] ?? saved.status}. The cards in Teams follow within seconds.`,
          ),
        (error: unknown) => {
          if (error instanceof ApiProblem && error.status === 409)
            void renderItem(main, campaignId, orgCode, actionId, error.detail);
          else status.textContent = error instanceof Error ? error.message : String(error);
        },
      );
    });
    parts.push(form);
  }
  parts.push(
    status,
    h('h2', {}, 'History'),
    x.events.length === 0
      ? h('p', {}, 'No changes yet.')
      : table(
          `Changes to ${actionId} for ${x.org.name}, newest first`,
          ['When', 'Who', 'From', 'To', 'Note', 'Where'],
          x.events.map((e) => [
            formatDateTime(e.at),
            e.byName ?? 'Someone',
            STATUS_LABELS[e.from] ?? e.from,
            STATUS_LABELS[e.to] ?? e.to,
            e.note,
            SURFACES[e.surface] ?? e.surface,
          ]),
        ),
  );
  main.replaceChildren(...parts);
}
