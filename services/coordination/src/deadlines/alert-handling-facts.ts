import { coordinationAlertAcknowledged, coordinationAlertAssigned, coordinationAlertNoted, eventKey, type BusEvent } from '@lienganh/contracts';
import type { AlertHandlingFact } from './alert-handling.js';

/** The handling fact an event states, with its deadline, if it is one of the secretariat's `alert.*` decisions. */
export function handlingFactOf(event: BusEvent): { deadlineId: string; fact: AlertHandlingFact } | undefined {
  const base = { key: eventKey(event), id: event.id, time: event.time };
  if (event.type === coordinationAlertAcknowledged.type) {
    const data = event.data as { deadlineId: string; stage: 'approaching' | 'overdue' | 'escalated'; acknowledgedBy: string; role: string };
    return { deadlineId: data.deadlineId, fact: { ...base, kind: 'acknowledged', stage: data.stage, by: data.acknowledgedBy, role: data.role } };
  }
  if (event.type === coordinationAlertNoted.type) {
    const data = event.data as { deadlineId: string; note: string; notedBy: string; role: string };
    return { deadlineId: data.deadlineId, fact: { ...base, kind: 'noted', note: data.note, by: data.notedBy, role: data.role } };
  }
  if (event.type === coordinationAlertAssigned.type) {
    const data = event.data as { deadlineId: string; assignee: string; assignedBy: string; role: string };
    return { deadlineId: data.deadlineId, fact: { ...base, kind: 'assigned', assignee: data.assignee, by: data.assignedBy, role: data.role } };
  }
  return undefined;
}
