import { downloadCsv } from '../api';
import { h } from '../dom';
import { STATUS_LABELS } from '../format';

/** A link inside the tab (hash routes keep Teams' frame in place). */
export function link(
  href: string,
  text: string,
  attributes: Record<string, string> = {},
): HTMLAnchorElement {
  return h('a', { href, ...attributes }, text);
}

/** A status as a badge: its words always, its colour only as an extra. */
export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge badge-${status}` }, STATUS_LABELS[status] ?? status);
}

/** A button that downloads a CSV of the table it sits by. */
export function exportButton(
  path: string,
  fileName: string,
  label: string,
  status: HTMLElement,
): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        status.textContent = 'Preparing the CSV file…';
        downloadCsv(path, fileName).then(
          () => (status.textContent = `Downloaded ${fileName}.`),
          (error: unknown) =>
            (status.textContent = error instanceof Error ? error.message : String(error)),
        );
      },
    },
    label,
  );
}

/** A table with a caption and column headings; each row is a list of cells. */
export function table(
  caption: string,
  headings: readonly string[],
  rows: readonly (readonly (Node | string | number)[])[],
  numeric: readonly number[] = [],
): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...headings.map((t, i) =>
            h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...rows.map((cells) =>
          h(
            'tr',
            {},
            ...cells.map((cell, i) =>
              i === 0
                ? h('th', { scope: 'row' }, cell)
                : h('td', { class: numeric.includes(i) ? 'num' : undefined }, cell),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A polite live region for what just happened (saved, downloaded, failed). */
export function statusLine(): HTMLElement {
  return h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
}
