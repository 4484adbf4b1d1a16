import type { BusEvent, Plan, PlanTarget } from '@lienganh/contracts';
import { AppliedEvents } from './applied-events.js';
import type { AreaRegistry } from '../registry/area-registry.js';
import type { TaskCompletionRecord } from './task-completion.js';
import { PlanActivity } from './plan-activity.js';
import { RecentEvents } from '../targets/recent-events.js';
import { dayAreaOf, TargetHistory } from '../targets/target-history.js';
import { emptyTally, evolveTally, factOf, isYearly, measuredTypes, type Counted, type CountedFact, type TallyContext, type TargetTally } from '../targets/target-tally.js';

/**
 * What coordination derives from the streams: the plans it knows and, per target, its
 * tally. Targets are indexed by the event types they count, so applying an event touches
 * only the targets that care (no scan of every plan per event).
 */
export interface TrackedTarget {
  /** `${planId}/${targetId}`, made once: every contribution to it shares the string. */
  key: string;
  plan: Plan;
  target: PlanTarget;
  tally: TargetTally;
  /** What its contributing events added per day and area: its figures as they stood at past days. */
  history: TargetHistory;
  /** Where its latest contributing events sit in the streams: the "contributing events" view. */
  recent: RecentEvents;
  context: TallyContext;
  /** The latest (by `time`) event that counted: a task's last contributing event. */
  lastEventTime?: string;
  lastEventId?: string;
}

export interface CoordinationState {
  plans: Map<string, Plan>;
  /** Every event applied, once each, by key: a second delivery changes nothing (`applyEvent`). */
  applied: AppliedEvents;
  /** `${planId}/${targetId}` → tracked target. */
  targets: Map<string, TrackedTarget>;
  byEventType: Map<string, TrackedTarget[]>;
  /** `${planId}/${taskId}` → what its bodies and the secretariat said of it (task-completion.ts). */
  taskCompletions: Map<string, TaskCompletionRecord>;
  /** Per plan: the events that counted for its targets, per agency, day and area. */
  activity: Map<string, PlanActivity>;
}

export const emptyCoordinationState = (): CoordinationState => ({ plans: new Map(), applied: AppliedEvents.empty(), targets: new Map(), byEventType: new Map(), taskCompletions: new Map(), activity: new Map() });

export const targetKey = (planId: string, targetId: string) => `${planId}/${targetId}`;

/** Adds a plan's targets. Events already seen are not re-read here: replay feeds plans first. */
export function addPlan(state: CoordinationState, plan: Plan, areas: AreaRegistry): void {
  if (state.plans.has(plan.id)) return;
  state.plans.set(plan.id, plan);
  state.activity.set(plan.id, new PlanActivity());
  trackTargets(state, plan, areas);
}

/**
 * A revision of a known plan takes its place (in the same position, so that the first plan
 * covering an area stays the same) with fresh, empty targets: the caller re-counts them from the
 * events (a backfill). Returns the targets of the version it replaced, whose tallies are void.
 */
export function replacePlan(state: CoordinationState, plan: Plan, areas: AreaRegistry): TrackedTarget[] {
  const all = [...state.targets.values()];
  const replaced = all.filter((tracked) => tracked.plan.id === plan.id);
  const gone = new Set(replaced);
  for (const [type, tracked] of state.byEventType) {
    const kept = tracked.filter((entry) => !gone.has(entry));
    if (kept.length === 0) state.byEventType.delete(type);
    else if (kept.length !== tracked.length) state.byEventType.set(type, kept);
  }
  state.plans.set(plan.id, plan);
  state.activity.set(plan.id, new PlanActivity());
  // The new targets where the old ones were, so that the board keeps the plans' order.
  const at = replaced.length > 0 ? all.indexOf(replaced[0]!) : all.length;
  state.targets.clear();
  for (const tracked of all.slice(0, at)) if (!gone.has(tracked)) state.targets.set(tracked.key, tracked);
  trackTargets(state, plan, areas);
  for (const tracked of all.slice(at)) if (!gone.has(tracked)) state.targets.set(tracked.key, tracked);
  return replaced;
}

function trackTargets(state: CoordinationState, plan: Plan, areas: AreaRegistry): void {
  const context: TallyContext = {
    periodStart: plan.period.start,
    periodEnd: plan.period.end,
    planArea: plan.area,
    isWithin: (code, ancestor) => areas.isWithin(code, ancestor),
  };
  for (const target of plan.targets) {
    const tracked: TrackedTarget = { key: targetKey(plan.id, target.id), plan, target, tally: emptyTally(isYearly(target)), history: new TargetHistory(), recent: new RecentEvents(), context };
    state.targets.set(tracked.key, tracked);
    for (const type of measuredTypes(target.measure)) {
      state.byEventType.set(type, [...(state.byEventType.get(type) ?? []), tracked]);
    }
  }
}

/** Applies an event once to every target that counts its type: one applied before (same source + id) changes nothing. */
export function applyEvent(state: CoordinationState, event: BusEvent, fact: CountedFact = factOf(event)): { tracked: TrackedTarget; counted: Counted }[] {
  return state.applied.add(fact.key) ? countEvent(state, event, fact) : [];
}

/**
 * Counts an event the caller has made sure is counted once (`applyEvent`, a backfill's claim, an
 * answer placed when its referral arrives) for every target that counts its type, or only for
 * `planId`'s; returns those it counted for, with what it added.
 */
export function countEvent(state: CoordinationState, event: BusEvent, fact: CountedFact, planId?: string): { tracked: TrackedTarget; counted: Counted }[] {
  const applied: { tracked: TrackedTarget; counted: Counted }[] = [];
  let dayArea: string | undefined;
  for (const tracked of state.byEventType.get(event.type) ?? []) {
    if (planId !== undefined && tracked.plan.id !== planId) continue;
    const counted = evolveTally(tracked.target, tracked.tally, fact, tracked.context);
    if (!counted) continue;
    applied.push({ tracked, counted });
    tracked.history.add(counted, (dayArea ??= dayAreaOf(fact.time, fact.areaCode!)));
    if (isLater(event, tracked)) {
      tracked.lastEventTime = event.time;
      tracked.lastEventId = event.id;
    }
  }
  if (dayArea !== undefined) recordActivity(state, applied, dayArea);
  return applied;
}

/**
 * The event, once per plan and per agency of the targets it counted for, and once per plan in all
 * (agency `''`). An event counts for a few targets: looking back over them costs less than a set
 * made per event.
 */
function recordActivity(state: CoordinationState, applied: readonly { tracked: TrackedTarget }[], dayArea: string): void {
  for (let index = 0; index < applied.length; index++) {
    const { plan, target } = applied[index]!.tracked;
    let planSeen = false;
    let agencySeen = false;
    for (let earlier = 0; earlier < index && !agencySeen; earlier++) {
      const other = applied[earlier]!.tracked;
      if (other.plan.id !== plan.id) continue;
      planSeen = true;
      agencySeen = other.target.agency === target.agency;
    }
    const activity = state.activity.get(plan.id)!;
    if (!agencySeen) activity.add(target.agency, dayArea);
    if (!planSeen) activity.add('', dayArea);
  }
}

/** Latest by the instant of `time`, then by id: the same answer whatever the arrival order. */
function isLater(event: BusEvent, tracked: TrackedTarget): boolean {
  if (!tracked.lastEventTime) return true;
  const difference = Date.parse(event.time) - Date.parse(tracked.lastEventTime);
  return difference > 0 || (difference === 0 && event.id > tracked.lastEventId!);
}
