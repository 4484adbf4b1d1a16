import { eventKey, type BusEvent, type Measure, type PlanTarget } from '@lienganh/contracts';

/**
 * How far a target has come, derived from events alone. `evolveTally` is a pure reducer:
 * it ignores an event it has applied before (same source + id: redelivery, replay, re-send), and
 * the order of events does not change the result (counts and sets commute), so a rebuild equals
 * the live tally. What each figure counts: docs/adr/0010-figures-the-committee-can-trust.md.
 */
export interface TargetTally {
  /** Keys (`eventKey`: source + id) of the events that counted: what makes a re-applied event change nothing. */
  applied: Set<string>;
  /** For count measures (and count parts of a percentage). */
  numeratorCount: number;
  denominatorCount: number;
  /** For distinct measures: the distinct values seen. Also periods, for cadence measures. */
  numeratorValues: Set<string>;
  denominatorValues: Set<string>;
  /** Contributing events per area code: the per-area view. */
  byArea: Map<string, number>;
}

export const emptyTally = (): TargetTally => ({
  applied: new Set(),
  numeratorCount: 0,
  denominatorCount: 0,
  numeratorValues: new Set(),
  denominatorValues: new Set(),
  byArea: new Map(),
});

/** What a target needs to know beyond the event: its plan's period and area hierarchy. */
export interface TallyContext {
  periodStart: string;
  periodEnd: string;
  /** Whether `areaCode` is `ancestor` or lies below it (merges and renames resolved by the registry). */
  isWithin(areaCode: string, ancestor: string): boolean;
  /** The plan's own area, for selections that name none. */
  planArea: string;
}

/**
 * An event as targets see it, made once per event (`factOf`): its identity (source + id), and
 * where and when it counts. A referral answer carries no area: it counts where and when the
 * referral it answers was made (ADR 0010), so the projection places it before it is counted.
 */
export interface CountedFact {
  key: string;
  type: string;
  data: unknown;
  /** Where it counts; undefined counts nowhere. */
  areaCode: string | undefined;
  /** The Vietnam date that places it in a plan's period. */
  day: string;
}

export function factOf(event: BusEvent, placedAt?: { areaCode: string; time: string }): CountedFact {
  return {
    key: eventKey(event),
    type: event.type,
    data: event.data,
    areaCode: placedAt?.areaCode ?? areaOf(event),
    day: vietnamDate(placedAt?.time ?? event.time),
  };
}

/**
 * What one event added to a tally: the distinct value (or `''` for a count) it added to the
 * numerator and the denominator. Kept with each contribution, so that a figure can be recomputed
 * as it stood on any date (`tallyOf`).
 */
export interface Counted {
  numerator?: string;
  denominator?: string;
}

type Selection = { eventType: string; where?: Record<string, unknown>; area?: string | undefined };

/** Applies one event; what it added when it counted (it is then one of the target's contributing events). */
export function evolveTally(target: PlanTarget, tally: TargetTally, fact: CountedFact, context: TallyContext): Counted | undefined {
  if (tally.applied.has(fact.key) || fact.areaCode === undefined) return undefined;
  if (fact.day < context.periodStart || fact.day > context.periodEnd) return undefined;
  const counted = countedBy(target.measure, fact, context);
  if (!counted) return undefined;
  addTo(tally, target.measure, counted);
  tally.applied.add(fact.key);
  tally.byArea.set(fact.areaCode, (tally.byArea.get(fact.areaCode) ?? 0) + 1);
  return counted;
}

/** A tally rebuilt from what each contribution added: the figure as it stood when only they had happened. */
export function tallyOf(measure: Measure, contributions: Iterable<Counted>): TargetTally {
  const tally = emptyTally();
  for (const counted of contributions) addTo(tally, measure, counted);
  return tally;
}

