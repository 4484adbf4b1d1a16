import type { Bound, Measure, PlanFigure, PlanTarget } from '@lienganh/contracts';
import { figuresUpTo, type TallyFigures, type TargetTally } from './target-tally.js';

export type TargetStatus = 'on-track' | 'at-risk' | 'overdue' | 'achieved';

export interface TargetProgress {
  achieved: number;
  /** Progress towards the goal, 0-100 (capped); from the baseline when there is one. */
  percent: number;
  status: TargetStatus;
  /** For goals per level: the goal of the part furthest behind, which the figures above are of (the target's own goal otherwise). */
  goal?: Bound;
  /** Goals per level (one part per level) or per year (one part per year, then the term): each measured on its own (ADR 0012). */
  parts?: TargetPart[];
  /** A percentage of a registry figure: the figure used, as in force on the day the value is taken. */
  figure?: FigureInForce;
}

export interface TargetPart {
  /** The level (`district`, `commune`…), the year (`2023`), or `term`. */
  key: string;
  goal: Bound;
  achieved: number;
  percent: number;
  status: TargetStatus;
  /** The day (Vietnam time) the part's value is taken: its year's end, or today while it runs. */
  asOf: string;
  /** For a level: how many areas of it there are (the denominator). For a figure: the figure used. */
  areas?: number;
  figure?: FigureInForce;
}

export interface FigureInForce {
  figure: string;
  area: string;
  value: number;
  asOf: string;
  source: string;
}

export interface ProgressContext {
  /** Now, from the injected clock: status depends on how much of the period has gone. */
  now: Date;
  periodStart: string;
  periodEnd: string;
  planArea?: string;
  /** The plan's registry figures (for `figure` denominators). */
  figures?: readonly PlanFigure[];
  /** The areas below the plan's area, existing on its first day, of these levels and kinds (each filter when given). */
  areasIn?(levels: readonly string[] | undefined, kinds: readonly string[] | undefined): string[];
  /** The same for one level, without kinds: what contexts made before area kinds give. */
  areasBelow?(level: string): string[];
  isWithin(areaCode: string, ancestor: string): boolean;
}

/** The areas of the levels and kinds, from whichever the context can answer. */
function areasOf(context: ProgressContext, levels: readonly string[] | undefined, kinds: readonly string[] | undefined): string[] {
  if (context.areasIn) return context.areasIn(levels, kinds);
  return (levels ?? []).flatMap((level) => context.areasBelow?.(level) ?? []);
}

const DAY_MS = 86_400_000;

/** The target's goal as one bound (for goals per level, none: each level has its own). */
export function boundOf(target: PlanTarget): Bound {
  const { min, max } = target.goal;
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

export function progressOf(target: PlanTarget, tally: TargetTally, context: ProgressContext): TargetProgress {
  const { goal, measure } = target;
  const today = vietnamDay(context.now.getTime());
  const asOf = today < context.periodEnd ? today : context.periodEnd;
  const whole = { start: context.periodStart, end: context.periodEnd };

  if (goal.byLevel && measure.kind === 'percentage' && measure.denominator.kind === 'areas') {
    const kinds = measure.denominator.kinds;
    const parts: TargetPart[] = Object.entries(goal.byLevel).map(([level, bound]) => {
      const areas = areasOf(context, [level], kinds);
      const achieved = round(areaShare(areas, tally, context));
      return { key: level, goal: bound!, achieved, ...judge(achieved, bound!, context.now, whole), asOf, areas: areas.length };
    });
    // The part furthest behind stands for the target: all its levels are met, or it is not.
    const behind = parts.reduce((worst, part) => (part.percent < worst.percent ? part : worst), parts[0]!);
    return { achieved: behind.achieved, percent: behind.percent, status: behind.status, goal: behind.goal, parts };
  }

  const bound = boundOf(target);
  const value = valueOf(target, tally, context, asOf);
  const achieved = round(value.achieved);
  const term: TargetProgress = { achieved, ...judge(achieved, bound, context.now, whole, target.baseline?.value), ...(value.figure ? { figure: value.figure } : {}) };
  if (!goal.byYear) return term;

  const parts: TargetPart[] = Object.entries(goal.byYear)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([year, yearGoal]) => {
      const end = `${year}-12-31` < context.periodEnd ? `${year}-12-31` : context.periodEnd;
      const yearAsOf = asOf < end ? asOf : end;
      const figures = tally.years ? figuresUpTo(tally, year) : tally;
      const yearValue = valueOf(target, figures, context, yearAsOf);
      const yearAchieved = round(yearValue.achieved);
      return {
        key: year,
        goal: yearGoal,
        achieved: yearAchieved,
        ...judge(yearAchieved, yearGoal, context.now, { start: context.periodStart, end }, target.baseline?.value),
        asOf: yearAsOf,
        ...(yearValue.figure ? { figure: yearValue.figure } : {}),
      };
    });
  parts.push({ key: 'term', goal: bound, achieved, percent: term.percent, status: term.status, asOf, ...(value.figure ? { figure: value.figure } : {}) });
  return { ...term, parts };
}

