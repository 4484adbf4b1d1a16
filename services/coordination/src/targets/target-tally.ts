import type { BusEvent, Measure, PlanTarget } from '@lienganh/contracts';

/**
 * How far a target has come, derived from events alone. `evolveTally` is a pure reducer:
 * it ignores an event it has applied before (redelivery, replay), and the order of events
 * does not change the result (counts and sets commute), so a rebuild equals the live tally.
 */
export interface TargetTally {
  /** Ids of the events that counted, in the order applied: "the contributing events". */
  applied: Set<string>;
  /** For count measures (and count parts of a percentage). */
  numeratorCount: number;
  denominatorCount: number;
  /** For distinct measures: the distinct values seen. Also periods, for cadence measures. */
  numeratorValues: Set<string>;
  denominatorValues: Set<string>;
  /** Contributing events per area code (the plan's area for events that name none): the per-district view. */
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

type Selection = { eventType: string; where?: Record<string, unknown>; area?: string | undefined };

/** Applies one event; true when it counted (it is then one of the target's contributing events). */
export function evolveTally(target: PlanTarget, tally: TargetTally, event: BusEvent, context: TallyContext): boolean {
  if (tally.applied.has(event.id)) return false;
  const day = vietnamDate(event.time);
  if (day < context.periodStart || day > context.periodEnd) return false;
  const { measure } = target;
  let counted = false;
  if (measure.kind === 'percentage') {
    counted = apply(measure.numerator, event, context, (value) => countInto(tally, 'numerator', value));
    if (measure.denominator.kind !== 'areas') {
      counted = apply(measure.denominator, event, context, (value) => countInto(tally, 'denominator', value)) || counted;
    }
  } else if (measure.kind === 'cadence') {
    counted = apply(measure, event, context, () => tally.numeratorValues.add(periodKey(vietnamDate(event.time), measure.every)));
  } else {
    counted = apply(measure, event, context, (value) => countInto(tally, 'numerator', value));
  }
  if (counted) {
    tally.applied.add(event.id);
    const area = areaOf(event) ?? context.planArea;
    tally.byArea.set(area, (tally.byArea.get(area) ?? 0) + 1);
  }
  return counted;
}

/** The area an event's data names, if any. */
export function areaOf(event: BusEvent): string | undefined {
  const areaCode = valueAt(event.data, 'areaCode');
  return typeof areaCode === 'string' ? areaCode : undefined;
}

/** Applies `record` when the event is selected; passes the distinct value when the measure has one. */
function apply(selection: Selection & { kind: string; field?: string }, event: BusEvent, context: TallyContext, record: (value: string | undefined) => void): boolean {
  if (!selects(selection, event, context)) return false;
  if (selection.kind === 'distinct') {
    const value = valueAt(event.data, selection.field!);
    if (value === undefined) return false;
    record(String(value));
  } else {
    record(undefined);
  }
  return true;
}

function countInto(tally: TargetTally, part: 'numerator' | 'denominator', value: string | undefined): void {
  if (value === undefined) tally[`${part}Count`]++;
  else tally[`${part}Values`].add(value);
}

function selects(selection: Selection, event: BusEvent, context: TallyContext): boolean {
  if (event.type !== selection.eventType) return false;
  const areaCode = areaOf(event);
  if (areaCode !== undefined && !context.isWithin(areaCode, selection.area ?? context.planArea)) return false;
  for (const [path, expected] of Object.entries(selection.where ?? {})) {
    const actual = valueAt(event.data, path);
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
