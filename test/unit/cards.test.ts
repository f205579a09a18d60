import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CARDS_DIR,
  CARD_BUDGET_BYTES,
  measureCardBytes,
  renderCard,
} from '../../src/cards/render-card';
import { CARD_VERBS, ROUTES } from '../../src/bot/routes';
import type { Activity } from 'botbuilder';
import {
  sampleIcbAreaCard,
  samplePcnCard,
  samplePcnOverview,
  samplePracticeCard,
  sampleEditCard,
} from '../support/sample-cards';
import { SAMPLES } from '../support/card-samples';
import { describeProgress } from '../../src/domain/cards/card-views';
import type { Progress } from '../../src/domain/items/get-progress';
import { sampleDigestCard } from '../support/sample-digest';
import { checkChart, findElements, lintCard, lintCardWithoutCharts } from '../support/lint-card';

const GOLDEN_DIR = path.join(__dirname, '..', 'golden');
const templates = readdirSync(CARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

function collectVerbs(node: unknown, verbs: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => collectVerbs(n, verbs));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'verb' && typeof value === 'string') verbs.add(value);
      else collectVerbs(value, verbs);
    }
  }
  return verbs;
}

describe('card templates', () => {
  it('has a sample view model for every template (so each has a golden test)', () => {
    assert.deepEqual(templates.sort(), Object.keys(SAMPLES).sort());
  });

  for (const name of templates) {
    describe(`${name}.json`, () => {
      const card = () => renderCard(name, SAMPLES[name] ?? {});

      it('renders to the golden file', () => {
        const file = path.join(GOLDEN_DIR, `${name}.json`);
        const rendered = `${JSON.stringify(card(), null, 2)}\n`;
        if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, rendered);
        assert.equal(
          rendered,
          readFileSync(file, 'utf8'),
          `run UPDATE_GOLDEN=1 npm run test:unit to accept a deliberate change to ${name}`,
        );
      });

      it('is an Adaptive Card 1.5 that the official parser reads without warnings', () => {
        const rendered = card();
        assert.equal(rendered['version'], '1.5');
        // Teams' chart elements are checked against their documented properties (lint-card.ts).
        assert.deepEqual(lintCard(rendered), []);
      });

      it('reads cleanly where charts are not drawn: each chart falls back to text', () => {
        assert.deepEqual(lintCardWithoutCharts(card()), []);
      });

      it('fits the 40 KB message budget', () => {
        assert.ok(measureCardBytes(card()) < CARD_BUDGET_BYTES);
      });

      it('fails loudly when a field is missing from the view model', () => {
        const fields = JSON.stringify(
          JSON.parse(readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8')),
        ).match(/\$\{[a-zA-Z]+\}/g);
        if (!fields) return; // a template with no bindings cannot miss one
        assert.throws(() => renderCard(name, {}), /unbound fields/);
      });
    });
  }

  it('gives every verb in cards/ a handler, and every handled verb a card', () => {
    const verbs = new Set<string>();
    for (const name of templates)
      collectVerbs(JSON.parse(readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8')), verbs);
    assert.deepEqual([...verbs].sort(), [...CARD_VERBS].sort());
    for (const verb of verbs) {
      const invoke = {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { verb } },
      } as unknown as Activity;
      const submit = { type: 'message', value: { verb } } as unknown as Activity;
      const route = ROUTES.find((r) => r.select(invoke));
      assert.equal(route?.name, `card.${verb}`, `Action.Execute "${verb}" has a handler`);
      assert.equal(
        ROUTES.find((r) => r.select(submit))?.name,
        `card.${verb}`,
        `Action.Submit fallback "${verb}" has a handler`,
      );
    }
  });
});

describe('checklist card size budget (largest realistic data: a PCN with 12 practices)', () => {
  // Every note at the 500-character limit, long names and people: the worst a channel can get.
  const worst: [string, string, object][] = [
    ['a practice card (12 actions)', 'checklist', samplePracticeCard(true)],
    ['the PCN’s own card', 'checklist', samplePcnCard(true)],
    ['the overview of 12 practices', 'overview', samplePcnOverview(12, true)],
    ...['1', '2', '3', '4', 'cross-cutting'].map((area): [string, string, object] => [
      `the ICB card for area ${area}`,
      'checklist',
      sampleIcbAreaCard(area, true),
    ]),
  ];
  for (const [what, template, view] of worst) {
    it(`keeps ${what} within 40 KB of UTF-16`, () => {
      const bytes = measureCardBytes(renderCard(template, view));
      assert.ok(bytes < CARD_BUDGET_BYTES, `${what}: ${bytes} bytes`);
    });
  }

  it('gives every row an Update button, with an Action.Submit fallback carrying the same item', () => {
    const card = renderCard('checklist', samplePracticeCard());
    const text = JSON.stringify(card);
    // 12 actions, each an Execute and its fallback.
    assert.equal((text.match(/"verb":"editItem"/g) ?? []).length, 12 * 2);
  });

  it('offers every status but the current one on the update card', () => {
    const card = JSON.stringify(renderCard('edit-item', sampleEditCard()));
    assert.equal((card.match(/"verb":"setStatus"/g) ?? []).length, 4 * 2);
  });
});

describe('checklist card rows (short, plain, details one click away)', () => {
  const rendered = () => renderCard('checklist', samplePracticeCard(true));
  const elements = (card: unknown, type: string) =>
    findElements(card, (e) => e['type'] === type) as Record<string, unknown>[];

  it('shows title, status and deadline; hides detail, history and source behind "Details"', () => {
    const card = rendered();
    const toggles = elements(card, 'Action.ToggleVisibility');
    assert.equal(toggles.length, 12);
    const hidden = elements(card, 'Container').filter((c) => c['isVisible'] === false);
    const ids = hidden.map((c) => c['id']);
    assert.equal(new Set(ids).size, 12, 'every details container has its own id');
    assert.deepEqual(
      toggles.map((t) => (t['targetElements'] as string[])[0]),
      ids,
      'each toggle opens its own row',
    );
    assert.ok(hidden.every((c) => /\[Source\]\(https:|Source: /.test(JSON.stringify(c))));
  });

  it('says where an action comes from in words, never the checklist’s internal tags', () => {
    const text = JSON.stringify(rendered());
    assert.doesNotMatch(text, /Confidence:|\bREAD\b|INFERRED|due high/);
    assert.match(text, /From NHS England's letters/);
    assert.match(text, /Reconstructed from public sources/);
  });

  it('cuts details and notes at a word, with "…"', () => {
    for (const block of elements(rendered(), 'TextBlock')) {
      for (const cut of String(block['text']).match(/\S*…/g) ?? [])
        assert.match(cut, /(^|[\p{L}\p{N}])…$/u, `cut at a word: ${cut}`);
    }
    const detail = samplePracticeCard().sections[0]!.rows[0]!.details.split('\n\n')[0]!;
    assert.equal(
      detail,
      'Give patients online access to new entries in their record by default, subject to…',
    );
  });
});

describe('numbers on cards', () => {
  it('uses thousands separators in progress lines', () => {
    const byStatus = {
      done: 1200,
      not_applicable: 34,
      in_progress: 2500,
      blocked: 1001,
      not_started: 9999,
    };
    assert.equal(
      describeProgress({ total: 14734, byStatus, percentComplete: 8, overdue: 4321 } as Progress),
      '1,234 of 14,734 finished (8%) · 2,500 in progress · 1,001 blocked · 9,999 not started · 4,321 overdue',
    );
  });

  it('leaves the patient-details warning to where notes are typed, not the welcome card', () => {
    assert.doesNotMatch(JSON.stringify(renderCard('welcome', SAMPLES['welcome'] ?? {})), /patient/);
    assert.match(JSON.stringify(renderCard('edit-item', sampleEditCard())), /patient/);
  });
});

describe('digest card', () => {
  it('keeps the worst case within 40 KB of UTF-16: 12 ICBs, long names, five 500-character notes', () => {
    const bytes = measureCardBytes(renderCard('digest', sampleDigestCard(true)));
    assert.ok(bytes < CARD_BUDGET_BYTES, `${bytes} bytes`);
  });

  it('draws completion by ICB as a bar chart whose fallback says the same in words', () => {
    const card = renderCard('digest', sampleDigestCard());
    const [chart] = findElements(card, (e) => e['type'] === 'Chart.VerticalBar');
    assert.ok(chart, 'a Chart.VerticalBar');
    const data = chart['data'] as { x: string; y: number }[];
    assert.equal(data.length, 12);
    const facts = findElements(chart['fallback'], (e) => e['type'] === 'FactSet')[0]?.['facts'] as {
      title: string;
      value: string;
    }[];
    assert.equal(facts.length, 12);
    data.forEach((point, i) => {
      assert.ok(facts[i]?.title.includes(`(${point.x})`), facts[i]?.title);
      assert.equal(facts[i]?.value, `${point.y}% finished`);
    });
  });

  it('links to the full detail', () => {
    const card = renderCard('digest', sampleDigestCard());
    const actions = card['actions'] as Record<string, unknown>[];
    assert.deepEqual(
      actions.map((a) => [a['type'], a['title']]),
      [['Action.OpenUrl', 'Full detail']],
    );
    assert.match(String(actions[0]?.['url']), /^https:\/\//);
  });

  it('lint refuses a chart Teams would not draw', () => {
    assert.deepEqual(
      checkChart({ type: 'Chart.VerticalBar', data: [{ x: 'QA0', y: '5%' }], legend: 'x' }),
      [
        'Chart.VerticalBar: unknown property "legend"',
        'Chart.VerticalBar: data[0] needs a text or number "x" and a number "y"',
      ],
    );
    assert.deepEqual(
      lintCard({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [
          {
            type: 'Chart.VerticalBar',
            data: [{ x: 'a', y: 1 }],
            legend: 'x',
            fallback: { type: 'TextBlock', text: 'a: 1' },
          },
        ],
      }),
      ['Chart.VerticalBar: unknown property "legend"'],
    );
    assert.deepEqual(
      lintCardWithoutCharts({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'Chart.VerticalBar', data: [{ x: 'a', y: 1 }] }],
      }),
      ['Chart.VerticalBar has no fallback element (a text alternative is required)'],
    );
  });
});

describe('renderCard', () => {
  it('shows user text containing "${" as it is, not as an unbound field', () => {
    const card = renderCard('welcome', { teamName: 'Team ${odd} name' });
    assert.match(JSON.stringify(card), /Team \$\{odd\} name/);
  });

  it('refuses a card over the 40 KB budget', () => {
    assert.throws(
      () => renderCard('welcome', { teamName: 'x'.repeat(25_000) }),
      /over the 40960-byte budget/,
    );
  });
});