/** Percent of goal and status of a figure reached another way (the roll-up of the plans below) against the target's goal over its period. */
export function judgeFigure(target: PlanTarget, achieved: number, context: ProgressContext): { percent: number; status: TargetStatus } {
  return judge(round(achieved), boundOf(target), context.now, { start: context.periodStart, end: context.periodEnd }, target.baseline?.value);
}

/** Percent of goal and status of a value against a goal over a window (the period, or up to a year's end). */
function judge(achieved: number, goal: Bound, now: Date, window: { start: string; end: string }, baseline = 0): { percent: number; status: TargetStatus } {
  const { min, max } = goal;
  const ended = now.getTime() >= Date.parse(`${window.end}T23:59:59+07:00`);
  if (min === undefined) {
    // A ceiling ("no hotspot re-activated"): met until it is broken.
    const within = achieved <= max!;
    return { percent: within ? 100 : 0, status: within ? (ended ? 'achieved' : 'on-track') : ended ? 'overdue' : 'at-risk' };
  }
  // From a baseline, progress is what was added of what was to be added ("from 74 up to 80": 77 is half way).
  const from = startOf(min, baseline);
  const percent = min === 0 ? 100 : Math.max(0, Math.min(100, round(((achieved - from) / (min - from)) * 100)));
  if (achieved >= min) return { percent, status: 'achieved' };
  if (ended) return { percent, status: 'overdue' };
  return { percent, status: achieved - from >= (min - from) * elapsedShare(window, now) ? 'on-track' : 'at-risk' };
}

/** Where the straight line to a goal starts: the baseline when it is below the goal, else 0. */
const startOf = (min: number, baseline = 0) => (baseline < min ? baseline : 0);

/** How much of a window (Vietnam days, inclusive) has gone at `now`: 0 before it starts, 1 once it is over. */
function elapsedShare(window: { start: string; end: string }, now: Date): number {
  const start = Date.parse(`${window.start}T00:00:00+07:00`);
  const end = Date.parse(`${window.end}T23:59:59+07:00`) + 1_000;
  return Math.max(0, Math.min(1, (now.getTime() - start) / Math.max(end - start, DAY_MS)));
}

/**
 * The straight-line path to a goal at `now`: from the baseline (else 0) at the window's start to
 * the goal at its end, the line a target's status is judged by (at or above it: on track; below:
 * at risk). A ceiling (`max` alone) is its own path. Not rounded: the status compares with it.
 */
export function pathAt(goal: Bound, window: { start: string; end: string }, now: Date, baseline?: number): number {
  if (goal.min === undefined) return goal.max!;
  const from = startOf(goal.min, baseline);
  return from + (goal.min - from) * elapsedShare(window, now);
}

/** Where the straight-line path starts (at the window's start): the baseline below the goal, else 0; a ceiling, itself. */
export function pathStart(goal: Bound, baseline?: number): number {
  return goal.min === undefined ? goal.max! : startOf(goal.min, baseline);
}

