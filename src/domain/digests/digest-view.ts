import { NO_PCN_ROW, type DigestFigures, type DigestRow, type RegionDigest } from './build-digest';
import { CARD_NAME_CHARS, CARD_NOTE_CHARS, describeStatus } from '../cards/card-views';
import { formatOrgName } from '../access/display-name';
import { mentionText, type Mention } from '../cards/deliver-cards';
import { shortOrgName } from '../access/short-org-name';
import { formatUkDate, formatUkDay } from '../shared/uk-dates';
import { escapeMarkdown, escapeShortened } from '../shared/escape-markdown';

// The view model of cards/digest.json: a regional digest in words. Pure: the figures come from
// build-digest.ts, rendering happens in src/cards, sending through the outbox. Teams reads these
// strings as markdown, so every name and note in them goes through escapeMarkdown.

/** A label and a value (a FactSet line). */
export interface DigestFact {
  title: string;
  value: string;
}

/** One blocked item on the digest: who and where on one line, the note on the next. */
export interface DigestBlockedView {
  heading: string;
  note: string;
}

/** The data cards/digest.json binds to. */
export interface DigestCardView {
  title: string;
  subtitle: string;
  notice: string;
  /** "For <at>Name</at> and <at>Name</at>." when the channel's digest mentions people; else empty. */
  mentionLine: string;
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
  /** "By ICB" (a region's digest) or "By PCN" (an ICB's). */
  rowsHeading: string;
  /** What the compact rows' figures are, in order. */
  rowsKey: string;
  /** One line per ICB (short name): % finished, done, blocked, overdue. */
  rows: DigestFact[];
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
  return `Biggest movers: ${moves.map((m) => `${escapeMarkdown(shortOrgName(m.row.name))} ${describeMove(m.delta)}`).join(' · ')}.`;
}

function toCompactRow(row: DigestRow, label: string): DigestFact {
  const { figures } = row;
  return {
    title: label,
    value: `${figures.percentComplete}% · ✔ ${formatCount(figures.byStatus.done)} · ⛔ ${formatCount(figures.byStatus.blocked)} · ⏰ ${formatCount(figures.overdue)}`,
  };
}

function sinceText(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? `since ${formatUkDate(iso.slice(0, 10))}` : '';
}

/** The words that change between a region's digest (rows are ICBs) and an ICB's (PCNs). */
function describeLevel(digest: RegionDigest) {
  return digest.level === 'icb'
    ? { row: 'PCN', own: 'ICB team', place: 'ICB' }
    : { row: 'ICB', own: 'Regional team', place: 'region' };
}

/**
 * The digest card's view model, kept short now the dashboard tab holds the detail: headline and
 * change since last week, a chart of completion by ICB with its text alternative, one compact line
 * per ICB (short names), the five items blocked longest, and "Full detail" into the tab.
 */
export function buildDigestCard(
  digest: RegionDigest,
  options: { detailUrl: string; notice?: string; mentions?: readonly Mention[] },
): DigestCardView {
  const { headline, region } = digest;
  const words = describeLevel(digest);
  const finished = finishedOf(headline);
  // Practices outside a PCN have a row but are not a PCN: the headline does not count them.
  const places = digest.icbs.filter((r) => r.code !== NO_PCN_ROW).length;
  const rows = digest.icbs.map((row) => toCompactRow(row, escapeMarkdown(shortOrgName(row.name))));
  if (digest.regionOwn && digest.regionOwn.figures.total > 0)
    rows.push(toCompactRow(digest.regionOwn, words.own));
  const na = headline.byStatus.not_applicable;
  return {
    title: `Weekly digest: ${escapeMarkdown(formatOrgName(region.name))} (${region.code})`,
    subtitle: `${escapeMarkdown(digest.campaign.name)} · figures for ${formatUkDay(digest.today)}`,
    notice: options.notice ?? '',
    mentionLine: describeMentions(options.mentions ?? []),
    headline: `${headline.percentComplete}% complete: ${formatCount(finished)} of ${formatCount(headline.total)} actions finished across ${places} ${words.row}${places === 1 ? '' : 's'}`,
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
      title: `Actions finished, % by ${words.row}`,
      xAxisTitle: `${words.row} (ODS code)`,
      yAxisTitle: '% finished',
      data: digest.icbs.map((row) => ({ x: row.code, y: row.figures.percentComplete })),
    },
    chartFacts: digest.icbs.map((row) => ({
      title: `${escapeMarkdown(shortOrgName(row.name))} (${row.code})`,
      value: `${row.figures.percentComplete}% finished`,
    })),
    rowsHeading: `By ${words.row}`,
    rowsKey: '% finished · ✔ done · ⛔ blocked · ⏰ overdue',
    rows,
    blockedIntro:
      digest.blockedTotal === 0
        ? 'Nothing is blocked.'
        : digest.blockedTotal <= digest.blocked.length
          ? `${formatCount(digest.blockedTotal)} blocked, longest first:`
          : `${formatCount(digest.blockedTotal)} blocked; the ${digest.blocked.length} blocked longest:`,
    blocked: digest.blocked.map((b) => {
      const since = [
        sinceText(b.since),
        b.byName ? `by ${escapeShortened(b.byName, CARD_NAME_CHARS)}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return {
        heading: `**${b.actionId}** · ${escapeMarkdown(formatOrgName(b.orgName))} (${b.orgCode}), ${escapeMarkdown(shortOrgName(b.icbName))}${since ? ` · ${since}` : ''}`,
        note: b.note ? `Note: ${escapeShortened(b.note, CARD_NOTE_CHARS)}` : 'No note was given.',
      };
    }),
    footer: `Finished: done or not applicable. Overdue: unfinished, deadline before ${formatUkDay(digest.today)}. **Full detail** opens the dashboard at this ${words.place}: by area, every organisation, what is blocked and why.`,
    detailUrl: options.detailUrl,
  };
}

/** The notification text of a digest card. */
export function summariseDigestCard(digest: RegionDigest): string {
  return `Weekly digest for ${formatOrgName(digest.region.name)}: ${digest.headline.percentComplete}% complete`;
}

/** "For <at>A</at>, <at>B</at> and <at>C</at>." (the text the mention entities match), or "". */
function describeMentions(mentions: readonly Mention[]): string {
  const names = mentions.map(mentionText);
  if (names.length === 0) return '';
  const joined =
    names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `For ${joined}.`;
}
