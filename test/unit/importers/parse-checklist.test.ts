import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AREAS, ACTION_LEVELS } from '../../../src/domain/checklists/checklists';
import { parseChecklist } from '../../../src/importers/parse-checklist';
import { catchImportError, findProblem } from './catch-import-error';

const REFERENCE = '/work/shared/reference/checklist-2023.json';
const DATA = path.join(__dirname, '..', '..', '..', 'data', 'checklist-2023.json');
const META = { id: 'recovering-access-2023', version: 1, title: 'Recovering access' };
const HEADER = 'id,level,area,title,detail,due,source,confidence';

interface RawAction {
  id: string;
  level: string;
  area: number | null;
  due: string | null;
  source: string;
  confidence: string;
}

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n');
}

describe('parseChecklist', () => {
  describe('the reference list of actions', () => {
    const text = readFileSync(REFERENCE, 'utf8');
    const raw = JSON.parse(text) as RawAction[];
    const checklist = parseChecklist(text, META);

    it('reads every action, with id, version and title from the options', () => {
      assert.equal(checklist.actions.length, raw.length);
      assert.deepEqual(
        checklist.actions.map((a) => a.id),
        raw.map((a) => a.id),
      );
      assert.equal(checklist.id, META.id);
      assert.equal(checklist.version, META.version);
    });

    it('normalises levels to lower case and missing areas to cross-cutting', () => {
      checklist.actions.forEach((action, i) => {
        assert.equal(action.level, raw[i]?.level.toLowerCase());
        assert.ok(ACTION_LEVELS.includes(action.level));
        assert.ok(AREAS.includes(action.area));
        assert.equal(action.area, raw[i]?.area ?? 'cross-cutting');
      });
    });

    it('leaves out the due date where there is none, rather than setting it to nothing', () => {
      checklist.actions.forEach((action, i) => {
        if (raw[i]?.due === null) assert.equal('due' in action, false, action.id);
        else assert.equal(action.due, raw[i]?.due);
      });
    });

    it('keeps source and confidence exactly as written', () => {
      checklist.actions.forEach((action, i) => {
        assert.equal(action.source, raw[i]?.source);
        assert.equal(action.confidence, raw[i]?.confidence);
      });
    });
  });

  it('takes id, version and title from a checklist object over the options', () => {
    const checklist = parseChecklist(readFileSync(DATA, 'utf8'), {
      id: 'other',
      version: 9,
      title: 'x',
    });
    assert.equal(checklist.id, 'recovering-access-2023');
    assert.equal(checklist.version, 1);
    assert.match(checklist.title, /^Delivery plan for recovering access/);
  });

  it('reads CSV, with quoted commas, any-case levels and empty or named cross-cutting areas', () => {
    const checklist = parseChecklist(
      csv(
        'ICB-01,ICB,2,"Get practices on digital telephony","Contact every practice, record plans",2023-07-01,https://example.org/a,READ',
        'PCN-01,PCN,,Submit the access plan,,,Pulse,"memory, unverified"',
        'REG-01,Region,Cross-Cutting,Assure ICB plans,,,,',
      ),
      META,
    );
    assert.deepEqual(checklist.actions[0], {
      id: 'ICB-01',
      level: 'icb',
      area: 2,
      title: 'Get practices on digital telephony',
      detail: 'Contact every practice, record plans',
      due: '2023-07-01',
      source: 'https://example.org/a',
      confidence: 'READ',
    });
    assert.equal(checklist.actions[1]?.area, 'cross-cutting');
    assert.equal(checklist.actions[1]?.confidence, 'memory, unverified');
    assert.equal(checklist.actions[2]?.level, 'region');
    assert.equal(checklist.actions[2]?.area, 'cross-cutting');
  });

  describe('refuses', () => {
    const good = 'ICB-01,ICB,2,Title,Detail,2023-07-01,src,READ';

    it('an unknown level or area, naming the row and column', () => {
      const error = catchImportError(() =>
        parseChecklist(csv(good, 'ICB-02,ward,2,Title,,,,', 'ICB-03,icb,5,Title,,,,'), META),
      );
      const level = findProblem(error, /ICB-02: unknown level "ward"/);
      assert.deepEqual([level.line, level.field], [3, 'level']);
      const area = findProblem(error, /ICB-03: unknown area "5"/);
      assert.deepEqual([area.line, area.field], [4, 'area']);
    });

    it('duplicate ids, naming both lines', () => {
      const error = catchImportError(() =>
        parseChecklist(csv(good, 'ICB-02,icb,1,T,,,,', good), META),
      );
      const problem = findProblem(error, /ICB-01 is used twice \(first on line 2\)/);
      assert.equal(problem.line, 4);
    });

    it('ids with characters storage keys cannot hold, or of the wrong shape', () => {
      const error = catchImportError(() =>
        parseChecklist(csv('ICB/01,icb,1,T,,,,', 'ICB 02,icb,1,T,,,,', '-03,icb,1,T,,,,'), META),
      );
      assert.equal(findProblem(error, /"ICB\/01" contains "\/"/).line, 2);
      assert.equal(findProblem(error, /"ICB 02" must be letters and digits/).line, 3);
      assert.equal(findProblem(error, /"-03" must be letters and digits/).line, 4);
    });

    it('a title longer than 200 characters', () => {
      const error = catchImportError(() =>
        parseChecklist(csv(`ICB-01,icb,1,${'x'.repeat(201)},,,,`), META),
      );
      assert.equal(findProblem(error, /title is 201 characters/).field, 'title');
    });

    it('a due date that is not a real date written YYYY-MM-DD', () => {
      const error = catchImportError(() =>
        parseChecklist(csv('ICB-01,icb,1,T,,2023-02-30,,', 'ICB-02,icb,1,T,,01/07/2023,,'), META),
      );
      assert.equal(findProblem(error, /"2023-02-30" is not a real date/).line, 2);
      assert.equal(findProblem(error, /"01\/07\/2023" is not a real date/).line, 3);
    });

    it('rows with the wrong number of columns, naming the line', () => {
      const error = catchImportError(() =>
        parseChecklist(csv(good, 'ICB-02,icb,1,Title, with comma,,,,'), META),
      );
      assert.equal(findProblem(error, /expected 8 columns, as in the header, but found 9/).line, 3);
    });

    it('malformed CSV, naming the line', () => {
      const error = catchImportError(() =>
        parseChecklist(csv(good, 'ICB-02,icb,1,"Unclosed,,,,'), META),
      );
      assert.equal(findProblem(error, /never closed/).line, 3);
    });

    it('a bare list with no id, version or title to go with it', () => {
      const error = catchImportError(() => parseChecklist(csv(good)));
      findProblem(error, /has no id/);
      findProblem(error, /has no version/);
      findProblem(error, /has no title/);
    });

    it('JSON actions with bad fields, naming the property path', () => {
      const actions = [
        {
          id: 'ICB-01',
          level: 'ICB',
          area: 2,
          title: 'T',
          detail: '',
          due: null,
          source: '',
          confidence: '',
        },
        {
          id: 'ICB-02',
          level: 'board',
          area: 'two',
          title: 7,
          detail: '',
          due: '2023-7-1',
          source: '',
          confidence: '',
        },
      ];
      const error = catchImportError(() => parseChecklist(JSON.stringify({ ...META, actions })));
      assert.equal(findProblem(error, /unknown level "board"/).field, 'actions[1].level');
      assert.equal(findProblem(error, /unknown area "two"/).field, 'actions[1].area');
      assert.equal(findProblem(error, /title must be text/).field, 'actions[1].title');
      assert.equal(findProblem(error, /"2023-7-1" is not a real date/).field, 'actions[1].due');
    });

    it('a checklist with no actions', () => {
      findProblem(
        catchImportError(() => parseChecklist(HEADER, META)),
        /no actions/,
      );
    });
  });
});
