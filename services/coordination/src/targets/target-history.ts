import type { Measure } from '@lienganh/contracts';
import { addCounted, emptyTally, vietnamDate, type Counted, type TargetTally } from './target-tally.js';

/**
 * What a target's contributing events added, per Vietnam day and area (ADR 0023): counters, and
 * the first day each distinct value was counted. The figures as they stood at the end of any day
 * are rebuilt from it (`tallyAt`, `talliesAt`), and the events of a period in an area are summed
 * from it, without keeping the events: it grows with days × areas and with the distinct values
 * (businesses, referrals), not with the events.
 */
export class TargetHistory {
  /** `${day}|${area}` → [events, numerators, denominators, amount]: what the events of that day and area added. */
  readonly days = new Map<string, DayFigures>();
  /** Distinct value → the first day (Vietnam date of the event's `time`) it was counted. */
  readonly numerators = new Map<string, string>();
  readonly denominators = new Map<string, string>();
  /** Keys changed since the last `takeChange`. */
  private dirty = { days: new Set<string>(), numerators: new Set<string>(), denominators: new Set<string>() };

  /** One contributing event: what it added (`evolveTally`), and `dayArea` (`dayAreaOf`, made once per event for all its targets). */
  add(counted: Counted, key: string): void {
    const day = key.slice(0, 10);
    let figures = this.days.get(key);
    if (!figures) this.days.set(key, (figures = [0, 0, 0, 0]));
    figures[0]++;
    if (counted.numerator !== undefined) {
      figures[1]++;
      figures[3] += counted.amount ?? 0;
      firstDay(this.numerators, this.dirty.numerators, counted.numerator, day);
    }
    if (counted.denominator !== undefined) {
      figures[2]++;
      firstDay(this.denominators, this.dirty.denominators, counted.denominator, day);
    }
    this.dirty.days.add(key);
  }

  /** Contributing events whose day is within `[from, to]` (Vietnam dates) and whose area passes `inArea`. */
  eventsIn(from: string, to: string, inArea: (area: string) => boolean): number {
    let events = 0;
    for (const [key, figures] of this.days) {
      const day = key.slice(0, 10);
      if (day >= from && day <= to && inArea(key.slice(11))) events += figures[0];
    }
    return events;
  }

  /**
   * The tallies as they stood at the end of each of `days` (Vietnam dates, ascending), in one pass:
   * `visit` sees the tally at each day before later days are added to it, so it must not keep it.
   * What the periodic report's cumulative figures and the board's monthly series are made of.
   */
  talliesAt(measure: Measure, days: readonly string[], yearly: boolean, visit: (tally: TargetTally, index: number) => void): void {
    const entries = [...this.days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const numerators = byDay(this.numerators);
    const denominators = byDay(this.denominators);
    const tally = emptyTally(yearly);
    let next = 0;
    let nextNumerator = 0;
    let nextDenominator = 0;
    days.forEach((until, index) => {
      for (; next < entries.length && entries[next]![0].slice(0, 10) <= until; next++) {
        const [key, [events, numeratorHits, denominatorHits, amount]] = entries[next]!;
        const area = key.slice(11);
        tally.events += events;
        tally.byArea.set(area, (tally.byArea.get(area) ?? 0) + events);
        addCounted(tally, measure, key.slice(0, 4), { numerators: numeratorHits, denominators: denominatorHits, amount });
      }
      for (; nextNumerator < numerators.length && numerators[nextNumerator]![1] <= until; nextNumerator++) {
        const [value, day] = numerators[nextNumerator]!;
        addCounted(tally, measure, day.slice(0, 4), { numerator: value });
      }
      for (; nextDenominator < denominators.length && denominators[nextDenominator]![1] <= until; nextDenominator++) {
        const [value, day] = denominators[nextDenominator]!;
        addCounted(tally, measure, day.slice(0, 4), { denominator: value });
      }
      visit(tally, index);
    });
  }

  /** The entries changed since the last call (absolute values: committing one twice changes nothing). */
  takeChange(key: string): StoredHistory {
    const { days, numerators, denominators } = this.dirty;
    this.dirty = { days: new Set(), numerators: new Set(), denominators: new Set() };
    return {
      key,
      days: Object.fromEntries([...days].map((day) => [day, [...this.days.get(day)!] as DayFigures])),
      numerators: Object.fromEntries([...numerators].map((value) => [value, this.numerators.get(value)!])),
      denominators: Object.fromEntries([...denominators].map((value) => [value, this.denominators.get(value)!])),
    };
  }

  /** Marks a change a failed commit did not keep as changed again. */
  restoreChange(change: StoredHistory): void {
    for (const day of Object.keys(change.days)) this.dirty.days.add(day);
    for (const value of Object.keys(change.numerators)) this.dirty.numerators.add(value);
    for (const value of Object.keys(change.denominators)) this.dirty.denominators.add(value);
  }

  /** Whole, a copy (two histories of the same events are equal documents: equality reads no key order). */
  stored(key: string): StoredHistory {
    return { key, days: Object.fromEntries([...this.days].map(([day, figures]) => [day, [...figures] as DayFigures])), numerators: Object.fromEntries(this.numerators), denominators: Object.fromEntries(this.denominators) };
  }

  /** Merges a stored document (whole, or a change over an earlier one) into this history. */
  merge(stored: StoredHistory): void {
    for (const [key, figures] of Object.entries(stored.days)) this.days.set(key, [...figures] as DayFigures);
    for (const [value, day] of Object.entries(stored.numerators)) firstDay(this.numerators, undefined, value, day);
    for (const [value, day] of Object.entries(stored.denominators)) firstDay(this.denominators, undefined, value, day);
  }
}

/** The key of an event's day (Vietnam date of its own `time`) and area in a history. */
export const dayAreaOf = (time: string, area: string) => `${vietnamDate(time)}|${area}`;

/** [events, numerators, denominators, amount]. */
export type DayFigures = [number, number, number, number];

/** A target's history as a store keeps it (whole), or what changed in it (`takeChange`). */
export interface StoredHistory {
  /** `${planId}/${targetId}`. */
  key: string;
  days: Record<string, DayFigures>;
  numerators: Record<string, string>;
  denominators: Record<string, string>;
}

/** Keeps the earliest day a value was counted, whatever order the events came in. */
function firstDay(map: Map<string, string>, dirty: Set<string> | undefined, value: string, day: string): void {
  const known = map.get(value);
  if (known !== undefined && known <= day) return;
  map.set(value, day);
  dirty?.add(value);
}

function byDay(map: Map<string, string>): [string, string][] {
  return [...map].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
}
