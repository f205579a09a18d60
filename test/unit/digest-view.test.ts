import assert from 'node:assert/strict';
import { buildDigestCard, describeMove } from '../../src/domain/digests/digest-view';
import { sampleRegionDigest, SAMPLE_DETAIL_URL } from '../support/sample-digest';

describe('the digest card view', () => {
  const view = (digest = sampleRegionDigest()) =>
    buildDigestCard(digest, { detailUrl: SAMPLE_DETAIL_URL });

  it('states the headline in words and numbers, each status with its mark', () => {
    const card = view();
    assert.match(
      card.headline,
      /^\d+% complete: [\d,]+ of [\d,]+ actions finished across 12 ICBs$/,
    );
    assert.match(
      card.statusLine,
      /✔ Done [\d,]+ · ◑ In progress [\d,]+ · ⛔ Blocked [\d,]+ · ○ Not started [\d,]+ · — Not applicable [\d,]+ · ⏰ Overdue [\d,]+/,
    );
  });

  it('says what changed since last week’s digest, with arrows rather than colours', () => {
    const digest = sampleRegionDigest();
    const was = digest.previous!;
    const card = view(digest);
    assert.equal(
      card.change,
      `▲ 2 points since the digest of Wed 18 Nov 2026 (${was.percentComplete}% → ${digest.headline.percentComplete}%): 50 more actions finished; blocked ${was.blocked} → ${digest.headline.byStatus.blocked}; overdue ${was.overdue} → ${digest.headline.overdue}.`,
    );
    assert.match(card.movers, /^Biggest movers: Herefordshire and Worcestershire ▼ 4 points · /);
  });

  it('says there is nothing to compare with the first time', () => {
    const digest = sampleRegionDigest();
    delete digest.previous;
    const card = view(digest);
    assert.match(card.change, /first weekly digest/);
    assert.equal(card.movers, '');
  });

  it('words a move up, down or none', () => {
    assert.equal(describeMove(1), '▲ 1 point');
    assert.equal(describeMove(-12), '▼ 12 points');
    assert.equal(describeMove(0), 'no change');
  });

  it('gives each ICB one compact line under its short name, and the region’s own actions last', () => {
    const digest = sampleRegionDigest();
    const card = view(digest);
    assert.equal(card.rows.length, 13);
    const first = digest.icbs[0]!;
    const n = (x: number) => x.toLocaleString('en-GB');
    assert.match(first.name, /^NHS .* Integrated Care Board$/);
    assert.deepEqual(card.rows[0], {
      title: first.name.replace(/^NHS /, '').replace(/ Integrated Care Board$/, ''),
      value: `${first.figures.percentComplete}% · ✔ ${n(first.figures.byStatus.done)} · ⛔ ${n(first.figures.byStatus.blocked)} · ⏰ ${n(first.figures.overdue)}`,
    });
    assert.equal(card.rowsKey, '% finished · ✔ done · ⛔ blocked · ⏰ overdue');
    assert.equal(card.rows[12]!.title, 'Regional team');
  });

  it('shortens long notes of blocked items and says when there is none', () => {
    const card = buildDigestCard(sampleRegionDigest(true), { detailUrl: SAMPLE_DETAIL_URL });
    assert.equal(card.blocked.length, 5);
    assert.ok(card.blocked.every((b) => b.note.length <= 'Note: '.length + 140));
    assert.match(card.blockedIntro, /^4,250 blocked; the 5 blocked longest:$/);
    assert.match(view().blocked[1]!.note, /No note was given/);
    assert.match(view().blocked[0]!.heading, /since 10 Jun 2026 by Priya Shah$/);
    assert.doesNotMatch(view().blocked[0]!.heading, /Integrated Care Board/);
  });
});
