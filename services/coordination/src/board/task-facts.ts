import { bodyOf, coordinationTaskConfirmed, coordinationTaskReopened, eventKey, type BusEvent } from '@lienganh/contracts';
import type { TaskFact } from './task-completion.js';

/** A fact about one task, read from an event: a body's progress or completion, or the secretariat's decision. */
export interface TaskFactOfEvent {
  planId: string;
  taskId: string;
  fact: TaskFact;
}

const PROGRESS = /^vn\.pcmd\.[a-z0-9-]+\.task\.progress-reported\.v1$/;
const COMPLETED = /^vn\.pcmd\.[a-z0-9-]+\.task\.completed\.v1$/;

/** The task fact an event states, if it is one: from any producer (the body is `bodyOf`), or coordination's decisions. */
export function taskFactOf(event: BusEvent): TaskFactOfEvent | undefined {
  const data = event.data as Record<string, unknown> & { planId: string; taskId: string };
  const base = { key: eventKey(event), id: event.id, time: event.time };
  if (event.type === coordinationTaskConfirmed.type) {
    return { planId: data.planId, taskId: data.taskId, fact: { ...base, kind: 'confirmed', by: data.confirmedBy as string } };
  }
  if (event.type === coordinationTaskReopened.type) {
    return { planId: data.planId, taskId: data.taskId, fact: { ...base, kind: 'reopened', by: data.reopenedBy as string, reason: data.reason as string } };
  }
  if (PROGRESS.test(event.type)) {
    const { percentDone, evidence } = data as { percentDone?: number; evidence?: { documentNumber: string; issuedOn: string } };
    const fact: TaskFact = { ...base, kind: 'progress', body: bodyOf(event), ...(percentDone !== undefined ? { percentDone } : {}), ...(evidence ? { evidence } : {}) };
    return { planId: data.planId, taskId: data.taskId, fact };
  }
  if (COMPLETED.test(event.type)) {
    const { completedOn, evidence } = data as unknown as { completedOn: string; evidence: { documentNumber: string; issuedOn: string } };
    return { planId: data.planId, taskId: data.taskId, fact: { ...base, kind: 'completed', body: bodyOf(event), completedOn, evidence } };
  }
  return undefined;
}
