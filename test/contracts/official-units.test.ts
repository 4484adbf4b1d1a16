import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OFFICIAL_UNIT_CODES } from '../../contracts/src/official-units.generated.js';
import { repoRoot } from '../support/cli.js';

// The codes contracts compile in (ADR 0016) are the shipped lists' codes, one set per list:
// a list changed without `node scripts/generate-official-units.mjs` fails here.
const dataDir = join(repoRoot, 'data/administrative-units');

it('holds exactly the codes of every unit list in data/administrative-units', () => {
  const lists = readdirSync(dataDir).filter((file) => /^units-\d{4}-\d{2}-\d{2}\.csv$/.test(file));
  expect(lists.length).toBeGreaterThanOrEqual(2);
  expect(Object.keys(OFFICIAL_UNIT_CODES).sort()).toEqual(lists.map((file) => file.slice('units-'.length, -'.csv'.length)).sort());
  for (const file of lists) {
    const codes = readFileSync(join(dataDir, file), 'utf8').trim().split('\n').slice(1).map((row) => row.split(',')[0]);
    expect(new Set(OFFICIAL_UNIT_CODES[file.slice('units-'.length, -'.csv'.length)]!.split(' '))).toEqual(new Set(codes));
  }
  // As the data's README counts them.
  const counts = (since: string) => OFFICIAL_UNIT_CODES[since]!.split(' ').length;
  expect(counts('2025-03-01')).toBe(63 + 696 + 10_047);
  expect(counts('2025-07-01')).toBe(34 + 3_321);
});
