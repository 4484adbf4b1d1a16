import type { CoordinationProjection } from '../projection/coordination-projection.js';
import type { AlertRecord } from '../store/coordination-store.js';
import { acknowledgedAt, handlingOf, type Acknowledgement, type AlertNote, type Assignment } from './alert-handling.js';
import type { AlertKind, DeadlineKind, DeadlineRecord } from './deadline-book.js';

/** The stages a deadline's alerts go through, in order: its current stage is the furthest raised. */
export const ALERT_STAGES = ['approaching', 'overdue', 'escalated', 'resolved'] as const satisfies readonly AlertKind[];
export type AlertStage = (typeof ALERT_STAGES)[number];

/** One row of the secretariat's work queue: a deadline that has alerts, at its current stage. */
export interface AlertQueueRow {
  /** The deadline's id (`referral:<id>`, `task:<plan>/<task>`…): one row per deadline. */
  id: string;
  stage: AlertStage;
  status: 'open' | 'resolved';
  /** When the current stage was raised. */
  since: string;
  leadDays?: number;
  /** Alerts raised about it so far (its history: `GET /api/v1/alerts/:id`). */
  alertCount: number;
  deadline: Omit<DeadlineRecord, 'raised'>;
  /** The secretariat has seen it at its current stage (ADR 0019): who, when. */
  acknowledged?: Acknowledgement;
  /** The body of the plan it was given to, to follow up. */
  assignedTo?: Assignment;
  /** The secretariat's notes, latest first. */
  notes: AlertNote[];
}

export interface AlertQueueFilter {
  /** Rows at any of these stages. */
  stage?: AlertStage[];
  status?: 'open' | 'resolved';
  /** The body that owes the awaited action. */
  body?: string;
  /** Within this area (itself or below it). */
  area?: string;
  kind?: DeadlineKind;
  plan?: string;
  /** Acknowledged at its current stage, or not. */
  acknowledged?: boolean;
  /** Assigned to this body. */
  assignedTo?: string;
}

export type StageCounts = Record<AlertStage, number>;

/** A deadline's alerts, oldest first (raised order). */
export function alertsOf(deadline: DeadlineRecord, projection: CoordinationProjection): AlertRecord[] {
  return deadline.raised.map((id) => projection.alerts.get(id)).filter((alert): alert is AlertRecord => alert !== undefined);
}

/** The deadline's row, or undefined when nothing was raised about it. */
export function queueRow(deadline: DeadlineRecord, projection: CoordinationProjection): AlertQueueRow | undefined {
  const alerts = alertsOf(deadline, projection);
  if (!alerts.length) return undefined;
  // Stages only move forward; an "approaching" raised after the deadline moved (a reopened task) does not undo "overdue".
  const current = alerts.reduce((furthest, alert) => (ALERT_STAGES.indexOf(alert.kind) >= ALERT_STAGES.indexOf(furthest.kind) ? alert : furthest));
  const { raised: _raised, ...rest } = deadline;
  const handling = handlingOf(projection.alertHandlings.get(deadline.id));
  const acknowledged = acknowledgedAt(handling, current.kind);
  return {
    id: deadline.id,
    stage: current.kind,
    status: current.kind === 'resolved' ? 'resolved' : 'open',
    since: current.time,
    ...(current.leadDays !== undefined ? { leadDays: current.leadDays } : {}),
    alertCount: alerts.length,
    deadline: rest,
    ...(acknowledged ? { acknowledged } : {}),
    ...(handling.assignedTo ? { assignedTo: handling.assignedTo } : {}),
    notes: handling.notes,
  };
}

/**
 * The work queue for a filter: rows sorted by due date (then id), and the count at each stage
 * for the same filter but any stage, so that the stage chips say what each would show.
 */
export function alertQueue(projection: CoordinationProjection, filter: AlertQueueFilter, order: 'due' | '-due' = 'due'): { rows: AlertQueueRow[]; counts: StageCounts } {
  const counts: StageCounts = { approaching: 0, overdue: 0, escalated: 0, resolved: 0 };
  const rows: AlertQueueRow[] = [];
  for (const deadline of projection.deadlines.deadlines.values()) {
    if (filter.body && deadline.agency !== filter.body) continue;
    if (filter.kind && deadline.kind !== filter.kind) continue;
    if (filter.plan && deadline.planId !== filter.plan) continue;
    if (filter.area && !projection.areas.isWithin(deadline.areaCode, filter.area)) continue;
    const row = queueRow(deadline, projection);
    if (!row || (filter.status && row.status !== filter.status)) continue;
    if (filter.acknowledged !== undefined && (row.acknowledged !== undefined) !== filter.acknowledged) continue;
    if (filter.assignedTo && row.assignedTo?.body !== filter.assignedTo) continue;
    counts[row.stage]++;
    if (!filter.stage || filter.stage.includes(row.stage)) rows.push(row);
  }
  const sign = order === '-due' ? -1 : 1;
  rows.sort((a, b) => sign * (Date.parse(a.deadline.dueAt) - Date.parse(b.deadline.dueAt)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rows, counts };
}
