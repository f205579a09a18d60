import { h } from './dom';

/** One bar: a label and a percentage (0–100). */
export interface Bar {
  label: string;
  percent: number;
  /** Words after the percentage, e.g. "12 of 40". */
  detail: string;
}

/**
 * A horizontal bar chart of percentages. The value is printed on every bar (meaning never by
 * colour or length alone), and the chart is one image to a screen reader: its data is in the
 * table that always stands beside it.
 */
export function barChart(caption: string, bars: readonly Bar[]): HTMLElement {
  const summary = bars.map((b) => `${b.label} ${b.percent}%`).join(', ');
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, caption),
    h(
      'div',
      { role: 'img', 'aria-label': `${caption}: ${summary || 'no data'}` },
      ...bars.map((bar) => {
        const fill = h('span', { class: 'bar-fill' });
        fill.style.width = `${Math.max(0, Math.min(100, bar.percent))}%`;
        return h(
          'div',
          { class: 'bar', 'aria-hidden': 'true' },
          h('span', { class: 'bar-label' }, bar.label),
          h('span', { class: 'bar-track' }, fill),
          h('span', { class: 'bar-value' }, `${bar.percent}%`, h('small', {}, ` ${bar.detail}`)),
        );
      }),
    ),
  );
}
