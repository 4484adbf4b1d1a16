import { catalog, eventKey, type BusEvent, type Measure, type PlanTarget } from '@lienganh/contracts';

/**
 * How far a target has come, derived from events alone. `evolveTally` is a pure reducer fed
 * each event once (the projection's `AppliedEvents` sees to it: redelivery, replay, re-send), and
 * the order of events does not change the result (counts, sums and sets commute), so a rebuild
 * equals the live tally. What each figure counts: docs/adr/0010-figures-the-committee-can-trust.md
 * and docs/adr/0012-measure-language.md.
 */
export interface TargetTally extends TallyFigures {
  /** How many events counted towards it (its contributing events). */
  events: number;
  /** Contributing events per area code: the per-area view. */
  byArea: Map<string, number>;
  /**
   * For a target with goals per year only: what the events of each year (Vietnam year of their own
   * `time`) added, so that a year's figure is what stood at its end (ADR 0012).
   */
  years?: Map<string, TallyFigures>;
}

/** The figures of a tally, whole or of one year. */
export interface TallyFigures {
  /** For count measures (and count parts of a percentage). */
  numeratorCount: number;
  denominatorCount: number;
  /** For sum measures (and sum numerators of a percentage). */
  numeratorSum: number;
  /** Distinct values seen: of a field (distinct), periods (cadence), referral ids (referral-stage), areas (percentage of areas). */
  numeratorValues: Set<string>;
  denominatorValues: Set<string>;
}

export const emptyFigures = (): TallyFigures => ({ numeratorCount: 0, denominatorCount: 0, numeratorSum: 0, numeratorValues: new Set(), denominatorValues: new Set() });

/** `yearly`: the target has goals per year, so the tally keeps what each year added. */
export const emptyTally = (yearly = false): TargetTally => ({
  events: 0,
  ...emptyFigures(),
  byArea: new Map(),
  ...(yearly ? { years: new Map<string, TallyFigures>() } : {}),
});

/** Whether a target's tally keeps its figures per year. */
export const isYearly = (target: PlanTarget) => target.goal.byYear !== undefined;

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
  /** The event's own time: when it stood (the year it adds to, for goals per year). */
  time: string;
}

export function factOf(event: BusEvent, placedAt?: { areaCode: string; time: string }): CountedFact {
  return {
    key: eventKey(event),
    type: event.type,
    data: event.data,
    areaCode: placedAt?.areaCode ?? areaOf(event),
    day: vietnamDate(placedAt?.time ?? event.time),
    time: event.time,
  };
}

/**
 * What one event added to a tally: the distinct value (or `''` for a count) it added to the
 * numerator and the denominator, and the amount it added to a sum. Kept with each contribution, so
 * that a figure can be recomputed as it stood on any date (`tallyOf`).
 */
export interface Counted {
  numerator?: string;
  denominator?: string;
  /** What a sum numerator added (the field's value). */
  amount?: number;
}

type Selection = { eventType: string; where?: Record<string, unknown> | undefined; area?: string | undefined; dates?: 'period' | 'to-date' | undefined };

/** Applies one event, never seen before; what it added when it counted (it is then one of the target's contributing events). */
export function evolveTally(target: PlanTarget, tally: TargetTally, fact: CountedFact, context: TallyContext): Counted | undefined {
  const counted = countedFor(target, fact, context);
  if (!counted) return undefined;
  addTo(tally, target.measure, counted, fact.time);
  tally.events++;
  tally.byArea.set(fact.areaCode!, (tally.byArea.get(fact.areaCode!) ?? 0) + 1);
  return counted;
}

/** What an event adds to a target, if it counts for it (changes nothing). */
export function countedFor(target: PlanTarget, fact: CountedFact, context: TallyContext): Counted | undefined {
  if (fact.areaCode === undefined || fact.day > context.periodEnd) return undefined;
  return countedBy(target.measure, fact, context);
}

