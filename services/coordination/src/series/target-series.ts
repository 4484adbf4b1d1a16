import type { Bound, Plan, PlanTarget } from '@lienganh/contracts';
import type { AreaRegistry } from '../registry/area-registry.js';
import { targetAsOf } from '../targets/target-as-of.js';
import { boundOf, pathAt, pathStart, type TargetStatus } from '../targets/target-progress.js';
import type { TargetHistory } from '../targets/target-history.js';
import { vietnamDate } from '../targets/target-tally.js';
import { termMonths } from './term-months.js';

/**
 * A target month by month (the board's chart): its cumulative figure at the end of each month of
 * the plan's term up to now, beside the straight-line path from its start (the baseline, else 0)
 * on the term's first day to its goal on the last. Each point is what the periodic report of its
 * month says (`targetAsOf`, the report's own computation); the path is the line the target's
 * status is judged by (`pathAt`): a point below it is at risk, at or above it on track.
 */
export interface TargetSeries {
  generatedAt: string;
  planId: string;
  id: string;
  title: { vi: string; en: string };
  agency: string;
  measure: PlanTarget['measure']['kind'];
  /** `%` for percentages and referral stages: how `achieved`, `expected` and `goal` read. */
  unit: '%' | '';
  /** The goal the path leads to (for goals per level: that of the level furthest behind at the last point). */
  goal: Bound;
  baseline?: { value: number; asOf: string; source: string };
  term: { start: string; end: string };
  /** `straight-line` to a `min`; `ceiling`, a `max` alone ("no hotspot re-activated"): flat, at the ceiling. */
  path: { kind: 'straight-line' | 'ceiling'; start: { day: string; value: number }; end: { day: string; value: number } };
  points: TargetSeriesPoint[];
}

export interface TargetSeriesPoint {
  /** `2021-05` */
  month: string;
  /** When the figure is taken: the month's last instant, or now for the month in progress (ISO). */
  asOf: string;
  /** Its day, Vietnam time (`2021-05-31`). */
  day: string;
  /** The cumulative figure (lũy kế), as the month's periodic report has it. */
  achieved: number;
  percent: number;
  status: TargetStatus;
  /** The straight-line path's value at `asOf` (2 decimals). */
  expected: number;
}

export interface TargetSeriesInputs {
  plan: Plan;
  target: PlanTarget;
  /** What the target's contributing events added per day (its tracked history). */
  history: TargetHistory;
  areas: AreaRegistry;
  now: Date;
}

export function targetSeries({ plan, target, history, areas, now }: TargetSeriesInputs): TargetSeries {
  const months = termMonths(plan.period, now);
  const { progress } = targetAsOf(plan, target, history, areas, months.map((month) => month.asOf));
  const goal = pathGoal(target, progress.at(-1)?.goal);
  // Goals per level are judged without a baseline (target-progress.ts): so is their path.
  const baseline = target.goal.byLevel ? undefined : target.baseline?.value;
  const points = months.map((month, index): TargetSeriesPoint => {
    const { achieved, percent, status } = progress[index]!;
    const asOf = new Date(month.asOf);
    return { month: month.key, asOf: asOf.toISOString(), day: vietnamDate(asOf.toISOString()), achieved, percent, status, expected: round(pathAt(goal, plan.period, asOf, baseline)) };
  });
  const ceiling = goal.min === undefined;
  return {
    generatedAt: now.toISOString(),
    planId: plan.id,
    id: target.id,
    title: target.title,
    agency: target.agency,
    measure: target.measure.kind,
    unit: target.measure.kind === 'percentage' || target.measure.kind === 'referral-stage' ? '%' : '',
    goal,
    ...(target.baseline ? { baseline: { value: target.baseline.value, asOf: target.baseline.asOf, source: target.baseline.source } } : {}),
    term: { start: plan.period.start, end: plan.period.end },
    path: {
      kind: ceiling ? 'ceiling' : 'straight-line',
      start: { day: plan.period.start, value: pathStart(goal, baseline) },
      end: { day: plan.period.end, value: ceiling ? goal.max! : goal.min! },
    },
    points,
  };
}

/** The goal a target's path leads to: its own, or for goals per level the one furthest behind (the first level's before any point). */
function pathGoal(target: PlanTarget, behind: Bound | undefined): Bound {
  if (!target.goal.byLevel) return boundOf(target);
  return behind ?? Object.values(target.goal.byLevel)[0]!;
}

const round = (value: number) => Math.round(value * 100) / 100;
