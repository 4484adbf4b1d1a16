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
  /** `Date.parse(lastEventTime)`, made once. */
  lastEventMs?: number;
}

export interface CoordinationState {
  plans: Map<string, Plan>;
  /** Every event applied, once each, by key: a second delivery changes nothing (`applyEvent`). */
  applied: AppliedEvents;
  /** `${planId}/${targetId}` → tracked target. */
  targets: Map<string, TrackedTarget>;
  /** Event type → per plan, its targets that count that type: an event looks at the targets of the plans that cover its area only. */
  byEventType: Map<string, PlanTargets[]>;
  /** `${planId}/${taskId}` → what its bodies and the secretariat said of it (task-completion.ts). */
  taskCompletions: Map<string, TaskCompletionRecord>;
  /** Per plan: the events that counted for its targets, per agency, day and area. */
  activity: Map<string, PlanActivity>;
}

/**
 * The targets of one plan that count one event type, by the areas their selections count in (a
 * measure's own area, or the plan's): an event is offered only to the targets of the areas it lies
 * within, not to every target of its type (a ward's target among a district's fourteen, a city
 * board holding many districts' plans).
 */
export interface PlanTargets {
  planId: string;
  /** Every area an area code lies within (`AreaRegistry.ancestorsOf`). */
  ancestorsOf(areaCode: string): ReadonlySet<string>;
  byArea: Map<string, TrackedTarget[]>;
  /** Targets whose selections count in more than one area (a percentage's two parts): offered once per event. */
  spanning: Set<TrackedTarget>;
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
  for (const [type, plans] of state.byEventType) {
    const kept = plans.filter((entry) => entry.planId !== plan.id);
    if (kept.length === 0) state.byEventType.delete(type);
    else if (kept.length !== plans.length) state.byEventType.set(type, kept);
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
  const ancestorsOf = (code: string) => areas.ancestorsOf(code);
  for (const target of plan.targets) {
    const tracked: TrackedTarget = { key: targetKey(plan.id, target.id), plan, target, tally: emptyTally(isYearly(target)), history: new TargetHistory(), recent: new RecentEvents(), context };
    state.targets.set(tracked.key, tracked);
    for (const type of measuredTypes(target.measure)) {
      const plans = state.byEventType.get(type) ?? [];
      let group = plans.find((entry) => entry.planId === plan.id);
      if (!group) state.byEventType.set(type, [...plans, (group = { planId: plan.id, ancestorsOf, byArea: new Map(), spanning: new Set() })]);
      const selected = [...new Set(selectionAreas(target, plan.area))];
      if (selected.length > 1) group.spanning.add(tracked);
      for (const area of selected) group.byArea.set(area, [...(group.byArea.get(area) ?? []), tracked]);
    }
  }
}

/** The areas a target's selections count in: their own, or the plan's. */
function selectionAreas(target: PlanTarget, planArea: string): string[] {
  const measure = target.measure as { eventType?: string; area?: string; numerator?: { area?: string }; denominator?: { eventType?: string; area?: string } };
  const selections = measure.numerator ? [measure.numerator, ...(measure.denominator?.eventType ? [measure.denominator] : [])] : [measure];
  return selections.map((selection) => selection.area ?? planArea);
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
  let eventMs: number | undefined;
  const area = fact.areaCode;
  if (area === undefined) return applied; // counts nowhere
  for (const group of state.byEventType.get(event.type) ?? []) {
    if (planId !== undefined && group.planId !== planId) continue;
    let offered: TrackedTarget[] | undefined;
    for (const ancestor of group.ancestorsOf(area)) {
      for (const tracked of group.byArea.get(ancestor) ?? []) {
        if (group.spanning.has(tracked)) {
          if ((offered ??= []).includes(tracked)) continue;
          offered.push(tracked);
        }
        const counted = evolveTally(tracked.target, tracked.tally, fact, tracked.context);
        if (!counted) continue;
        applied.push({ tracked, counted });
        tracked.history.add(counted, (dayArea ??= dayAreaOf(fact.time, area)));
        eventMs ??= Date.parse(event.time);
        if (isLater(eventMs, event.id, tracked)) {
          tracked.lastEventTime = event.time;
          tracked.lastEventId = event.id;
          tracked.lastEventMs = eventMs;
        }
      }
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
function isLater(eventMs: number, eventId: string, tracked: TrackedTarget): boolean {
  if (!tracked.lastEventTime) return true;
  const difference = eventMs - (tracked.lastEventMs ??= Date.parse(tracked.lastEventTime));
  return difference > 0 || (difference === 0 && eventId > tracked.lastEventId!);
}
