import type { Baseline, Bound, Plan, PlanTask } from '@lienganh/contracts';
import type { AreaRegistry } from '../registry/area-registry.js';
import { boundOf, progressOf, type FigureInForce, type ProgressContext, type TargetPart, type TargetStatus } from '../targets/target-progress.js';
import type { TargetTally } from '../targets/target-tally.js';
import type { TargetRollUp } from './plan-implementation.js';
import { targetKey, type CoordinationState, type TrackedTarget } from './coordination-state.js';
import { completionOf } from './task-completion.js';
import { completionView, taskProgress, taskStatus, type TaskCompletionView, type TaskStatus } from './task-status.js';

export interface TargetOverview {
  planId: string;
  id: string;
  title: { vi: string; en: string };
  agency: string;
  measure: string;
  /** `%` for percentages and referral stages, `''` otherwise: how `achieved` and `goal` read. */
  unit: '%' | '';
  /** The goal `achieved` is measured against (for goals per level: the level furthest behind). */
  goal: Bound;
  achieved: number;
  percent: number;
  status: TargetStatus;
  /** Goals per level or per year (then the term): each part's goal, value and status (ADR 0012). */
  parts?: TargetPart[];
  /** Where the target starts from ("from 74 up to 80"): `achieved` includes it. */
  baseline?: Baseline;
  /** The registry figure a percentage is taken of, as in force when measured. */
  figure?: FigureInForce;
  /** What the plans of the level below carry up to it, added up (issue #24): beside `achieved`, the plan's own figure. */
  rollUp?: TargetRollUp;
}

export type { TaskStatus };

export interface TaskBoardEntry {
  planId: string;
  taskId: string;
  title: { vi: string; en: string };
  lead: string;
  supporting: string[];
  area: string;
  due?: string;
  recurrence?: string;
  status: TaskStatus;
  progress: number;
  lastContributingEvent?: string;
  /** What the bodies reported and the secretariat decided (task-status.ts). */
  reports?: TaskCompletionView;
}

/** The committee's view of every target, computed at `now` from the tallies. */
export function committeeOverview(state: CoordinationState, areas: AreaRegistry, now: Date): TargetOverview[] {
  return [...state.targets.values()].map((tracked) => targetOverview(tracked, areas, now));
}

export function targetOverview(tracked: TrackedTarget, areas: AreaRegistry, now: Date): TargetOverview {
  const { plan, target } = tracked;
  return {
    planId: plan.id,
    id: target.id,
    title: target.title,
    agency: target.agency,
    measure: target.measure.kind,
    unit: target.measure.kind === 'percentage' || target.measure.kind === 'referral-stage' ? '%' : '',
    goal: boundOf(target),
    ...progressOf(target, tracked.tally, progressContext(tracked, areas, now)),
    ...(target.baseline ? { baseline: target.baseline } : {}),
  };
}

/**
 * Every task of every plan, its progress the mean of its targets'; tasks without targets wait for
 * explicit updates. `tallyOf` gives the figures to use (a past period's report passes them as
 * they stood at its end); the tallies to date otherwise.
 */
export function taskBoard(
  state: CoordinationState,
  areas: AreaRegistry,
  now: Date,
  tallyOf: (tracked: TrackedTarget) => TargetTally = (tracked) => tracked.tally,
  /** `completionsAsOf`: only reports and decisions up to then (a past period's report); all of them otherwise. */
  options: { completionsAsOf?: Date } = {},
): TaskBoardEntry[] {
  const today = new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  const entries: TaskBoardEntry[] = [];
  for (const plan of state.plans.values()) {
    for (const task of plan.tasks) {
      const tracked = task.targets.map((id) => state.targets.get(targetKey(plan.id, id))!);
      const progresses = tracked.map((target) => progressOf(target.target, tallyOf(target), progressContext(target, areas, now)));
      const completion = completionOf(state.taskCompletions.get(`${plan.id}/${task.id}`), options.completionsAsOf);
      const progress = taskProgress(progresses.length ? round(progresses.reduce((sum, item) => sum + item.percent, 0) / progresses.length) : undefined, completion);
      const done = progresses.length > 0 && progresses.every((item) => item.status === 'achieved');
      const reports = completionView(completion);
      entries.push({
        planId: plan.id,
        taskId: task.id,
        title: task.title,
        lead: task.lead,
        supporting: task.supporting,
        area: task.area ?? plan.area,
        ...(task.due ? { due: task.due } : {}),
        ...(task.recurrence ? { recurrence: task.recurrence } : {}),
        status: taskStatus({ targetsDone: done, pastDue: dueDate(task, plan.period.end) < today, progress, completion }),
        progress,
        // A task without targets: its last report or decision.
        ...(tracked.length > 0 ? lastEvent(tracked) : completion.lastEventId ? { lastContributingEvent: completion.lastEventId } : {}),
        ...(Object.keys(reports).length > 0 ? { reports } : {}),
      });
    }
  }
  return entries;
}

/** Whether every target of a task is achieved at `now` (a task without targets never is, by events alone). */
export function isTaskDone(state: CoordinationState, areas: AreaRegistry, planId: string, taskId: string, now: Date): boolean {
  const task = state.plans.get(planId)?.tasks.find((entry) => entry.id === taskId);
  if (!task || task.targets.length === 0) return false;
  return task.targets.every((id) => {
    const tracked = state.targets.get(targetKey(planId, id))!;
    return progressOf(tracked.target, tracked.tally, progressContext(tracked, areas, now)).status === 'achieved';
  });
}

function progressContext(tracked: TrackedTarget, areas: AreaRegistry, now: Date): ProgressContext {
  return planProgressContext(tracked.plan, areas, now);
}

/** What a plan's targets need to be measured at `now`: its period, and the areas below its own. */
export function planProgressContext(plan: Plan, areas: AreaRegistry, now: Date): ProgressContext {
  return {
    now,
    periodStart: plan.period.start,
    periodEnd: plan.period.end,
    planArea: plan.area,
    figures: plan.figures ?? [],
    areasIn: (levels, kinds) => areas.matching(plan.area, plan.period.start, levels, kinds).map((area) => area.code),
    isWithin: (code, ancestor) => areas.isWithin(code, ancestor),
  };
}

function dueDate(task: PlanTask, periodEnd: string): string {
  return task.due ?? periodEnd;
}

function lastEvent(tracked: TrackedTarget[]): { lastContributingEvent?: string } {
  const latest = tracked
    .filter((target) => target.lastEventTime)
    .sort((a, b) => Date.parse(b.lastEventTime!) - Date.parse(a.lastEventTime!) || (a.lastEventId! < b.lastEventId! ? 1 : -1))[0];
  return latest?.lastEventId ? { lastContributingEvent: latest.lastEventId } : {};
}

const round = (value: number) => Math.round(value * 100) / 100;
