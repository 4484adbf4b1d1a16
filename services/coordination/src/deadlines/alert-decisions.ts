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
export const isBacklog = (deadline: Pick<DeadlineRecord, 'dueAt' | 'alertsFrom'>) =>
  deadline.alertsFrom !== undefined && Date.parse(deadline.dueAt) < Date.parse(deadline.alertsFrom);

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
  const raised = new Set(deadline.raised);
  const decide = (kind: AlertKind, leadDays?: number): AlertDecision[] => {
    const id = alertId(deadline.id, kind, leadDays);
    return raised.has(id) ? [] : [{ id, kind, deadline, ...(leadDays ? { leadDays } : {}) }];
  };
  const metAt = deadline.metAt ? Date.parse(deadline.metAt) : undefined;
  const time = now.getTime();
  if (metAt !== undefined && metAt <= time) {
    const anyRaised = deadline.raised.some((id) => !id.endsWith(':resolved'));
    return anyRaised ? decide('resolved') : [];
  }
  const due = Date.parse(deadline.dueAt);
  if (time >= due + rules.escalateAfterDays * DAY_MS) return [...decide('overdue'), ...decide('escalated')];
  if (time >= due) return decide('overdue');
  const passed = [...rules.approachingDays].sort((a, b) => a - b).find((lead) => time >= due - lead * DAY_MS);
  if (passed === undefined) return [];
  // A nearer lead already raised covers a farther one that comes due later (it cannot).
  const nearerRaised = deadline.raised.some((id) => {
    const match = /:approaching:(\d+)$/.exec(id);
    return match !== null && Number(match[1]) <= passed;
  });
  return nearerRaised ? [] : decide('approaching', passed);
}