/** The figures of the years up to `year` added up: what stood at that year's end (only for a tally kept per year). */
export function figuresUpTo(tally: TargetTally, year: string): TallyFigures {
  const figures = emptyFigures();
  for (const [key, added] of tally.years ?? []) {
    if (key > year) continue;
    figures.numeratorCount += added.numeratorCount;
    figures.denominatorCount += added.denominatorCount;
    figures.numeratorSum += added.numeratorSum;
    for (const value of added.numeratorValues) figures.numeratorValues.add(value);
    for (const value of added.denominatorValues) figures.denominatorValues.add(value);
  }
  return figures;
}

function countedBy(measure: Measure, fact: CountedFact, context: TallyContext): Counted | undefined {
  if (measure.kind === 'percentage') {
    const { numerator, denominator } = measure;
    const counted: Counted = {};
    if (selects(numerator, fact, context)) {
      if (numerator.kind === 'sum') {
        const amount = amountOf(numerator.field, fact);
        if (amount !== undefined) Object.assign(counted, { numerator: '', amount });
      } else {
        // A percentage of areas counts the area an event happened in; its numerator is placed by area (ADR 0010, 4).
        const value = denominator.kind === 'areas' ? fact.areaCode : valueOf(numerator, fact);
        if (value !== undefined) counted.numerator = value;
      }
    }
    if ((denominator.kind === 'count' || denominator.kind === 'distinct') && selects(denominator, fact, context)) {
      const value = valueOf(denominator, fact);
      if (value !== undefined) counted.denominator = value;
    }
    return counted.numerator !== undefined || counted.denominator !== undefined ? counted : undefined;
  }
  if (measure.kind === 'referral-stage') {
    // The referrals made are the denominator; an answer of the stage (placed at its referral) the numerator.
    const referralId = valueAt(fact.data, 'referralId');
    if (typeof referralId !== 'string') return undefined;
    if (selects(measure, fact, context)) return { denominator: referralId };
    if (answersStage(fact.type, measure.stage) && inScope(measure, fact, context)) return { numerator: referralId };
    return undefined;
  }
  if (!selects(measure, fact, context)) return undefined;
  if (measure.kind === 'sum') {
    const amount = amountOf(measure.field, fact);
    return amount === undefined ? undefined : { numerator: '', amount };
  }
  const value = measure.kind === 'cadence' ? periodKey(fact.day, measure.every) : valueOf(measure, fact);
  return value === undefined ? undefined : { numerator: value };
}

/** Answer types by the stage they reach; stages are cumulative as in the funnel (ADR 0010, 6). */
const STAGE_ANSWERS: Record<Extract<Measure, { kind: 'referral-stage' }>['stage'], string[]> = {
  accepted: ['accepted', 'service-delivered', 'closed'],
  'service-delivered': ['service-delivered', 'closed'],
  closed: ['closed'],
  declined: ['declined'],
};

function answersStage(type: string, stage: keyof typeof STAGE_ANSWERS): boolean {
  const match = /^vn\.pcmd\.[a-z0-9-]+\.referral\.([a-z-]+)\.v\d+$/.exec(type);
  return match !== null && STAGE_ANSWERS[stage].includes(match[1]!);
}

/** Every event type a measure reads: what the projection indexes a target by. */
export function measuredTypes(measure: Measure): string[] {
  const types =
    measure.kind === 'percentage'
      ? [measure.numerator.eventType, ...('eventType' in measure.denominator ? [measure.denominator.eventType] : [])]
      : measure.kind === 'referral-stage'
        ? [measure.eventType, ...catalog.map((definition) => definition.type).filter((type) => answersStage(type, measure.stage))]
        : [measure.eventType];
  return types.filter((type, index) => types.indexOf(type) === index);
}

/** The distinct value an event adds, `''` for a count; undefined when a distinct field is missing. */
function valueOf(selection: { kind: string; field?: string }, fact: CountedFact): string | undefined {
  if (selection.kind !== 'distinct') return '';
  const value = valueAt(fact.data, selection.field!);
  return value === undefined ? undefined : String(value);
}