function countedBy(measure: Measure, fact: CountedFact, context: TallyContext): Counted | undefined {
  if (measure.kind === 'percentage') {
    const counted: Counted = {};
    if (selects(measure.numerator, fact, context)) {
      // A percentage of areas counts the area an event happened in; its numerator is placed by area (ADR 0010, 4).
      const value = measure.denominator.kind === 'areas' ? fact.areaCode : valueOf(measure.numerator, fact);
      if (value !== undefined) counted.numerator = value;
    }
    if (measure.denominator.kind !== 'areas' && selects(measure.denominator, fact, context)) {
      const value = valueOf(measure.denominator, fact);
      if (value !== undefined) counted.denominator = value;
    }
    return counted.numerator !== undefined || counted.denominator !== undefined ? counted : undefined;
  }
  if (!selects(measure, fact, context)) return undefined;
  const value = measure.kind === 'cadence' ? periodKey(fact.day, measure.every) : valueOf(measure, fact);
  return value === undefined ? undefined : { numerator: value };
}

/** The distinct value an event adds, `''` for a count; undefined when a distinct field is missing. */
function valueOf(selection: { kind: string; field?: string }, fact: CountedFact): string | undefined {
  if (selection.kind !== 'distinct') return '';
  const value = valueAt(fact.data, selection.field!);
  return value === undefined ? undefined : String(value);
}

function addTo(tally: TargetTally, measure: Measure, counted: Counted): void {
  const [numerator, denominator] = measure.kind === 'percentage' ? [measure.numerator.kind === 'count' && measure.denominator.kind !== 'areas', measure.denominator.kind === 'count'] : [measure.kind === 'count', false];
  if (counted.numerator !== undefined) {
    if (numerator) tally.numeratorCount++;
    else tally.numeratorValues.add(counted.numerator);
  }
  if (counted.denominator !== undefined) {
    if (denominator) tally.denominatorCount++;
    else tally.denominatorValues.add(counted.denominator);
  }
}

/** The area an event's data names, if any. */
export function areaOf(event: BusEvent): string | undefined {
  const areaCode = valueAt(event.data, 'areaCode');
  return typeof areaCode === 'string' ? areaCode : undefined;
}

function selects(selection: Selection, fact: CountedFact, context: TallyContext): boolean {
  if (fact.type !== selection.eventType) return false;
  if (!context.isWithin(fact.areaCode!, selection.area ?? context.planArea)) return false;
  for (const [path, expected] of Object.entries(selection.where ?? {})) {
    const actual = valueAt(fact.data, path);
    if (Array.isArray(expected) ? !expected.includes(actual as never) : actual !== expected) return false;
  }
  return true;
}

function valueAt(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** An earlier instant; one instant written with two offsets keeps the smaller text, whatever the arrival order. */
export function isEarlier(time: string, than: string): boolean {
  const difference = Date.parse(time) - Date.parse(than);
  return difference < 0 || (difference === 0 && time < than);
}

let lastTime: string | undefined;
let lastDate = '';

/**
 * Plans count days and months in Vietnam's time (UTC+7, no daylight saving), whatever offset an
 * event carries. Asked once per target for the same event: the last answer is kept.
 */
export function vietnamDate(time: string): string {
  if (time !== lastTime) {
    lastDate = new Date(Date.parse(time) + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
    lastTime = time;
  }
  return lastDate;
}

/** The period a day falls in, as a cadence measure keys it: `2021-05`, `2021-Q2`, `2021-H1`, `2021`. */
export function periodKey(time: string, every: Extract<Measure, { kind: 'cadence' }>['every']): string {
  const year = time.slice(0, 4);
  const month = Number(time.slice(5, 7));
  switch (every) {
    case 'month':
      return time.slice(0, 7);
    case 'quarter':
      return `${year}-Q${Math.ceil(month / 3)}`;
    case 'half-year':
      return `${year}-H${month <= 6 ? 1 : 2}`;
    case 'year':
      return year;
  }
}
