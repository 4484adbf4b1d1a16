import type { Plan, PlanTarget } from '@lienganh/contracts';
import { planProgressContext } from '../board/committee-view.js';
import type { AreaRegistry } from '../registry/area-registry.js';
import type { TargetHistory } from './target-history.js';
import { progressOf, type TargetProgress } from './target-progress.js';
import { emptyTally, isYearly, vietnamDate, type TargetTally } from './target-tally.js';

/**
 * A target's figure as it stood at past instants, rebuilt from its history (ADR 0010, 7; ADR
 * 0023): the events of the days up to the instant's Vietnam day, measured with the instant as
 * "now" (which registry figure was in force, how much of the period had gone). The one
 * computation behind the periodic report's cumulative figures (lũy kế, "as of the period's end")
 * and the board's month-by-month series, so that a month's point is what that month's report says.
 * Exact at the end of a day, as both take them; "now" counts today's events whole.
 */
export interface TargetAsOf {
  /** The progress at each instant, in the order given. */
  progress: TargetProgress[];
  /** The tally at the last instant (the report's task statuses are judged with it). */
  tally: TargetTally;
}

/** `instants` in ms, ascending. */
export function targetAsOf(plan: Plan, target: PlanTarget, history: TargetHistory, areas: AreaRegistry, instants: readonly number[]): TargetAsOf {
  const progress: TargetProgress[] = [];
  let last: TargetTally | undefined;
  const days = instants.map((instant) => vietnamDate(new Date(instant).toISOString()));
  history.talliesAt(target.measure, days, isYearly(target), (tally, index) => {
    progress.push(progressOf(target, tally, planProgressContext(plan, areas, new Date(instants[index]!))));
    last = tally;
  });
  return { progress, tally: last ?? emptyTally(isYearly(target)) };
}
