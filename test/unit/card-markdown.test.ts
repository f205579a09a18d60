import assert from 'node:assert/strict';
import { CARD_BUDGET_BYTES, measureCardBytes, renderCard } from '../../src/cards/render-card';
import {
  buildChecklistCard,
  buildEditCard,
  buildItemRow,
  buildOverviewCard,
} from '../../src/domain/cards/card-views';
import { buildDigestCard } from '../../src/domain/digests/digest-view';
import type { Organisation } from '../../src/domain/access/organisations';
import { CHECKLIST, SAMPLE_CAMPAIGN, SAMPLE_TODAY, sampleItems } from '../support/sample-cards';
import { sampleRegionDigest } from '../support/sample-digest';
import {
  HOSTILE_TEXTS,
  markdownFieldsOf,
  renderMarkdown,
  tagsOf,
  visibleText,
} from '../support/read-markdown';

// Every card that shows user text, drawn twice: once with plain words in every name and note, once
// with text that would be a link or formatting. Field by field, the markdown must make the same
// elements both times (so user text added none), and the hostile text must show as typed.

const PLAIN = 'Plain words';
const ACTIONS = new Map(CHECKLIST.actions.map((a) => [a.id, a]));

function org(name: string): Organisation {
  return {
    code: 'X99001',
    name,
    level: 'practice',
    parentCode: 'U99901',
    icbCode: 'QZ1',
    regionCode: 'Y63',
    open: true,
  };
}

function items(text: string) {
  return sampleItems('X99001', 'practice', false).map((item) => ({
    ...item,
    note: text,
    updatedBy: 'someone',
    updatedByName: text,
    updatedAt: '2026-11-20T14:05:00.000Z',
  }));
}

const CARDS: Record<string, [string, (text: string) => object]> = {
  'a checklist card': [
    'checklist',
    (text) =>
      buildChecklistCard({
        org: org(text),
        campaign: { ...SAMPLE_CAMPAIGN, name: text },
        actions: ACTIONS,
        items: items(text),
        today: SAMPLE_TODAY,
      }),
  ],
  'a "my actions" card (rows labelled with their organisation)': [
    'checklist',
    (text) => {
      const card = buildChecklistCard({
        org: org(PLAIN),
        campaign: SAMPLE_CAMPAIGN,
        actions: ACTIONS,
        items: [],
        today: SAMPLE_TODAY,
      });
      const rows = items(text).map((item) =>
        buildItemRow({
          item,
          action: ACTIONS.get(item.actionId),
          today: SAMPLE_TODAY,
          card: { view: 'mine' },
          canUpdate: true,
          orgLabel: text,
        }),
      );
      return { ...card, sections: [{ heading: PLAIN, rows }] };
    },
  ],
  'an overview card': [
    'overview',
    (text) =>
      buildOverviewCard({
        org: { ...org(text), level: 'pcn' },
        campaign: { ...SAMPLE_CAMPAIGN, name: text },
        members: [{ org: { code: 'X99001', name: text }, items: items(text) }],
        today: SAMPLE_TODAY,
      }),
  ],
  'an update card': [
    'edit-item',
    (text) => {
      const [item] = items(text);
      if (!item) throw new Error('no sample item');
      return buildEditCard({
        item,
        action: ACTIONS.get(item.actionId),
        org: org(text),
        campaign: { ...SAMPLE_CAMPAIGN, name: text },
        today: SAMPLE_TODAY,
        card: { view: 'items', campaignId: SAMPLE_CAMPAIGN.id, orgCode: 'X99001' },
      });
    },
  ],
  'a digest card': [
    'digest',
    (text) => {
      const digest = sampleRegionDigest();
      digest.region = { ...digest.region, name: text };
      digest.campaign = { ...digest.campaign, name: text };
      digest.icbs = digest.icbs.map((row) => ({ ...row, name: text }));
      digest.blocked = digest.blocked.map((b) => ({
        ...b,
        orgName: text,
        icbName: text,
        byName: text,
        note: text,
      }));
      return buildDigestCard(digest, { detailUrl: 'https://example.nhs.uk/digest' });
    },
  ],
};

describe('user text on cards is shown as typed, never as a link or formatting', () => {
  for (const [what, [template, build]] of Object.entries(CARDS))
    for (const text of HOSTILE_TEXTS)
      it(`${what}: ${JSON.stringify(text)}`, () => {
        const plain = markdownFieldsOf(renderCard(template, build(PLAIN))).map(renderMarkdown);
        const hostile = markdownFieldsOf(renderCard(template, build(text))).map(renderMarkdown);
        assert.equal(hostile.length, plain.length);
        hostile.forEach((html, i) =>
          assert.deepEqual(tagsOf(html), tagsOf(plain[i] ?? ''), `markdown made of: ${html}`),
        );
        const shown = hostile.map(visibleText).join('\n');
        // Each line as typed (a paragraph drops the spaces that start a line).
        for (const line of text.split('\n')) assert.ok(shown.includes(line.trim()), line);
      });
});

describe('escaping stays within the 40 KB card budget', () => {
  // Every escaped character doubles: the worst a note or name can be is all markdown specials.
  const specials = (n: number) => '*_[]`~|<'.repeat(Math.ceil(n / 8)).slice(0, n);
  it('a practice card whose 12 notes and names are 500 markdown specials each', () => {
    const view = buildChecklistCard({
      org: org(specials(120)),
      campaign: { ...SAMPLE_CAMPAIGN, name: specials(120) },
      actions: ACTIONS,
      items: items(specials(500)),
      today: SAMPLE_TODAY,
    });
    assert.ok(measureCardBytes(renderCard('checklist', view)) < CARD_BUDGET_BYTES);
    assert.doesNotThrow(() => renderCard('checklist', view));
  });

  it('a digest card with five blocked items whose notes and names are markdown specials', () => {
    const digest = sampleRegionDigest(true);
    // ICB names come from the ODS register, long but plain; notes and people's names are typed.
    digest.blocked = digest.blocked.map((b) => ({
      ...b,
      orgName: specials(90),
      byName: specials(60),
      note: specials(500),
    }));
    assert.doesNotThrow(() =>
      renderCard('digest', buildDigestCard(digest, { detailUrl: 'https://x.nhs.uk' })),
    );
  });
});
