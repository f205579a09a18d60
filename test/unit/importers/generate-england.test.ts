import assert from 'node:assert/strict';
import { InvalidInputError } from '../../../src/domain/shared/errors';
import type { Organisation } from '../../../src/domain/access/organisations';
import { generateEngland } from '../../../src/importers/generate-england';
import { resolveHierarchy } from '../../../src/importers/resolve-hierarchy';

function count(orgs: readonly Organisation[], level: Organisation['level']): number {
  return orgs.filter((org) => org.level === level).length;
}

function assertWithin(actual: number, target: number, tolerance: number): void {
  assert.ok(
    Math.abs(actual - target) <= target * tolerance,
    `${actual} is not within ${tolerance * 100}% of ${target}`,
  );
}

describe('generateEngland', () => {
  const england = generateEngland();

  it('has the 7 real regions, 42 ICBs and England-sized PCN and practice counts', () => {
    assert.deepEqual(
      england.filter((org) => org.level === 'region').map((org) => org.code),
      ['Y56', 'Y58', 'Y59', 'Y60', 'Y61', 'Y62', 'Y63'],
    );
    assert.equal(count(england, 'icb'), 42);
    assertWithin(count(england, 'pcn'), 1250, 0.05);
    assertWithin(count(england, 'practice'), 6300, 0.05);
  });

  it('spreads ICBs unevenly, 3 to 12 per region', () => {
    const perRegion = new Map<string, number>();
    for (const icb of england.filter((org) => org.level === 'icb')) {
      perRegion.set(icb.parentCode ?? '', (perRegion.get(icb.parentCode ?? '') ?? 0) + 1);
    }
    assert.equal(perRegion.size, 7);
    for (const n of perRegion.values()) assert.ok(n >= 3 && n <= 12, `${n} ICBs in a region`);
    assert.ok(new Set(perRegion.values()).size > 1, 'not all regions the same size');
  });

  it('spreads PCNs and practices unevenly, with none left empty', () => {
    const children = new Map<string, number>();
    for (const org of england) {
      if (org.parentCode) children.set(org.parentCode, (children.get(org.parentCode) ?? 0) + 1);
    }
    const perPcn = england
      .filter((org) => org.level === 'pcn')
      .map((pcn) => children.get(pcn.code) ?? 0);
    const perIcb = england
      .filter((org) => org.level === 'icb')
      .map((icb) => children.get(icb.code) ?? 0);
    assert.ok(Math.min(...perPcn) >= 1);
    assert.ok(Math.max(...perPcn) >= 2 * Math.min(...perPcn) + 2, 'practices per PCN vary');
    assert.ok(Math.max(...perIcb) >= 2 * Math.min(...perIcb), 'PCNs per ICB vary');
  });

  it('gives the same hierarchy on every run, and a different one for another seed', () => {
    assert.deepEqual(generateEngland(), england);
    assert.notDeepEqual(generateEngland({ seed: 7 }), england);
    assert.deepEqual(generateEngland({ seed: 7 }), generateEngland({ seed: 7 }));
  });

  it('is a valid hierarchy whose ancestors resolve to what it says', () => {
    const bare = england.map(({ icbCode: _icb, regionCode: _region, ...org }) => org);
    assert.deepEqual(resolveHierarchy(bare), england);
    for (const org of england) {
      if (org.level !== 'region') assert.ok(org.icbCode && org.regionCode, org.code);
    }
  });

  it('uses unique codes of the right shapes, names like "Synthetic ICB 07", all open', () => {
    assert.equal(new Set(england.map((org) => org.code)).size, england.length);
    const shapes: Record<Organisation['level'], RegExp> = {
      region: /^Y\d\d$/,
      icb: /^Q[A-Z0-9]{2}$/,
      pcn: /^U\d{5}$/,
      practice: /^[A-Z]\d{5}$/,
    };
    for (const org of england) assert.match(org.code, shapes[org.level]);
    assert.ok(england.some((org) => org.name === 'Synthetic ICB 07'));
    assert.ok(england.every((org) => org.open));
  });

  it('makes the sizes asked for', () => {
    const small = generateEngland({ pcns: 60, practices: 200 });
    assert.equal(count(small, 'pcn'), 60);
    assert.equal(count(small, 'practice'), 200);
  });

  it('refuses sizes it cannot build', () => {
    assert.throws(() => generateEngland({ pcns: 10 }), InvalidInputError);
    assert.throws(() => generateEngland({ pcns: 100, practices: 50 }), InvalidInputError);
    assert.throws(() => generateEngland({ seed: 1.5 }), InvalidInputError);
  });
});
