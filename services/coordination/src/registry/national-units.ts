import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the official lists ship (data/administrative-units); `LIENGANH_UNITS_DIR` points elsewhere, e.g. a later reform's lists. */
export const DEFAULT_UNITS_DIR = fileURLToPath(new URL('../../../../data/administrative-units/', import.meta.url));

export type UnitLevel = 'province' | 'district' | 'commune';

/** One administrative unit of one official list. */
export interface OfficialUnit {
  code: string;
  name: string;
  /** Tỉnh, Thành phố, Quận, Huyện, Thị xã, Phường, Xã, Thị trấn, Đặc khu. */
  kind: string;
  level: UnitLevel;
  parent?: string;
}

/** Where a unit of an earlier list went (or a unit of a later list came from): `partial` when only part of its territory did. */
export interface UnitLink {
  code: string;
  name: string;
  part: 'full' | 'partial';
}

/** An official list: the units in force from `since` until the next list. */
export interface UnitList {
  since: string;
  units: ReadonlyMap<string, OfficialUnit>;
}

/**
 * Every administrative unit of the country, from the statistics office's lists before and after
 * the July 2025 reform and the merge table between them (data/administrative-units, read its
 * README). A code is resolved together with a date: `00004` is Phường Trúc Bạch in the list of
 * 2025-03-01 and Phường Ba Đình in the list of 2025-07-01. A merge is never silently followed:
 * an old unit lists each unit it went into, `partial` where it was split.
 */
export class NationalUnits {
  private constructor(
    readonly lists: readonly UnitList[],
    /** Per later list (by its `since`), the merge table into it, indexed both ways. */
    private readonly merges: ReadonlyMap<string, MergeTable>,
  ) {}

  /** Reads the lists (`units-<date>.csv`) and merge tables (`merges-<date>.csv`) of a directory. */
  static load(dir = process.env.LIENGANH_UNITS_DIR || DEFAULT_UNITS_DIR): NationalUnits {
    const files = readdirSync(dir);
    const lists = files
      .flatMap((file) => {
        const since = /^units-(\d{4}-\d{2}-\d{2})\.csv$/.exec(file)?.[1];
        return since ? [{ since, units: new Map(rows(join(dir, file), 5).map(([code, name, kind, level, parent]) => [code!, { code: code!, name: name!, kind: kind!, level: level as UnitLevel, ...(parent ? { parent } : {}) }])) }] : [];
      })
      .sort((a, b) => a.since.localeCompare(b.since));
    const merges = new Map<string, MergeTable>();
    for (const file of files) {
      const since = /^merges-(\d{4}-\d{2}-\d{2})\.csv$/.exec(file)?.[1];
      if (!since) continue;
      const table: MergeTable = { formedFrom: new Map(), wentInto: new Map() };
      for (const [newCode, oldCode, oldName, part] of rows(join(dir, file), 4)) {
        const row = { newCode: newCode!, oldCode: oldCode!, oldName: oldName!, part: part === 'partial' ? ('partial' as const) : ('full' as const) };
        table.formedFrom.set(row.newCode, [...(table.formedFrom.get(row.newCode) ?? []), row]);
        table.wentInto.set(row.oldCode, [...(table.wentInto.get(row.oldCode) ?? []), row]);
      }
      merges.set(since, table);
    }
    if (lists.length === 0) throw new Error(`no official unit list (units-<date>.csv) in ${dir}`);
    return new NationalUnits(lists, merges);
  }

  /** The list in force on `at` (YYYY-MM-DD); the earliest list for a date before every list. */
  listAt(at: string): UnitList {
    return this.lists.findLast((list) => list.since <= at) ?? this.lists[0]!;
  }

  /** The units of a list at `level`, below `parent` when given, in code order. */
  find(at: string, filter: { level?: UnitLevel; parent?: string } = {}): OfficialUnit[] {
    return [...this.listAt(at).units.values()]
      .filter((unit) => (!filter.level || unit.level === filter.level) && (!filter.parent || unit.parent === filter.parent))
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  /** The unit a code names on `at`, with the units it went into (the next list) and came from (the previous one). */
  unit(code: string, at: string): (OfficialUnit & { list: string; successors?: UnitLink[]; predecessors?: UnitLink[] }) | undefined {
    const list = this.listAt(at);
    const unit = list.units.get(code);
    if (!unit) return undefined;
    const index = this.lists.indexOf(list);
    const next = this.lists[index + 1];
    const successors = next ? (this.merges.get(next.since)?.wentInto.get(code) ?? []).map((row) => ({ code: row.newCode, name: next.units.get(row.newCode)?.name ?? row.newCode, part: row.part })) : [];
    const predecessors = (this.merges.get(list.since)?.formedFrom.get(code) ?? []).map((row) => ({ code: row.oldCode, name: row.oldName, part: row.part }));
    return { ...unit, list: list.since, ...(successors.length > 0 ? { successors } : {}), ...(predecessors.length > 0 ? { predecessors } : {}) };
  }
}

/** One row of a merge table: an old unit (all of it, or part) went into a new one. */
interface MergeRow {
  newCode: string;
  oldCode: string;
  oldName: string;
  part: 'full' | 'partial';
}

interface MergeTable {
  formedFrom: Map<string, MergeRow[]>;
  wentInto: Map<string, MergeRow[]>;
}

/** A simple CSV of the statistics office's lists: no quoting (names hold no commas), a header line. */
function rows(file: string, columns: number): string[][] {
  const [, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  return lines.map((line) => {
    const cells = line.replace(/\r$/, '').split(',');
    if (cells.length !== columns) throw new Error(`${file}: "${line}" has ${cells.length} columns, not ${columns}`);
    return cells;
  });
}
