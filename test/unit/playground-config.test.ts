import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findActivityProblem } from '../../src/http/validate-activity';

// The Agents Playground builds every activity from .m365agentsplayground.yml; its built-in
// default has ids one digit too long to be GUIDs, which the bot refuses with 400.
const CONFIG = readFileSync(path.resolve(__dirname, '../../.m365agentsplayground.yml'), 'utf8');

function readValues(key: string): string[] {
  return [...CONFIG.matchAll(new RegExp(`^\\s*${key}: *(\\S+)\\s*$`, 'gm'))].map((m) => m[1]!);
}

describe('the Agents Playground configuration', () => {
  it('gives the tenant and every person GUIDs, so the bot accepts their activities', () => {
    const [tenantId] = readValues('tenantId');
    const people = readValues('aadObjectId');
    assert.ok(tenantId, 'tenantId is set');
    assert.equal(people.length, 6, 'the current user and the five others');
    for (const aadObjectId of people) {
      const activity = {
        type: 'message',
        serviceUrl: 'http://localhost:56150/_connector',
        conversation: { id: 'conversation-id', tenantId },
        from: { id: 'user-id-0', aadObjectId },
        channelData: { tenant: { id: tenantId } },
        text: 'help',
      };
      assert.equal(findActivityProblem(activity), undefined, aadObjectId);
    }
  });
});
