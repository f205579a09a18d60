import type { DigestFigures, DigestRow, RegionDigest } from './build-digest';
import {
  CARD_NAME_CHARS,
  CARD_NOTE_CHARS,
  describeArea,
  describeStatus,
} from '../cards/card-views';
import { formatOrgName } from '../access/display-name';
import { formatUkDate, formatUkDay } from '../shared/uk-dates';
import { escapeMarkdown, escapeShortened } from '../shared/escape-markdown';

// The view model of cards/digest.json: a regional digest in words. Pure: the figures come from
// build-digest.ts, rendering happens in src/cards, sending through the outbox. Teams reads these
// strings as markdown, so every name and note in them goes through escapeMarkdown.

/** One ICB's line in the digest's table: each cell a count and its share of the ICB's items. */
export interface DigestTableRow {
  name: string;
  complete: string;
  done: string;
  inProgress: string;
  blocked: string;
  notStarted: string;
  overdue: string;
}

/** A label and a value (a FactSet line). */
export interface DigestFact {
  title: string;
  value: string;
}

/** One blocked item on the digest. */
export interface DigestBlockedView {
  heading: string;
  detail: string;
  note: string;
}

/** The data cards/digest.json binds to. */
export interface DigestCardView {
  title: string;
  subtitle: string;
  notice: string;
  headline: string;
  statusLine: string;
  change: string;
  movers: string;
  chart: {
    title: string;
    xAxisTitle: string;
    yAxisTitle: string;
    data: { x: string; y: number }[];
  };
  /** The chart as text, for clients that cannot draw it (and for screen readers). */
  chartFacts: DigestFact[];
  rows: DigestTableRow[];
  areas: DigestFact[];
  blockedIntro: string;
  blocked: DigestBlockedView[];
  footer: string;
  detailUrl: string;
}

const NUMBER = new Intl.NumberFormat('en-GB');

/** How many ICBs the "biggest movers" line names. */
const MOVERS = 3;

/** "1,234". */
export function formatCount(n: number): string {
  return NUMBER.format(n);
}

function share(count: number, total: number): string {
  return `${formatCount(count)} (${total ? Math.round((count / total) * 100) : 0}%)`;
}

function finishedOf(figures: Pick<DigestFigures, 'byStatus'>): number {
  return figures.byStatus.done + figures.byStatus.not_applicable;
}

function points(n: number): string {
  return `${Math.abs(n)} point${Math.abs(n) === 1 ? '' : 's'}`;
}

/** "▲ 4 points", "▼ 1 point", "no change": the arrow and the words carry it, not a colour. */
export function describeMove(delta: number): string {
  if (delta > 0) return `▲ ${points(delta)}`;
  if (delta < 0) return `▼ ${points(delta)}`;
  return 'no change';
}

function describeChange(digest: RegionDigest): string {
  const { previous, headline } = digest;
  if (!previous)
    return 'This is the first weekly digest of this campaign here, so there is no change to show yet.';
  const delta = headline.percentComplete - previous.percentComplete;
  const finished = finishedOf(headline) - previous.finished;
  const move = delta === 0 ? 'No change' : describeMove(delta);
  const more =
    finished === 0
      ? 'no more actions finished'
      : finished > 0
        ? `${formatCount(finished)} more action${finished === 1 ? '' : 's'} finished`
        : `${formatCount(-finished)} fewer finished (statuses were changed back)`;
  return `${move} since the digest of ${formatUkDay(previous.date)} (${previous.percentComplete}% → ${headline.percentComplete}%): ${more}; blocked ${formatCount(previous.blocked)} → ${formatCount(headline.byStatus.blocked)}; overdue ${formatCount(previous.overdue)} → ${formatCount(headline.overdue)}.`;
}

function describeMovers(digest: RegionDigest): string {
  const { previous } = digest;
  if (!previous) return '';
  const moves = digest.icbs
    .filter((row) => previous.icbs[row.code] !== undefined)
    .map((row) => ({ row, delta: row.figures.percentComplete - (previous.icbs[row.code] ?? 0) }))
    .filter((m) => m.delta !== 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.row.name.localeCompare(b.row.name))
    .slice(0, MOVERS);
  if (moves.length === 0) return '';
  return `Biggest movers: ${moves.map((m) => `${escapeMarkdown(formatOrgName(m.row.name))} ${describeMove(m.delta)}`).join(' · ')}.`;
}

