import type { DeadlineRules } from '@lienganh/contracts';
import type { AlertKind, DeadlineRecord } from './deadline-book.js';

/** An alert to raise: which deadline, what kind, and for "approaching", how many days ahead. */
export interface AlertDecision {
  /** `<deadline id>:<kind>[:<lead days>]`: the alert event's id, so that it is stored and applied once. */
  id: string;
  kind: AlertKind;
  deadline: DeadlineRecord;
  leadDays?: number;
}

const DAY_MS = 86_400_000;

export const alertId = (deadlineId: string, kind: AlertKind, leadDays?: number) => `${deadlineId}:${kind}${leadDays ? `:${leadDays}` : ''}`;

/**
 * Due before its plan's alerts start (before the plan was imported, or before its `alertsFrom`):
 * a backlog item, shown on the board per body, never alerted (ADR 0010, 8). Data, not the clock:
 * replay decides the same.
 */
export function isBacklog(deadline: Pick<DeadlineRecord, 'dueAt' | 'alertsFrom'>): boolean {
  if (deadline.alertsFrom === undefined) return false;
  // Asked of every deadline at every tick: a plan's start is parsed once, and a due time in UTC
  // (`toISOString`, as hand-overs and checks have) compares as text, without a parse.
  let start = alertStarts.get(deadline.alertsFrom);
  if (start === undefined) {
    const ms = Date.parse(deadline.alertsFrom);
    alertStarts.set(deadline.alertsFrom, (start = { ms, iso: new Date(ms).toISOString() }));
  }
  const { dueAt } = deadline;
  return dueAt.length === 24 && dueAt.endsWith('Z') ? dueAt < start.iso : Date.parse(dueAt) < start.ms;
}
/** Each plan's alert start, parsed: one per plan. */
const alertStarts = new Map<string, { ms: number; iso: string }>();

/**
 * Pure: the alerts a deadline calls for at `now`, given those already raised.
 * - approaching: at each configured lead time before the due time (only the nearest one if
 *   several have passed, e.g. after a downtime);
 * - overdue: once the due time passes unmet; escalated: once it has been overdue longer than
 *   the threshold (to the committee); each once;
 * - resolved: once the awaited event has arrived, late or not, if anything had been raised.
 * A deadline met before any alert gives none; a backlog deadline (due before its plan's alerts
 * start) gives none at all.
 */
export function decideAlerts(deadline: DeadlineRecord, rules: Pick<DeadlineRules, 'approachingDays' | 'escalateAfterDays'>, now: Date): AlertDecision[] {
  if (deadline.cancelled || isBacklog(deadline)) return [];
  // Asked of every open deadline at every tick: no allocation unless an alert is due.
  const time = now.getTime();
  if (deadline.metAt !== undefined && Date.parse(deadline.metAt) <= time) {
    const anyRaised = deadline.raised.some((id) => !id.endsWith(':resolved'));
    return anyRaised ? decided(deadline, 'resolved') : NONE;
  }
  const due = Date.parse(deadline.dueAt);
  if (time >= due + rules.escalateAfterDays * DAY_MS) return [...decided(deadline, 'overdue'), ...decided(deadline, 'escalated')];
  if (time >= due) return decided(deadline, 'overdue');
  const passed = nearestFirst(rules.approachingDays).find((lead) => time >= due - lead * DAY_MS);
  if (passed === undefined) return NONE;
  // A nearer lead already raised covers a farther one that comes due later (it cannot).
  const nearerRaised = deadline.raised.some((id) => {
    const match = /:approaching:(\d+)$/.exec(id);
    return match !== null && Number(match[1]) <= passed;
  });
  return nearerRaised ? NONE : decided(deadline, 'approaching', passed);
}

const NONE: AlertDecision[] = [];
Object.freeze(NONE);

/** The alert of `kind` about a deadline, unless it was raised already. */
function decided(deadline: DeadlineRecord, kind: AlertKind, leadDays?: number): AlertDecision[] {
  const id = alertId(deadline.id, kind, leadDays);
  return deadline.raised.includes(id) ? NONE : [{ id, kind, deadline, ...(leadDays ? { leadDays } : {}) }];
}

/** A plan's lead times, nearest first; sorted once per plan's rules. */
const sortedLeads = new WeakMap<readonly number[], readonly number[]>();
function nearestFirst(leads: readonly number[]): readonly number[] {
  let sorted = sortedLeads.get(leads);
  if (!sorted) sortedLeads.set(leads, (sorted = [...leads].sort((a, b) => a - b)));
  return sorted;
}
