import { summariseRegionDigest, type RegionDigest } from '../../src/domain/digests/build-digest';
import { buildDigestCard, type DigestCardView } from '../../src/domain/digests/digest-view';
import { emptyCounts, type OrgCounts } from '../../src/domain/items/org-counts';
import { ITEM_STATUSES } from '../../src/domain/items/tracked-items';
import { SAMPLE_CAMPAIGN, SAMPLE_TODAY } from './sample-cards';

// A regional digest for the golden file and the size budget: 12 ICBs (one more than the biggest
// region, the Midlands, has), long official-style names, five blocked items whose notes fill the
// 500-character limit, and figures in the tens of thousands.

const ICB_NAMES = [
  'NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board',
  'NHS Birmingham and Solihull Integrated Care Board',
  'NHS Black Country Integrated Care Board',
  'NHS Coventry and Warwickshire Integrated Care Board',
  'NHS Derby and Derbyshire Integrated Care Board',
  'NHS Herefordshire and Worcestershire Integrated Care Board',
  'NHS Leicester, Leicestershire and Rutland Integrated Care Board',
  'NHS Lincolnshire Integrated Care Board',
  'NHS Northamptonshire Integrated Care Board',
  'NHS Nottingham and Nottinghamshire Integrated Care Board',
  'NHS Shropshire, Telford and Wrekin Integrated Care Board',
  'NHS Staffordshire and Stoke-on-Trent Integrated Care Board',
];

/** The URL the sample's "Full detail" button opens. */
export const SAMPLE_DETAIL_URL =
  'https://teams.microsoft.com/l/app/5d0c7a52-3c4e-4b8f-9a57-3f1c2b6d8e10';

function counts(code: string, icbCode: string, i: number, worst: boolean): OrgCounts {
  const c = emptyCounts({
    campaignId: SAMPLE_CAMPAIGN.id,
    orgCode: code,
    icbCode,
    regionCode: 'Y60',
  });
  const scale = worst ? 40 : 1;
  // Done falls and not started rises from one ICB to the next, so the chart has a shape.
  c.byStatus = {
    done: (90 - i * 5) * scale,
    in_progress: (40 + i * 2) * scale,
    blocked: (4 + (i % 4)) * scale,
    not_started: (50 + i * 4) * scale,
    not_applicable: 6 * scale,
  };
  c.total = ITEM_STATUSES.reduce((n, s) => n + c.byStatus[s], 0);
  // Areas 1–4 and cross-cutting share the statuses out.
  for (const area of ['1', '2', '3', '4', 'cross-cutting']) {
    c.byArea[area] = Object.fromEntries(
      ITEM_STATUSES.map((s) => [s, Math.floor(c.byStatus[s] / 5)]),
    ) as OrgCounts['byStatus'];
  }
  c.unfinishedDue = { '2026-10-31': (40 + i) * scale, '2026-12-31': 20 * scale };
  return c;
}

/** A Midlands-sized regional digest (12 ICBs), with last week's figures. */
export function sampleRegionDigest(worst = false): RegionDigest {
  const icbs = ICB_NAMES.map((name, i) => ({
    code: `Q${String.fromCharCode(65 + i)}${i % 10}`,
    name,
  }));
  const byGroup = new Map<string, OrgCounts[]>(
    icbs.map((icb, i) => [icb.code, [counts(icb.code, icb.code, i, worst)]]),
  );
  byGroup.set('Y60', [counts('Y60', 'Y60', 0, false)]);
  const note = (i: number) =>
    worst
      ? `${'Waiting for the telephony supplier to confirm the cloud-based system go-live date; '.repeat(7)}`.slice(
          0,
          500,
        )
      : ([
          'Waiting for the telephony supplier to confirm the go-live date.',
          '',
          'No practice manager until January.',
        ][i % 3] ?? '');
  const practice = worst
    ? 'The Old Vicarage Surgery and Riverside Medical Practice at Longbridge'
    : 'Demo Bridgefoot Surgery';
  const digest = summariseRegionDigest({
    campaign: SAMPLE_CAMPAIGN,
    region: { code: 'Y60', name: 'Midlands' },
    icbs,
    counts: byGroup,
    blocked: [0, 1, 2, 3, 4].map((i) => ({
      orgCode: `M8${String(1000 + i)}`,
      orgName: practice,
      icbCode: icbs[i]?.code ?? '',
      icbName: icbs[i]?.name ?? '',
      actionId: `PRAC-0${i + 1}`,
      note: note(i),
      since: `2026-0${6 + i}-1${i}T10:15:00.000Z`,
      ...(i % 2 === 0
        ? { byName: worst ? 'Dr Alexandra Montgomery-Fitzwilliam' : 'Priya Shah' }
        : {}),
    })),
    blockedTotal: worst ? 4_250 : 123,
    today: SAMPLE_TODAY,
  });
  // Last week: a few points lower, more blocked, and one ICB that slipped back.
  const { headline } = digest;
  digest.previous = {
    date: '2026-11-18',
    total: headline.total,
    finished: headline.byStatus.done + headline.byStatus.not_applicable - 50 * (worst ? 40 : 1),
    percentComplete: headline.percentComplete - 2,
    blocked: headline.byStatus.blocked + 9,
    overdue: headline.overdue + 40,
    icbs: Object.fromEntries(
      digest.icbs.map((row, i) => [
        row.code,
        row.figures.percentComplete - (i % 4) + (i === 5 ? 5 : 0),
      ]),
    ),
  };
  return digest;
}

/** The digest card's view model for the sample. */
export function sampleDigestCard(worst = false): DigestCardView {
  return buildDigestCard(sampleRegionDigest(worst), { detailUrl: SAMPLE_DETAIL_URL });
}
