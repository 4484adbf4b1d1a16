import type { OfficialUnit, UnitLevel } from './national-units.js';

/**
 * Checks an official list of units, and the merge table into it, before they join the registry
 * (`npx lienganh units import`): a later reform ships as data, so the data is checked whole, each
 * problem with its line, before anything is written.
 */

export interface UnitListProblem {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  message: string;
}

export const UNIT_LIST_HEADER = 'code,name,kind,level,parent_code';
export const MERGE_TABLE_HEADER = 'new_code,old_code,old_name,part';

const KINDS = ['Tỉnh', 'Thành phố', 'Quận', 'Huyện', 'Thị xã', 'Phường', 'Xã', 'Thị trấn', 'Đặc khu'];
const CODE_DIGITS: Record<UnitLevel, number> = { province: 2, district: 3, commune: 5 };
/** The levels a unit's parent may be at. */
const PARENT_LEVELS: Record<UnitLevel, UnitLevel[]> = { province: [], district: ['province'], commune: ['district', 'province'] };

/** The lines of a CSV without quoting (the statistics office's names hold no commas), with their numbers. */
function lines(text: string): { line: number; cells: string[] }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((raw, index) => ({ line: index + 1, raw: raw.replace(/\r$/, '') }))
    .filter(({ raw }) => raw.trim() !== '')
    .map(({ line, raw }) => ({ line, cells: raw.split(',') }));
}

export function checkUnitList(text: string): { units: Map<string, OfficialUnit>; problems: UnitListProblem[] } {
  const problems: UnitListProblem[] = [];
  const units = new Map<string, OfficialUnit>();
  const [header, ...rows] = lines(text);
  if (header?.cells.join(',') !== UNIT_LIST_HEADER) return { units, problems: [{ line: 1, message: `the header must be "${UNIT_LIST_HEADER}"` }] };
  const lineOf = new Map<string, number>();
  for (const { line, cells } of rows) {
    if (cells.length !== 5) {
      problems.push({ line, message: `has ${cells.length} columns, not 5 (${UNIT_LIST_HEADER})` });
      continue;
    }
    const [code, name, kind, level, parent] = cells.map((cell) => cell.trim()) as [string, string, string, string, string];
    const before = problems.length;
    if (!(level in CODE_DIGITS)) problems.push({ line, message: `level "${level}" is not province, district or commune` });
    else if (!new RegExp(`^\\d{${CODE_DIGITS[level as UnitLevel]}}$`).test(code)) problems.push({ line, message: `code "${code}" is not ${CODE_DIGITS[level as UnitLevel]} digits, as a ${level}'s is` });
    if (!name || name.length > 200) problems.push({ line, message: 'name must be 1-200 characters' });
    if (!KINDS.includes(kind)) problems.push({ line, message: `kind "${kind}" is not one of ${KINDS.join(', ')}` });
    if (units.has(code)) problems.push({ line, message: `code ${code} is on line ${lineOf.get(code)} already` });
    if (problems.length > before) continue;
    units.set(code, { code, name, kind, level: level as UnitLevel, ...(parent ? { parent } : {}) });
    lineOf.set(code, line);
  }
  // Parents once every unit is known: a list need not be in hierarchy order.
  for (const unit of units.values()) {
    const line = lineOf.get(unit.code)!;
    const allowed = PARENT_LEVELS[unit.level];
    if (!unit.parent) {
      if (allowed.length > 0) problems.push({ line, message: `a ${unit.level} needs its parent_code` });
      continue;
    }
    const parent = units.get(unit.parent);
    if (allowed.length === 0) problems.push({ line, message: 'a province has no parent_code' });
    else if (!parent) problems.push({ line, message: `parent_code ${unit.parent} is not in the list` });
    else if (!allowed.includes(parent.level)) problems.push({ line, message: `parent_code ${unit.parent} is a ${parent.level}: a ${unit.level}'s parent is a ${allowed.join(' or ')}` });
  }
  problems.sort((a, b) => a.line - b.line);
  return { units, problems };
}

/** The merge table into `next` from `previous` (the list in force before it): every code on both sides must be in its list. */
export function checkMergeTable(text: string, previous: ReadonlyMap<string, OfficialUnit>, next: ReadonlyMap<string, OfficialUnit>): UnitListProblem[] {
  const problems: UnitListProblem[] = [];
  const [header, ...rows] = lines(text);
  if (header?.cells.join(',') !== MERGE_TABLE_HEADER) return [{ line: 1, message: `the header must be "${MERGE_TABLE_HEADER}"` }];
  const seen = new Map<string, number>();
  for (const { line, cells } of rows) {
    if (cells.length !== 4) {
      problems.push({ line, message: `has ${cells.length} columns, not 4 (${MERGE_TABLE_HEADER})` });
      continue;
    }
    const [newCode, oldCode, , part] = cells.map((cell) => cell.trim()) as [string, string, string, string];
    if (!next.has(newCode)) problems.push({ line, message: `new_code ${newCode} is not in the new list` });
    if (!previous.has(oldCode)) problems.push({ line, message: `old_code ${oldCode} is not in the list before it` });
    if (part !== 'full' && part !== 'partial') problems.push({ line, message: `part "${part}" is neither full nor partial` });
    const pair = `${newCode}<${oldCode}`;
    if (seen.has(pair)) problems.push({ line, message: `${oldCode} into ${newCode} is on line ${seen.get(pair)} already` });
    seen.set(pair, line);
  }
  return problems;
}
