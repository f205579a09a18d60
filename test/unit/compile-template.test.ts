import assert from 'node:assert/strict';
import { compileTemplate, expandCompiled } from '../../src/cards/compile-template';
import * as ACData from 'adaptivecards-templating';
import { renderCard } from '../../src/cards/render-card';
import { samplePracticeCard } from '../support/sample-cards';

const TEMPLATE = {
  type: 'AdaptiveCard',
  body: [
    { type: 'TextBlock', text: '${title}' },
    {
      type: 'Container',
      $data: '${sections}',
      items: [
        { type: 'TextBlock', text: '${heading}' },
        {
          type: 'Container',
          $data: '${rows}',
          items: [
            { type: 'TextBlock', text: '${name} is ${state}' },
            { type: 'TextBlock', $when: '${late}', text: 'Late' },
          ],
        },
      ],
    },
    { type: 'TextBlock', $data: '${notes}', text: '${$index}: ${text}' },
  ],
};

describe('compiled card templates (rows expanded once per row object)', () => {
  const rowA = { name: 'A', state: 'done', late: false };
  const rowB = { name: 'B', state: 'blocked', late: true };
  const data = {
    title: 'T',
    sections: [
      { heading: 'One', rows: [rowA, rowB] },
      { heading: 'Two', rows: [] },
    ],
    notes: [{ text: 'x' }, { text: 'y' }],
  };

  it('expands to exactly what the templating library gives for the whole card', () => {
    const whole = new ACData.Template(TEMPLATE).expand({ $root: data });
    const { card, chars } = expandCompiled(compileTemplate(TEMPLATE), data);
    assert.deepEqual(card, whole);
    assert.equal(chars, JSON.stringify(whole).length);
  });

  it('reuses an unchanged row object, draws a changed one afresh, and never alters the caller’s data', () => {
    const compiled = compileTemplate(TEMPLATE);
    const before = JSON.stringify(data);
    const first = expandCompiled(compiled, data).card as { body: { items: unknown[] }[] };
    const changed = { ...rowB, state: 'done' };
    const second = expandCompiled(compiled, {
      ...data,
      sections: [{ heading: 'One', rows: [rowA, changed] }],
    }).card as { body: { items: unknown[] }[] };
    assert.equal(second.body[1]?.items[1], first.body[1]?.items[1], 'row A is the same object');
    assert.notEqual(second.body[1]?.items[2], first.body[1]?.items[2]);
    assert.match(JSON.stringify(second), /B is done/);
    assert.equal(JSON.stringify(data), before);
  });

  it('freezes shared rows, so no caller can change one card through another', () => {
    const card = renderCard('checklist', samplePracticeCard()) as { body: unknown[] };
    const section = card.body[4] as { items: Record<string, unknown>[] };
    assert.throws(() => {
      (section.items[1] as Record<string, unknown>)['type'] = 'changed';
    }, TypeError);
  });

  it('keeps a row that looks outside itself ($index) in the card’s own expansion', () => {
    const { card } = expandCompiled(compileTemplate(TEMPLATE), data);
    assert.match(JSON.stringify(card), /"0: x".*"1: y"/);
  });
});