function toTableRow(row: DigestRow, label: string): DigestTableRow {
  const { figures } = row;
  return {
    name: label,
    complete: `${figures.percentComplete}% complete`,
    done: share(figures.byStatus.done, figures.total),
    inProgress: share(figures.byStatus.in_progress, figures.total),
    blocked: share(figures.byStatus.blocked, figures.total),
    notStarted: share(figures.byStatus.not_started, figures.total),
    overdue: share(figures.overdue, figures.total),
  };
}

function sinceText(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso)
    ? `blocked since ${formatUkDate(iso.slice(0, 10))}`
    : 'blocked';
}

/**
 * The digest card's view model: headline and change since last week, a chart of completion by
 * ICB with its text alternative, a table row per ICB, areas, and the items blocked longest.
 */
export function buildDigestCard(
  digest: RegionDigest,
  options: { detailUrl: string; notice?: string },
): DigestCardView {
  const { headline, region } = digest;
  const finished = finishedOf(headline);
  const rows = digest.icbs.map((row) =>
    toTableRow(row, `${escapeMarkdown(formatOrgName(row.name))} (${row.code})`),
  );
  if (digest.regionOwn)
    rows.push(toTableRow(digest.regionOwn, `Regional team's own actions (${region.code})`));
  const na = headline.byStatus.not_applicable;
  return {
    title: `Weekly digest: ${escapeMarkdown(formatOrgName(region.name))} (${region.code})`,
    subtitle: `${escapeMarkdown(digest.campaign.name)} · figures for ${formatUkDay(digest.today)}`,
    notice: options.notice ?? '',
    headline: `${headline.percentComplete}% complete: ${formatCount(finished)} of ${formatCount(headline.total)} actions finished across ${digest.icbs.length} ICB${digest.icbs.length === 1 ? '' : 's'}`,
    statusLine: [
      `${describeStatus('done')} ${formatCount(headline.byStatus.done)}`,
      `${describeStatus('in_progress')} ${formatCount(headline.byStatus.in_progress)}`,
      `${describeStatus('blocked')} ${formatCount(headline.byStatus.blocked)}`,
      `${describeStatus('not_started')} ${formatCount(headline.byStatus.not_started)}`,
      ...(na ? [`${describeStatus('not_applicable')} ${formatCount(na)}`] : []),
      `⏰ Overdue ${formatCount(headline.overdue)}`,
    ].join(' · '),
    change: describeChange(digest),
    movers: describeMovers(digest),
    chart: {
      title: 'Actions finished, % by ICB',
      xAxisTitle: 'ICB (ODS code)',
      yAxisTitle: '% finished',
      data: digest.icbs.map((row) => ({ x: row.code, y: row.figures.percentComplete })),
    },
    chartFacts: digest.icbs.map((row) => ({
      title: `${escapeMarkdown(formatOrgName(row.name))} (${row.code})`,
      value: `${row.figures.percentComplete}% finished`,
    })),
    rows,
    areas: digest.areas.map((a) => ({
      title: describeArea(a.area),
      value: `${a.figures.percentComplete}% complete · ${formatCount(a.figures.byStatus.done)} done · ${formatCount(a.figures.byStatus.in_progress)} in progress · ${formatCount(a.figures.byStatus.blocked)} blocked · ${formatCount(a.figures.byStatus.not_started)} not started`,
    })),
    blockedIntro:
      digest.blockedTotal === 0
        ? 'Nothing is blocked.'
        : digest.blockedTotal <= digest.blocked.length
          ? `${formatCount(digest.blockedTotal)} blocked, longest first:`
          : `${formatCount(digest.blockedTotal)} blocked; the ${digest.blocked.length} blocked longest:`,
    blocked: digest.blocked.map((b) => ({
      heading: `**${b.actionId}** · ${escapeMarkdown(formatOrgName(b.orgName))} (${b.orgCode})`,
      detail: `${escapeMarkdown(formatOrgName(b.icbName))} · ${sinceText(b.since)}${b.byName ? ` by ${escapeShortened(b.byName, CARD_NAME_CHARS)}` : ''}`,
      note: b.note ? `Note: ${escapeShortened(b.note, CARD_NOTE_CHARS)}` : 'No note was given.',
    })),
    footer: `Finished means done or not applicable; overdue means unfinished with its deadline before ${formatUkDay(digest.today)}. For any ICB, PCN or practice, type **status** and its ODS code in a chat with me.`,
    detailUrl: options.detailUrl,
  };
}

/** The notification text of a digest card. */
export function summariseDigestCard(digest: RegionDigest): string {
  return `Weekly digest for ${formatOrgName(digest.region.name)}: ${digest.headline.percentComplete}% complete`;
}
