import type { TaskCompletion, TaskEvidence } from './task-completion.js';

export type TaskStatus = 'not-started' | 'in-progress' | 'awaiting-confirmation' | 'done' | 'reopened' | 'overdue';

/** What the board shows of a task's reports and decisions (no person: bodies, staff accounts, documents). */
export interface TaskCompletionView {
  /** The last percent a lead or supporting body reported. */
  reportedPercent?: number;
  /** The lead's completion report: the day it was done and its document (evidence). */
  completion?: { body: string; completedOn: string; evidence: TaskEvidence; reportedAt: string };
  confirmed?: { by: string; at: string };
  reopened?: { by: string; at: string; reason: string };
}

/**
 * A task's status on the board. The secretariat's reopening stands until the lead reports the
 * task done again; done is confirmed, or every target achieved (as before); a lead's report of
 * done awaits confirmation, even past the due date (the lead did its part); then overdue,
 * in progress (targets moved, or a body reported progress), not started.
 */
export function taskStatus(input: { targetsDone: boolean; pastDue: boolean; progress: number; completion: TaskCompletion }): TaskStatus {
  const { status } = input.completion;
  if (status === 'reopened') return 'reopened';
  if (status === 'confirmed' || input.targetsDone) return 'done';
  if (status === 'awaiting-confirmation') return 'awaiting-confirmation';
  if (input.pastDue) return 'overdue';
  return input.progress > 0 || status === 'in-progress' ? 'in-progress' : 'not-started';
}

/**
 * The progress shown: the mean of the targets' for a task with targets; for one without, 100
 * once reported done, else the last percent reported.
 */
export function taskProgress(targetsProgress: number | undefined, completion: TaskCompletion): number {
  if (targetsProgress !== undefined) return targetsProgress;
  if (completion.status === 'awaiting-confirmation' || completion.status === 'confirmed') return 100;
  return completion.percentDone ?? 0;
}

export function completionView(completion: TaskCompletion): TaskCompletionView {
  const { percentDone, completion: reported, confirmed, reopened } = completion;
  return {
    ...(percentDone !== undefined ? { reportedPercent: percentDone } : {}),
    ...(reported ? { completion: { body: reported.body, completedOn: reported.completedOn, evidence: reported.evidence, reportedAt: reported.reportedAt } } : {}),
    ...(confirmed ? { confirmed } : {}),
    ...(reopened ? { reopened } : {}),
  };
}
