import assert from 'node:assert/strict';
import { shortOrgName } from '../../src/domain/access/short-org-name';

describe('short organisation names', () => {
  it('drops "NHS" and "Integrated Care Board" (or ICB) for narrow places', () => {
    assert.equal(
      shortOrgName('NHS Cheshire and Merseyside Integrated Care Board'),
      'Cheshire and Merseyside',
    );
    assert.equal(shortOrgName('NHS Demo Dales and Coast ICB'), 'Demo Dales and Coast');
    assert.equal(shortOrgName('NHS SOUTH YORKSHIRE INTEGRATED CARE BOARD'), 'South Yorkshire');
  });

  it('leaves other names as they are, and never shortens a name to nothing', () => {
    assert.equal(shortOrgName('Demo Riverside PCN'), 'Demo Riverside PCN');
    assert.equal(shortOrgName('NHS'), 'NHS');
  });
});
