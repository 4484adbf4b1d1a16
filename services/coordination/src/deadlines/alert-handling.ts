import type { AlertStage } from './alert-queue.js';

/**
 * What the secretariat did about a deadline's alerts (ADR 0019): acknowledged it at a stage, noted
 * something, assigned it to a body of the plan. Pure: `evolve` folds the facts, `decide` judges a
 * command on the row as it is. Facts are kept per deadline, sorted by `time` then key, and each is
 * applied once (by its event key), so a replay, a redelivery or any order of arrival gives the same
 * state. Kept apart from the deadline itself: a replay may read these (coordination's stream)
 * before the agency event that opens the deadline; the work queue joins the two when it is asked.
 */

interface FactBase {
  /** `eventKey` (source + id): a fact is applied once. */
  key: string;
  id: string;
  /** When it was decided: the event's `time`. */
  time: string;
  /** The staff account that acted, and its role, as the audit trail names them. */
  by: string;
  role: string;
}

export interface AcknowledgedFact extends FactBase {
  kind: 'acknowledged';
  stage: Exclude<AlertStage, 'resolved'>;
}

export interface NotedFact extends FactBase {
  kind: 'noted';
  note: string;
}

export interface AssignedFact extends FactBase {
  kind: 'assigned';
  assignee: string;
}

export type AlertHandlingFact = AcknowledgedFact | NotedFact | AssignedFact;
export type AlertHandlingKind = AlertHandlingFact['kind'];

/** What the store keeps per deadline: its handling facts, sorted (`addHandlingFact`). */
export interface AlertHandlingRecord {
  deadlineId: string;
  facts: AlertHandlingFact[];
}

export interface Acknowledgement {
  by: string;
  role: string;
  at: string;
  stage: Exclude<AlertStage, 'resolved'>;
}

export interface Assignment {
  body: string;
  by: string;
  role: string;
  at: string;
}

export interface AlertNote {
  text: string;
  by: string;
  role: string;
  at: string;
}

/** The handling folded: the latest acknowledgement and assignment, and every note, latest first. */
export interface AlertHandling {
  acknowledged?: Acknowledgement;
  assignedTo?: Assignment;
  notes: AlertNote[];
}

export const initialAlertHandling: AlertHandling = { notes: [] };

/** One fact on the state. Total: a command is judged by `decide` when taken, a replay applies what was decided. */
export function evolveHandling(state: AlertHandling, fact: AlertHandlingFact): AlertHandling {
  const who = { by: fact.by, role: fact.role, at: fact.time };
  switch (fact.kind) {
    case 'acknowledged':
      return { ...state, acknowledged: { ...who, stage: fact.stage } };
    case 'assigned':
      return { ...state, assignedTo: { body: fact.assignee, ...who } };
    case 'noted':
      return { ...state, notes: [{ text: fact.note, ...who }, ...state.notes] };
  }
}

export function handlingOf(record: AlertHandlingRecord | undefined): AlertHandling {
  return (record?.facts ?? []).reduce(evolveHandling, initialAlertHandling);
}

/** The record with `fact` in its place (time, then key); the same record when the fact is there already. */
export function addHandlingFact(record: AlertHandlingRecord, fact: AlertHandlingFact): AlertHandlingRecord {
  if (record.facts.some((existing) => existing.key === fact.key)) return record;
  return { ...record, facts: [...record.facts, fact].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) };
}

/**
 * The acknowledgement that holds at `stage`: the latest one, made at this stage. A deadline that
 * moved on (overdue, then escalated) needs acknowledging afresh; a resolved one keeps the last.
 */
export function acknowledgedAt(handling: AlertHandling, stage: AlertStage): Acknowledgement | undefined {
  const latest = handling.acknowledged;
  return latest && (latest.stage === stage || stage === 'resolved') ? latest : undefined;
}

export type AlertCommand =
  | { kind: 'acknowledge'; by: string; role: string }
  | { kind: 'note'; by: string; role: string; note: string }
  | { kind: 'assign'; by: string; role: string; assignee: string };

/** Why a command may not be taken: 404, 409 and 400 (naming `body.body`) in the API. */
export type AlertCommandRefusal = 'not-found' | 'alert-resolved' | 'already-acknowledged' | 'already-assigned' | 'not-a-body-of-the-plan';

/** The row a command is judged on: its stage now (none: no alert about that deadline), its handling, its plan's bodies. */
export interface AlertCommandContext {
  stage: AlertStage | undefined;
  handling: AlertHandling;
  planBodies: readonly string[];
}

export type AlertDecision = { fact: Omit<AcknowledgedFact, keyof FactBase> | Omit<NotedFact, keyof FactBase> | Omit<AssignedFact, keyof FactBase> } | { refused: AlertCommandRefusal } | { unchanged: true };

/**
 * A command on a row: the fact to record, or why not. A row with no alert is not found; a note can
 * be added at any stage; a resolved alert is neither acknowledged nor assigned (nothing is left to
 * do); one acknowledged at its stage already is not again; an assignee is a body its plan names,
 * and not the one it has already. The same note by the same account as the latest one is a retried
 * request: nothing to record (`unchanged`).
 */
export function decideAlertCommand(context: AlertCommandContext, command: AlertCommand): AlertDecision {
  const { stage, handling } = context;
  if (stage === undefined) return { refused: 'not-found' };
  if (command.kind === 'note') {
    const latest = handling.notes[0];
    return latest?.by === command.by && latest.text === command.note ? { unchanged: true } : { fact: { kind: 'noted', note: command.note } };
  }
  if (command.kind === 'assign' && !context.planBodies.includes(command.assignee)) return { refused: 'not-a-body-of-the-plan' };
  if (stage === 'resolved') return { refused: 'alert-resolved' };
  if (command.kind === 'acknowledge') {
    return acknowledgedAt(handling, stage) ? { refused: 'already-acknowledged' } : { fact: { kind: 'acknowledged', stage } };
  }
  return handling.assignedTo?.body === command.assignee ? { refused: 'already-assigned' } : { fact: { kind: 'assigned', assignee: command.assignee } };
}

/**
 * A decision's time: now, or 1 ms after the latest fact when that one is dated ahead (another
 * instance's clock), so that the fold sees the decision after what it judged.
 */
export function handlingTime(record: AlertHandlingRecord | undefined, now: Date): Date {
  const latest = record?.facts.at(-1);
  return new Date(Math.max(now.getTime(), latest ? Date.parse(latest.time) + 1 : 0));
}