/** The measure's value from a tally's figures, on day `on` (which registry figure is in force). */
function valueOf(target: PlanTarget, figures: TallyFigures, context: ProgressContext, on: string): { achieved: number; figure?: FigureInForce } {
  const { measure, baseline } = target;
  switch (measure.kind) {
    case 'count':
      return { achieved: (baseline?.value ?? 0) + figures.numeratorCount };
    case 'sum':
      return { achieved: (baseline?.value ?? 0) + figures.numeratorSum };
    case 'distinct': {
      const members = new Set(baseline?.members ?? []);
      let added = 0;
      for (const value of figures.numeratorValues) if (!members.has(value)) added++;
      return { achieved: (baseline?.value ?? 0) + added };
    }
    case 'cadence':
      return { achieved: figures.numeratorValues.size };
    case 'referral-stage':
      return { achieved: shareOfSet(figures) };
    case 'percentage':
      return percentageOf(measure, figures, context, on);
  }
}

/**
 * A percentage of a set counts only members of that set, so it is never above 100 (ADR 0010, 4):
 * distinct values found in both parts; areas of the levels and kinds with an event in or below
 * them; a count, sum or distinct over a figure, or a count over a count: the ratio, at most 100.
 */
function percentageOf(measure: Extract<Measure, { kind: 'percentage' }>, figures: TallyFigures, context: ProgressContext, on: string): { achieved: number; figure?: FigureInForce } {
  const { numerator, denominator } = measure;
  if (denominator.kind === 'areas') {
    const levels = denominator.levels ?? (denominator.level ? [denominator.level] : undefined);
    return { achieved: areaShare(areasOf(context, levels, denominator.kinds), figures, context) };
  }
  if (denominator.kind === 'figure') {
    const figure = figureInForce(context.figures ?? [], denominator.figure, denominator.area ?? numerator.area ?? context.planArea ?? '', on);
    const counted = numerator.kind === 'sum' ? figures.numeratorSum : numerator.kind === 'count' ? figures.numeratorCount : figures.numeratorValues.size;
    return { achieved: figure ? (Math.min(figure.value, counted) / figure.value) * 100 : 0, ...(figure ? { figure } : {}) };
  }
  if (numerator.kind === 'distinct' && denominator.kind === 'distinct') return { achieved: shareOfSet(figures) };
  const total = denominator.kind === 'count' ? figures.denominatorCount : figures.denominatorValues.size;
  const members = Math.min(total, numerator.kind === 'count' ? figures.numeratorCount : numerator.kind === 'sum' ? figures.numeratorSum : figures.numeratorValues.size);
  return { achieved: total === 0 ? 0 : (members / total) * 100 };
}

/** |numerator values ∩ denominator values| / |denominator values|, in percent. */
function shareOfSet(figures: TallyFigures): number {
  const total = figures.denominatorValues.size;
  let members = 0;
  for (const value of figures.numeratorValues) if (figures.denominatorValues.has(value)) members++;
  return total === 0 ? 0 : (members / total) * 100;
}

/** The share of `areas` with a numerator event in or below them, in percent. */
function areaShare(areas: string[], figures: TallyFigures, context: ProgressContext): number {
  const codes = [...figures.numeratorValues];
  const covered = areas.filter((area) => codes.some((code) => context.isWithin(code, area))).length;
  return areas.length === 0 ? 0 : (covered / areas.length) * 100;
}

/**
 * The figure's value for `area` in force on `on`: the latest dated on or before it; before the
 * first, the first (the best known when the plan began). ADR 0012.
 */
export function figureInForce(figures: readonly PlanFigure[], id: string, area: string, on: string): FigureInForce | undefined {
  const values = (figures.find((figure) => figure.id === id)?.values ?? []).filter((value) => value.area === area).sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0));
  const chosen = values.filter((value) => value.asOf <= on).at(-1) ?? values[0];
  return chosen ? { figure: id, area, value: chosen.value, asOf: chosen.asOf, source: chosen.source } : undefined;
}

const vietnamDay = (instant: number) => new Date(instant + 7 * 3_600_000).toISOString().slice(0, 10);
const round = (value: number) => Math.round(value * 100) / 100;
