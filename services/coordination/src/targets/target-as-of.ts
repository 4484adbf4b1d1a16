import type { Plan, PlanTarget } from '@lienganh/contracts';
import { planProgressContext } from '../board/committee-view.js';
import type { AreaRegistry } from '../registry/area-registry.js';
import { progressOf, type TargetProgress } from './target-progress.js';
import { isYearly, talliesAt, type Counted, type TargetTally } from './target-tally.js';

/**
 * A target's figure as it stood at past instants, recomputed from what each contributing event
 * added (ADR 0010, 7): the events up to the instant, measured with the instant as "now" (which
 * registry figure was in force, how much of the period had gone). The one computation behind the
 * periodic report's cumulative figures (lũy kế, "as of the period's end") and the board's
 * month-by-month series, so that a month's point is what that month's report says.
 */
export interface TargetAsOf {
  /** The progress at each instant, in the order given. */
  progress: TargetProgress[];
  /** The tally at the last instant (the report's task statuses are judged with it). */
  tally: TargetTally;
}

/** `instants` in ms, ascending; `contributions` every contributing event of the target (by time, as the store gives them). */
export function targetAsOf(plan: Plan, target: PlanTarget, contributions: readonly (Counted & { time: string })[], areas: AreaRegistry, instants: readonly number[]): TargetAsOf {
  const progress: TargetProgress[] = [];
  let last: TargetTally | undefined;
  talliesAt(target.measure, contributions, instants, isYearly(target), (tally, index) => {
    progress.push(progressOf(target, tally, planProgressContext(plan, areas, new Date(instants[index]!))));
    last = tally;
  });
  // No instant: the figure before anything happened.
  if (!last) talliesAt(target.measure, [], [0], isYearly(target), (tally) => (last = tally));
  return { progress, tally: last! };
}
