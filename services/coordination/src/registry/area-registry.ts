import type { z } from 'zod';
import type { AreaKind, AreaLevel } from '@lienganh/contracts';

type Level = z.infer<typeof AreaLevel>;
type Kind = z.infer<typeof AreaKind>;

export interface AreaEntry {
  code: string;
  name: { vi: string; en: string };
  level: Level;
  /** xã, phường, thị trấn, quận, huyện…: what a measure's area set may name beside the level. */
  kind?: Kind;
  parent?: string;
  /** When the area came into being (by a merge or a rename), if not always. */
  since?: string;
  /** The area this one was merged into or renamed to, and from when. */
  successor?: string;
  until?: string;
}

/**
 * Areas as data: a hierarchy of any depth, and the history of merges and renames, so that a
 * 2021 district plan still measures events from the wards that replaced its wards after the
 * July 2025 reform, and a two-tier province plan works beside it.
 */
export class AreaRegistry {
  private readonly areas = new Map<string, AreaEntry>();
  /** successor → the areas it replaced. */
  private readonly predecessors = new Map<string, string[]>();
  /**
   * Per area code asked about: every area it counts within (`isWithin`), which every event asks
   * for every target; made at the first question, forgotten whenever the hierarchy changes.
   */
  private readonly ancestry = new Map<string, Set<string>>();

  register(area: AreaEntry): 'added' | 'updated' | 'unchanged' {
    const known = this.areas.get(area.code);
    if (known && JSON.stringify({ ...known, ...area }) === JSON.stringify(known)) return 'unchanged';
    this.areas.set(area.code, { ...known, ...area });
    this.ancestry.clear();
    return known ? 'updated' : 'added';
  }

  /** `codes` stop existing on `on`; `into` (registered here) takes their place. A rename is a merge of one. */
  merge(codes: readonly string[], into: AreaEntry, on: string): void {
    this.register({ ...into, since: into.since ?? on });
    for (const code of codes) {
      const area = this.areas.get(code);
      if (!area) throw new Error(`unknown area "${code}"`);
      Object.assign(area, { successor: into.code, until: on });
      this.predecessors.set(into.code, [...(this.predecessors.get(into.code) ?? []), code]);
    }
    this.ancestry.clear();
  }

  get(code: string): AreaEntry | undefined {
    return this.areas.get(code);
  }

  has(code: string): boolean {
    return this.areas.has(code);
  }

  /** Whether `code` is `ancestor`, lies below it, or replaced areas that did. */
  isWithin(code: string, ancestor: string): boolean {
    return this.ancestorsOf(code).has(ancestor);
  }

  /** Every area `code` counts within: itself, its parents, and those of the areas it replaced. */
  ancestorsOf(code: string): ReadonlySet<string> {
    let ancestors = this.ancestry.get(code);
    if (!ancestors) this.ancestry.set(code, (ancestors = this.collectAncestors(code, new Set(), new Set())));
    return ancestors;
  }

  /**
   * The one of `candidates` (sibling areas) that `code` is counted under: the first on its parent
   * chain; failing that, the first reached through the areas it replaced. Undefined when none is:
   * an event is counted in one sibling at most, never in two (ADR 0010, 5).
   */
  placeUnder(code: string, candidates: readonly string[]): string | undefined {
    const wanted = new Set(candidates);
    for (let current: string | undefined = code; current; current = this.areas.get(current)?.parent) {
      if (wanted.has(current)) return current;
    }
    return candidates.find((candidate) => this.isWithin(code, candidate));
  }

  /** The areas of `level` below `ancestor` that exist on `on` (e.g. every ward of a district in 2021). */
  below(ancestor: string, level: Level, on: string): AreaEntry[] {
    return [...this.areas.values()].filter(
      (area) =>
        area.level === level &&
        area.code !== ancestor &&
        (!area.since || area.since <= on) &&
        (!area.until || area.until > on) &&
        this.isWithin(area.code, ancestor),
    );
  }

  /**
   * The areas below `ancestor` that exist on `on`, of any of `levels` and any of `kinds` (each
   * filter only when given): "every commune, ward and town", "districts and communes" (ADR 0012).
   */
  matching(ancestor: string, on: string, levels: readonly string[] | undefined, kinds: readonly string[] | undefined): AreaEntry[] {
    return [...this.areas.values()].filter(
      (area) =>
        area.code !== ancestor &&
        (!levels || levels.includes(area.level)) &&
        (!kinds || (area.kind !== undefined && kinds.includes(area.kind))) &&
        (!area.since || area.since <= on) &&
        (!area.until || area.until > on) &&
        this.isWithin(area.code, ancestor),
    );
  }

  /** The areas directly below `parent` that exist on `on`: a plan's districts, or a two-tier province's wards. */
  children(parent: string, on: string): AreaEntry[] {
    return [...this.areas.values()].filter((area) => area.parent === parent && (!area.since || area.since <= on) && (!area.until || area.until > on));
  }

  private collectAncestors(code: string, ancestors: Set<string>, seen: Set<string>): Set<string> {
    if (seen.has(code)) return ancestors; // a cycle in bad data must not hang the projection
    seen.add(code);
    for (let current: string | undefined = code; current && !ancestors.has(current); current = this.areas.get(current)?.parent) ancestors.add(current);
    for (const predecessor of this.predecessors.get(code) ?? []) this.collectAncestors(predecessor, ancestors, seen);
    return ancestors;
  }
}
