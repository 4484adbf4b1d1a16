import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_UNITS_DIR, NationalUnits } from '@lienganh/coordination';
import { runCli } from '../support/cli.js';

/**
 * Issue #24: a later reform's list joins the registry as data, through the CLI. A made-up reform
 * of 1 January 2027 merges two of Lai Châu's communes (03390 Bình Lư, 03394 Sin Suối Hồ) into one
 * new commune, 03399, and leaves every other unit as it was.
 */

let dir: string;
let work: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lienganh-units-'));
  cpSync(DEFAULT_UNITS_DIR, dir, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'lienganh-units-files-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const current = readFileSync(join(DEFAULT_UNITS_DIR, 'units-2025-07-01.csv'), 'utf8').replace(/\r/g, '').trim().split('\n');
const MERGED = ['03390', '03394'];

/** The 2027 list and its merge table, as the statistics office would publish them. */
function reform2027(): { units: string; merges: string } {
  const [header, ...rows] = current;
  const kept = rows.filter((row) => !MERGED.includes(row.split(',')[0]!));
  const units = [header, ...kept, '03399,Xã Bình Lư Mới,Xã,commune,12'].join('\n');
  const merges = [
    'new_code,old_code,old_name,part',
    ...kept.map((row) => {
      const [code, name] = row.split(',');
      return `${code},${code},${name},full`;
    }),
    '03399,03390,Xã Bình Lư,full',
    '03399,03394,Xã Sin Suối Hồ,partial',
  ].join('\n');
  return { units, merges };
}

function files(content: { units: string; merges: string }, name = 'units-2027-01-01.csv'): { units: string; merges: string } {
  writeFileSync(join(work, name), content.units);
  writeFileSync(join(work, 'merges.csv'), content.merges);
  return { units: join(work, name), merges: join(work, 'merges.csv') };
}

it('imports a later list with its merge table: units resolve on either side of the reform, merges shown as such', async () => {
  const { units, merges } = files(reform2027());
  const result = await runCli(['units', 'import', units, '--merges', merges, '--dir', dir]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(result.stdout).toContain('units-2027-01-01.csv (34 provinces, 0 districts, 3320 communes), merges-2027-01-01.csv');
  const registry = NationalUnits.load(dir);
  expect(registry.lists.map((list) => list.since)).toEqual(['2025-03-01', '2025-07-01', '2027-01-01']);
  expect(registry.unit('03390', '2026-06-01')).toMatchObject({ name: 'Xã Bình Lư', successors: [{ code: '03399', name: 'Xã Bình Lư Mới', part: 'full' }] });
  expect(registry.unit('03399', '2027-03-01')!.predecessors).toEqual([
    { code: '03390', name: 'Xã Bình Lư', part: 'full' },
    { code: '03394', name: 'Xã Sin Suối Hồ', part: 'partial' },
  ]);
  expect(registry.find('2027-03-01', { parent: '12' })).toHaveLength(37);

  // The same day again: refused unless replaced.
  const again = await runCli(['units', 'import', units, '--merges', merges, '--dir', dir]);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('a list in force from 2027-01-01 is in');
  expect((await runCli(['units', 'import', units, '--merges', merges, '--dir', dir, '--replace'])).code).toBe(0);
}, 60_000);

it('refuses a list or a merge table with problems, each with its line, and writes nothing', async () => {
  const before = readdirSync(dir).sort();
  const bad = reform2027();
  const broken = {
    units: `${bad.units.replace('03399,Xã Bình Lư Mới,Xã,commune,12', '03399,Xã Bình Lư Mới,Xã,commune,99')}\n1234,Xã Lạ,Xã,commune,12`,
    merges: bad.merges,
  };
  const listRefused = await runCli(['units', 'import', files(broken).units, '--merges', files(broken).merges, '--dir', dir]);
  expect(listRefused.code).toBe(2);
  expect(listRefused.stderr).toMatch(/units-2027-01-01\.csv:\d+: code "1234" is not 5 digits, as a commune's is/);
  expect(listRefused.stderr).toContain('2 problems, nothing imported');
  expect(listRefused.stderr).toMatch(/units-2027-01-01\.csv:\d+: parent_code 99 is not in the list/);
  expect(listRefused.stderr).not.toMatch(/\n\s+at /);

  const mergesRefused = await runCli(['units', 'import', ...Object.values(files({ units: bad.units, merges: `${bad.merges}\n03399,99999,Xã Không Có,some` })).flatMap((file, index) => (index === 0 ? [file] : ['--merges', file])), '--dir', dir]);
  expect(mergesRefused.code).toBe(2);
  expect(mergesRefused.stderr).toContain('old_code 99999 is not in the list before it');
  expect(mergesRefused.stderr).toContain('part "some" is neither full nor partial');

  const withoutMerges = await runCli(['units', 'import', files(bad).units, '--dir', dir]);
  expect(withoutMerges.code).toBe(2);
  expect(withoutMerges.stderr).toContain('--merges: the list of 2025-07-01 precedes this one');

  const undated = await runCli(['units', 'import', files(bad, 'new-list.csv').units, '--merges', join(work, 'merges.csv'), '--dir', dir]);
  expect(undated.code).toBe(2);
  expect(undated.stderr).toContain('--since: needed');
  expect(readdirSync(dir).sort()).toEqual(before);
}, 60_000);
