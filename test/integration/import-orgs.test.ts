import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminCli } from '../support/admin-cli';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';

// An epraccur row as ODS writes it: 27 quoted columns. Only the columns the importer reads vary.
function epraccurRow(
  code: string,
  name: string,
  region: string,
  geography: string,
  commissioner: string,
  status = 'A',
): string {
  const fields = [code, name, region, geography, 'THE SURGERY', 'HIGH STREET', 'TOWN', '', '']
    .concat(['AB1 2CD', '19740401', '', status, 'B', commissioner, '20130401', '', '01234 567890'])
    .concat(['', '', '', '0', '', commissioner, '', '4', '']);
  return fields.map((field) => `"${field}"`).join(',');
}

// A national file from after July 2022: English practices under ICB codes, Welsh ones under W00.
const ENGLAND = [
  epraccurRow('A81001', 'THE DENSHAM SURGERY', 'Y63', 'QHM', '16C'),
  epraccurRow('A81002', 'QUEENS PARK MEDICAL CENTRE', 'Y63', 'QHM', '16C'),
  epraccurRow('P81002', 'DARWEN HEALTHCARE', 'Y62', 'QE1', '00Q'),
  epraccurRow('P81003', 'ROE LEE SURGERY', 'Y62', 'QE1', '01K'),
];
const WALES = [
  epraccurRow('W91002', 'PLAS MEDDYG', 'W00', 'Q99', '7A1'),
  epraccurRow('W91003', 'CLARENCE MEDICAL CENTRE', 'W00', 'Q99', '7A1'),
  epraccurRow('W93021', 'CAERFFILI HEALTH CENTRE', 'W00', 'Q99', '7A6', 'C'),
];

describe('import-orgs with national ODS files (npm run admin)', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let env: NodeJS.ProcessEnv;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'arb-ods-'));

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    env = {
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      DATA_DIR: tmp,
      LOG_LEVEL: 'silent',
    };
  });
  after(async () => {
    await azurite?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const admin = adminCli(() => env);

  function writeFile(name: string, rows: readonly string[]): string {
    const file = path.join(tmp, name);
    writeFileSync(file, `${rows.join('\r\n')}\r\n`);
    return file;
  }

  async function practice(code: string) {
    return (await storage.organisations.listAll()).find((o) => o.code === code);
  }

  it('imports a file mixing England and Wales rows, skipping the Welsh ones with their count', async () => {
    const file = writeFile('epraccur-2023.csv', [
      ...ENGLAND.slice(0, 2),
      ...WALES,
      ...ENGLAND.slice(2),
    ]);
    const { code, out, err } = await admin('import-orgs', file);
    assert.equal(code, 0, err);
    assert.match(out, /epraccur: 4 GP practices \(4 open, 0 closed\)\./);
    assert.match(out, /Skipped: 3 GP practices outside NHS England \(Wales 3\)\./);
    assert.match(out, /Note: This file uses the ICB geography \(July 2022 onwards\)/);
    assert.doesNotMatch(out, /before July 2022/);
    assert.match(out, /Added 8, updated 0, closed 0/);
    assert.equal(
      (await practice('QHM'))?.name,
      'NHS North East and North Cumbria Integrated Care Board',
    );
    assert.equal((await practice('QE1'))?.parentCode, 'Y62');
    assert.equal(await practice('W91002'), undefined);
    assert.equal(await practice('W00'), undefined);
  });

  it('reports the open practices a newer file does not list, and keeps them open', async () => {
    const file = writeFile('epraccur-2024.csv', [...ENGLAND.slice(0, 3), ...WALES]);
    const { code, out, err } = await admin('import-orgs', file);
    assert.equal(code, 0, err);
    assert.match(
      out,
      /^1 open practice is not in this file \(P81003 ROE LEE SURGERY\); kept open\. Use --close-missing when the file covers all of England \(try it with --dry-run first\)\.$/m,
    );
    assert.equal((await practice('P81003'))?.open, true);
  });

  it('closes them with --close-missing, after a dry run that changes nothing', async () => {
    const file = writeFile('epraccur-2024.csv', [...ENGLAND.slice(0, 3), ...WALES]);
    const dry = await admin('import-orgs', file, '--close-missing', '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(
      dry.out,
      /^Would close 1 open practice not in this file \(P81003 ROE LEE SURGERY\)\.$/m,
    );
    assert.equal((await practice('P81003'))?.open, true);

    const real = await admin('import-orgs', file, '--close-missing');
    assert.equal(real.code, 0, real.err);
    assert.match(
      real.out,
      /^Closed 1 open practice not in this file \(P81003 ROE LEE SURGERY\)\.$/m,
    );
    const closed = await practice('P81003');
    assert.equal(closed?.open, false);
    assert.equal(closed?.name, 'ROE LEE SURGERY');

    const again = await admin('import-orgs', file, '--close-missing');
    assert.match(again.out, /Every open practice in storage is in this file: none to close\./);
    assert.match(again.out, /0 changes\)/);
  });

  it('reads a CCG-era file and says so from its codes', async () => {
    const file = writeFile('epraccur-2019.csv', [
      epraccurRow('A81001', 'THE DENSHAM SURGERY', 'Y63', 'Q74', '00K'),
      epraccurRow('N81001', 'AUDLEM MEDICAL PRACTICE', 'Y62', 'Q75', '01R'),
    ]);
    const { code, out, err } = await admin('import-orgs', file, '--dry-run');
    assert.equal(code, 0, err);
    assert.match(out, /Note: This file uses the CCG-era geography \(before July 2022\)/);
    assert.match(out, /named like "Health geography Q74 \(from epraccur\)"/);
  });
});
