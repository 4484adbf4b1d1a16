import type { PlanTask } from '@lienganh/contracts';

/**
 * Whether a task is done, as its bodies and the secretariat said it: the lead body reports it
 * done with a document (number and date), the secretariat confirms or reopens it. Pure: `evolve`
 * folds the facts, `decide` judges the secretariat's commands, `refusalOf` which bodies' reports
 * count. Facts are kept sorted by `time`, then key, and folded in that order, so any order of
 * arrival (a replay reads the secretariat's decisions before the agency events they judged)
 * gives the same state. Every fact is idempotent by its key (source + id).
 */

export interface TaskEvidence {
  documentNumber: string;
  issuedOn: string;
}

interface FactBase {
  /** `eventKey` of the event (source + id): a fact is applied once. */
  key: string;
  /** The event's id, for the board ("last event"). */
  id: string;
  /** When it happened: the event's `time`. */
  time: string;
}

/** A body's progress report; `body` is lead or supporting. */
export interface ProgressFact extends FactBase {
  kind: 'progress';
  body: string;
  percentDone?: number;
  evidence?: TaskEvidence;
}

/** The lead body says the task is done. */
export interface CompletedFact extends FactBase {
  kind: 'completed';
  body: string;
  completedOn: string;
  evidence: TaskEvidence;
}

export interface ConfirmedFact extends FactBase {
  kind: 'confirmed';
  by: string;
}

export interface ReopenedFact extends FactBase {
  kind: 'reopened';
  by: string;
  reason: string;
}

export type TaskFact = ProgressFact | CompletedFact | ConfirmedFact | ReopenedFact;

/** What the store keeps per task: its facts, sorted (`addFact`). */
export interface TaskCompletionRecord {
  /** `${planId}/${taskId}`. */
  key: string;
  planId: string;
  taskId: string;
  facts: TaskFact[];
}

export type CompletionStatus = 'not-reported' | 'in-progress' | 'awaiting-confirmation' | 'confirmed' | 'reopened';

export interface TaskCompletion {
  status: CompletionStatus;
  /** The last percent a body reported (by time). */
  percentDone?: number;
  /** The latest completion report: who, the day it was done, its document, when reported. */
  completion?: { body: string; completedOn: string; evidence: TaskEvidence; reportedAt: string; eventId: string };
  confirmed?: { by: string; at: string };
  reopened?: { by: string; at: string; reason: string };
  /** The latest fact's id and time. */
  lastEventId?: string;
  lastEventAt?: string;
}

export const initialTaskCompletion: TaskCompletion = { status: 'not-reported' };

/**
 * One fact on the state. Total: a decision is judged by `decide` when it is taken, so here a
 * confirmation confirms and a reopening reopens whatever came before (a replay must not refuse
 * what was decided live). Progress never moves a task out of awaiting, done or reopened; a
 * completion after a confirmation (a re-sent report) leaves it confirmed.
 */
export function evolve(state: TaskCompletion, fact: TaskFact): TaskCompletion {
  const last = { lastEventId: fact.id, lastEventAt: fact.time };
  switch (fact.kind) {
    case 'progress':
      return {
        ...state,
        ...last,
        ...(fact.percentDone !== undefined ? { percentDone: fact.percentDone } : {}),
        status: state.status === 'not-reported' ? 'in-progress' : state.status,
      };
    case 'completed': {
      const completion = { body: fact.body, completedOn: fact.completedOn, evidence: fact.evidence, reportedAt: fact.time, eventId: fact.id };
      if (state.status === 'confirmed') return { ...state, ...last };
      return { ...state, ...last, completion, status: 'awaiting-confirmation' };
    }
    case 'confirmed':
      return { ...state, ...last, confirmed: { by: fact.by, at: fact.time }, status: 'confirmed' };
    case 'reopened': {
      const { confirmed: _confirmed, ...rest } = state;
      return { ...rest, ...last, reopened: { by: fact.by, at: fact.time, reason: fact.reason }, status: 'reopened' };
    }
  }
}

/** The state from a task's facts, those up to `asOf` only when given (a report of a past period). */
export function completionOf(record: TaskCompletionRecord | undefined, asOf?: Date): TaskCompletion {
  if (!record) return initialTaskCompletion;
  const limit = asOf?.getTime();
  let state = initialTaskCompletion;
  for (const fact of record.facts) {
    if (limit !== undefined && Date.parse(fact.time) > limit) break;
    state = evolve(state, fact);
  }
  return state;
}

/** The record with `fact` in its place; the same record when the fact is there already. */
export function addFact(record: TaskCompletionRecord, fact: TaskFact): TaskCompletionRecord {
  if (record.facts.some((existing) => existing.key === fact.key)) return record;
  return { ...record, facts: [...record.facts, fact].sort(byTimeThenKey) };
}

function byTimeThenKey(a: TaskFact, b: TaskFact): number {
  return Date.parse(a.time) - Date.parse(b.time) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export type TaskCommand = { kind: 'confirm'; by: string } | { kind: 'reopen'; by: string; reason: string };

/** Why a command may not be taken in the task's state. */
export type CommandRefusal = 'not-reported-done' | 'already-confirmed' | 'already-reopened';

/**
 * The secretariat's command on the state: the fact to record, or why not. Only a task its lead
 * reported done (awaiting confirmation) can be confirmed; one reported or confirmed done can be
 * reopened (not one reopened already, nor one never reported done).
 */
export function decide(state: TaskCompletion, command: TaskCommand): { fact: Omit<ConfirmedFact, 'key' | 'id' | 'time'> | Omit<ReopenedFact, 'key' | 'id' | 'time'> } | { refused: CommandRefusal } {
  if (command.kind === 'confirm') {
    if (state.status === 'confirmed') return { refused: 'already-confirmed' };
    if (state.status !== 'awaiting-confirmation') return { refused: 'not-reported-done' };
    return { fact: { kind: 'confirmed', by: command.by } };
  }
  if (state.status === 'reopened') return { refused: 'already-reopened' };
  if (state.status !== 'awaiting-confirmation' && state.status !== 'confirmed') return { refused: 'not-reported-done' };
  return { fact: { kind: 'reopened', by: command.by, reason: command.reason } };
}

/** Why a body's report changes no task. */
export type ReportRefusal = 'unknown-plan' | 'unknown-task' | 'not-lead' | 'not-assigned';

/** Only the lead (chủ trì) completes a task; the lead and supporting bodies (phối hợp) report progress. */
export function refusalOf(task: Pick<PlanTask, 'lead' | 'supporting'>, body: string, kind: 'progress' | 'completed'): ReportRefusal | undefined {
  if (body === task.lead) return undefined;
  if (kind === 'completed') return 'not-lead';
  return task.supporting.includes(body) ? undefined : 'not-assigned';
}

/**
 * A decision's time: now, or just after the latest fact it judged when that one is dated ahead of
 * the clock (an event may be up to a day ahead), so that the fold sees the decision after it.
 */
export function decisionTime(record: TaskCompletionRecord | undefined, now: Date): Date {
  const latest = record?.facts.at(-1);
  const after = latest ? Date.parse(latest.time) + 1 : 0;
  return new Date(Math.max(now.getTime(), after));
}