/** The number a sum adds: the field's value when it is a finite number ≥ 0; undefined (nothing added) otherwise. */
function amountOf(field: string, fact: CountedFact): number | undefined {
  const value = valueAt(fact.data, field);
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

type Mode = 'count' | 'values' | 'sum' | 'none';

/** How each part of a measure adds up: events counted, values collected, amounts summed, or nothing (areas, figures). */
function modesOf(measure: Measure): [Mode, Mode] {
  switch (measure.kind) {
    case 'count':
      return ['count', 'none'];
    case 'sum':
      return ['sum', 'none'];
    case 'distinct':
    case 'cadence':
      return ['values', 'none'];
    case 'referral-stage':
      return ['values', 'values'];
    case 'percentage': {
      const { numerator, denominator } = measure;
      const top = numerator.kind === 'sum' ? 'sum' : numerator.kind === 'count' && denominator.kind !== 'areas' ? 'count' : 'values';
      return [top, denominator.kind === 'count' ? 'count' : denominator.kind === 'distinct' ? 'values' : 'none'];
    }
  }
}

function addTo(tally: TargetTally, measure: Measure, counted: Counted, time: string): void {
  const hits = { numerators: counted.numerator === undefined ? 0 : 1, denominators: counted.denominator === undefined ? 0 : 1, amount: counted.amount ?? 0 };
  addCounted(tally, measure, vietnamDate(time).slice(0, 4), { ...hits, ...counted });
}

/**
 * Adds to a tally, and to its `year` when it keeps years: events that hit the numerator and the
 * denominator (`numerators`, `denominators`: what count parts add) and the amount they summed, and
 * distinct values (`numerator`, `denominator`: what value parts add). A history (target-history.ts)
 * adds its days' hits and its first-counted values apart.
 */
export function addCounted(tally: TargetTally, measure: Measure, year: string, added: CountedHits): void {
  const modes = modesOf(measure);
  addFigures(tally, modes, added);
  if (tally.years) {
    let figures = tally.years.get(year);
    if (!figures) tally.years.set(year, (figures = emptyFigures()));
    addFigures(figures, modes, added);
  }
}

export interface CountedHits {
  numerators?: number;
  denominators?: number;
  amount?: number;
  numerator?: string | undefined;
  denominator?: string | undefined;
}

function addFigures(figures: TallyFigures, [numerator, denominator]: [Mode, Mode], added: CountedHits): void {
  if (numerator === 'count') figures.numeratorCount += added.numerators ?? 0;
  else if (numerator === 'sum') figures.numeratorSum += added.amount ?? 0;
  else if (numerator === 'values' && added.numerator !== undefined) figures.numeratorValues.add(added.numerator);
  if (denominator === 'count') figures.denominatorCount += added.denominators ?? 0;
  else if (denominator === 'values' && added.denominator !== undefined) figures.denominatorValues.add(added.denominator);
}

/** The area an event's data names, if any. */
export function areaOf(event: BusEvent): string | undefined {
  const areaCode = valueAt(event.data, 'areaCode');
  return typeof areaCode === 'string' ? areaCode : undefined;
}

function selects(selection: Selection, fact: CountedFact, context: TallyContext): boolean {
  if (fact.type !== selection.eventType || !inScope(selection, fact, context)) return false;
  const where = selection.where;
  if (where) for (const path in where) if (!matches(valueAt(fact.data, path), where[path])) return false;
  return true;
}

/** In the selection's area (the plan's when none) and dates: the plan's period, or up to its end for `to-date`. */
function inScope(selection: Selection, fact: CountedFact, context: TallyContext): boolean {
  if (fact.day > context.periodEnd || (selection.dates !== 'to-date' && fact.day < context.periodStart)) return false;
  return context.isWithin(fact.areaCode!, selection.area ?? context.planArea);
}

/** A `where` value: equal, or one of a list; a field that is a list (a case's offences) matches when one of its values does. */
export function matches(actual: unknown, expected: unknown): boolean {
  if (!Array.isArray(actual)) return Array.isArray(expected) ? expected.includes(actual) : actual === expected;
  return actual.some((value) => (Array.isArray(expected) ? expected.includes(value) : value === expected));
}

/** Paths split once: every event reads the same few paths (`areaCode`, `outcome`, `business.kind`) for every target. */
const PATHS = new Map<string, string[]>();

function valueAt(data: unknown, path: string): unknown {
  let keys = PATHS.get(path);
  if (!keys) PATHS.set(path, (keys = path.split('.')));
  let value: unknown = data;
  for (const key of keys) {
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
