import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { checkMergeTable, checkUnitList, DEFAULT_UNITS_DIR, NationalUnits, type UnitListProblem } from '@lienganh/coordination';
import { Command } from 'commander';
import { UsageError } from '../usage-error.js';
import { text } from '../cli-language.js';

interface ImportOptions {
  merges?: string;
  since?: string;
  dir?: string;
  replace?: boolean;
}

/**
 * `npx lienganh units import`: a later reform's official list of units (and the merge table into
 * it from the list before) joins the registry as data, no release needed (issue #24). Both files
 * are checked whole first; nothing is written unless every line holds. Coordination reads the
 * lists when it starts.
 */
export function unitsCommand(): Command {
  const units = new Command('units').description(text({ vi: 'Danh mục đơn vị hành chính (trước và sau sắp xếp)', en: 'The official lists of administrative units (before and after a reform)' }));
  units
    .command('import')
    .description(text({ vi: 'Nhập danh mục đơn vị hành chính mới (units-<ngày>.csv) cùng bảng sáp nhập vào nó; kiểm tra toàn bộ trước khi ghi', en: 'Import a new official list of units (units-<date>.csv) with the merge table into it; checked whole before anything is written' }))
    .argument('<units.csv>', text({ vi: 'danh mục: code,name,kind,level,parent_code', en: 'the list: code,name,kind,level,parent_code' }))
    .option('--merges <file>', text({ vi: 'bảng sáp nhập: new_code,old_code,old_name,part (bắt buộc khi đã có danh mục trước đó)', en: 'the merge table: new_code,old_code,old_name,part (needed when a list precedes it)' }))
    .option('--since <date>', text({ vi: 'ngày danh mục có hiệu lực (mặc định: lấy từ tên tệp units-YYYY-MM-DD.csv)', en: 'the day the list is in force from (default: from the file name units-YYYY-MM-DD.csv)' }))
    .option('--dir <dir>', text({ vi: 'thư mục danh mục (mặc định LIENGANH_UNITS_DIR, hoặc danh mục kèm theo dự án)', en: 'the lists folder (default LIENGANH_UNITS_DIR, else the lists shipped with the project)' }))
    .option('--replace', text({ vi: 'thay danh mục cùng ngày đã có', en: 'replace a list of the same day' }))
    .action((file: string, options: ImportOptions) => importUnits(file, options));
  return units;
}

function importUnits(file: string, options: ImportOptions): void {
  const since = options.since ?? /^units-(\d{4}-\d{2}-\d{2})\.csv$/.exec(basename(file))?.[1];
  if (!since) throw new UsageError('--since: needed when the file is not named units-YYYY-MM-DD.csv');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(`${since}T00:00:00Z`))) throw new UsageError(`--since: "${since}" is not a date YYYY-MM-DD`);
  const dir = resolve(options.dir ?? (process.env.LIENGANH_UNITS_DIR || DEFAULT_UNITS_DIR));
  if (!existsSync(dir)) throw new UsageError(`--dir: ${dir} does not exist`);
  const existing = NationalUnits.load(dir);
  if (existing.lists.some((list) => list.since === since) && !options.replace) throw new UsageError(`a list in force from ${since} is in ${dir} already: --replace to replace it`);

  const listText = readText(file);
  const checked = checkUnitList(listText);
  refuse(file, checked.problems);
  const previous = existing.lists.filter((list) => list.since < since).at(-1);
  let mergesText: string | undefined;
  if (options.merges) {
    if (!previous) throw new UsageError(`--merges: no list before ${since} in ${dir} to merge from`);
    mergesText = readText(options.merges);
    refuse(options.merges, checkMergeTable(mergesText, previous.units, checked.units));
  } else if (previous) {
    throw new UsageError(`--merges: the list of ${previous.since} precedes this one; without the merge table its units would not lead to these`);
  }

  // Written beside the others, then renamed: a coordination starting meanwhile reads whole files only.
  const write = (name: string, content: string) => {
    const target = join(dir, name);
    writeFileSync(`${target}.tmp`, content);
    renameSync(`${target}.tmp`, target);
  };
  write(`units-${since}.csv`, listText);
  if (mergesText) write(`merges-${since}.csv`, mergesText);
  const count = (level: string) => [...checked.units.values()].filter((unit) => unit.level === level).length;
  console.log(`Đã nhập / imported: units-${since}.csv (${count('province')} provinces, ${count('district')} districts, ${count('commune')} communes)${mergesText ? `, merges-${since}.csv` : ''} into ${dir}`);
  console.log('Khởi động lại coordination để dùng danh mục mới / restart coordination to use the new list');
}

function readText(file: string): string {
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  return readFileSync(file, 'utf8');
}

/** Every problem of a file, each with its line, and exit code 2: nothing is written. */
function refuse(file: string, problems: readonly UnitListProblem[]): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 20).map((problem) => `  ${basename(file)}:${problem.line}: ${problem.message}`);
  if (problems.length > 20) shown.push(`  … ${problems.length - 20} more`);
  throw new UsageError(`${basename(file)}: ${problems.length} problem${problems.length > 1 ? 's' : ''}, nothing imported\n${shown.join('\n')}`);
}
