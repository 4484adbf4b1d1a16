import type { CoordinationProjection } from '../projection/coordination-projection.js';
import type { AlertHandlingKind } from './alert-handling.js';
import type { AlertQueueRow } from './alert-queue.js';
import type { DeadlineRecord } from './deadline-book.js';

/** What the secretariat did about a deadline's alerts, as an entry of its history (beside the alerts raised). */
export interface HandlingView {
  /** The event's id. */
  id: string;
  kind: AlertHandlingKind;
  time: string;
  by: string;
  role: string;
  /** For `acknowledged`: the stage seen. */
  stage?: string;
  /** For `noted`: the note (withheld from those who may not see the case: `withheld`). */
  text?: string;
  /** For `assigned`: the body. */
  assignee?: string;
  withheld?: true;
  status: 'open' | 'resolved';
  deadline: Omit<DeadlineRecord, 'raised'>;
}

/** The deadline's handling facts, in time order, shaped as history entries. */
export function handlingViews(deadline: DeadlineRecord, projection: CoordinationProjection): HandlingView[] {
  const { raised, ...rest } = deadline;
  const status = raised.some((id) => id.endsWith(':resolved')) ? 'resolved' : 'open';
  return (projection.alertHandlings.get(deadline.id)?.facts ?? []).map((fact) => ({
    id: fact.id,
    kind: fact.kind,
    time: fact.time,
    by: fact.by,
    role: fact.role,
    ...(fact.kind === 'acknowledged' ? { stage: fact.stage } : fact.kind === 'noted' ? { text: fact.note } : { assignee: fact.assignee }),
    status,
    deadline: rest,
  }));
}

/** The alerts raised (in raised order) with the handling entries merged in by time: each before the first alert raised after it. */
export function withHandling<A extends { time: string }>(alerts: A[], handling: HandlingView[]): (A | HandlingView)[] {
  const merged: (A | HandlingView)[] = [];
  let next = 0;
  for (const alert of alerts) {
    while (next < handling.length && Date.parse(handling[next]!.time) < Date.parse(alert.time)) merged.push(handling[next++]!);
    merged.push(alert);
  }
  return [...merged, ...handling.slice(next)];
}

/**
 * A row or entry shown with a stand-in for its case (ADR 0008: a hand-over alert seen by someone
 * who may not see the case) keeps its notes' authors and times, not their text: a note may speak
 * of the case.
 */
export function withheldNotes<V extends (Pick<AlertQueueRow, 'notes'> | { text?: string }) & { hidden?: true }>(view: V): V {
  if (!view.hidden) return view;
  if ('notes' in view && view.notes) return { ...view, notes: view.notes.map(({ text: _text, ...note }) => ({ ...note, text: '', withheld: true })) };
  if ('text' in view && view.text !== undefined) {
    const { text: _text, ...rest } = view;
    return { ...rest, withheld: true } as unknown as V;
  }
  return view;
}
