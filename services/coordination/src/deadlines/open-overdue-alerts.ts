import type { CoordinationProjection } from '../projection/coordination-projection.js';

/**
 * Overdue deadlines whose alert is still open (no `resolved` alert yet), by the body that owes
 * the action; every body with a deadline is listed, at 0 when none is overdue, so that the gauge
 * falls back to 0 instead of vanishing. Read when metrics are scraped, not per event.
 */
export function openOverdueAlerts(projection: CoordinationProjection): Map<string, number> {
  const open = new Map<string, number>();
  for (const deadline of projection.deadlines.deadlines.values()) {
    const overdue = deadline.raised.some((id) => id.endsWith(':overdue')) && !deadline.raised.some((id) => id.endsWith(':resolved'));
    open.set(deadline.agency, (open.get(deadline.agency) ?? 0) + (overdue ? 1 : 0));
  }
  return open;
}
