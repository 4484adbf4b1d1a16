import { isTaskDone } from '../board/committee-view.js';
import { targetKey, type CoordinationState } from '../board/coordination-state.js';
import type { AreaRegistry } from '../registry/area-registry.js';
import { isBacklog } from './alert-decisions.js';
import type { DeadlineKind, DeadlineRecord } from './deadline-book.js';

/** One body's duties missed before its plan's alerts started (before the import, or its `alertsFrom`). */
export interface BodyBacklog {
  body: string;
  /** Duties due before alerts started and not done in time (nor, for a task, done since). */
  missed: number;
  /** The same by kind of deadline (periodic-report, task, referral-handover…). */
  kinds: Partial<Record<DeadlineKind, number>>;
}

/**
 * Whether a task deadline is done at `now`: a duty (a period of a cadence target) once its target
 * counts the period; a task with a due date once all its targets are achieved. Depends on the
 * tallies and the clock, so it is judged when asked (by the engine at each tick, by the board).
 */
export function isTaskDeadlineDone(deadline: DeadlineRecord, state: CoordinationState, areas: AreaRegistry, now: Date): boolean {
  if (deadline.kind !== 'task') return false;
  if (deadline.duty) return state.targets.get(targetKey(deadline.planId, deadline.duty.targetId))?.tally.numeratorValues.has(deadline.duty.period) ?? false;
  return isTaskDone(state, areas, deadline.planId, deadline.refId, now);
}

/**
 * A plan's backlog, per body: the deadlines that had passed when the plan was imported, or fell
 * before its `alertsFrom` (ADR 0010, 8), and whose awaited action did not come in time: no report,
 * a late one, an unanswered or late hand-over, a period with nothing counted, a task whose targets
 * are not achieved (when a task's targets were achieved is not kept, so a task done since counts
 * as done). These raise no alert; the board shows them here, most missed first. A backlog
 * deadline not due yet (an `alertsFrom` ahead of the clock) is not missed yet.
 */
export function planBacklog(
  planId: string,
  deadlines: Iterable<DeadlineRecord>,
  inputs: { state: CoordinationState; areas: AreaRegistry },
  now: Date,
): BodyBacklog[] {
  const byBody = new Map<string, BodyBacklog>();
  for (const deadline of deadlines) {
    if (deadline.planId !== planId || deadline.cancelled || !isBacklog(deadline)) continue;
    const due = Date.parse(deadline.dueAt);
    if (due > now.getTime()) continue;
    const done =
      deadline.metAt !== undefined
        ? Date.parse(deadline.metAt) <= due
        : isTaskDeadlineDone(deadline, inputs.state, inputs.areas, now);
    if (done) continue;
    let entry = byBody.get(deadline.agency);
    if (!entry) byBody.set(deadline.agency, (entry = { body: deadline.agency, missed: 0, kinds: {} }));
    entry.missed++;
    entry.kinds[deadline.kind] = (entry.kinds[deadline.kind] ?? 0) + 1;
  }
  return [...byBody.values()].sort((a, b) => b.missed - a.missed || (a.body < b.body ? -1 : a.body > b.body ? 1 : 0));
}
