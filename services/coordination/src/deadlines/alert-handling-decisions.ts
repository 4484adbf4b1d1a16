import { createHash } from 'node:crypto';
import { buildEvent, coordinationAlertAcknowledged, coordinationAlertAssigned, coordinationAlertNoted, eventKey, type BusEvent } from '@lienganh/contracts';
import { filter, firstValueFrom, take, timeout } from 'rxjs';
import { bodiesOf } from '../board/committee-summary.js';
import type { Clock } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import type { CoordinationPublisher } from '../publishing/coordination-publisher.js';
import { decideAlertCommand, handlingOf, handlingTime, type AlertCommand, type AlertCommandRefusal } from './alert-handling.js';
import { queueRow } from './alert-queue.js';

/** The row does not allow the command (unknown deadline, resolved, acknowledged already…). */
export class AlertCommandRefusedError extends Error {
  override readonly name = 'AlertCommandRefusedError';
  constructor(readonly refusal: AlertCommandRefusal, readonly planId?: string) {
    super(refusal);
  }
}

/** Stored on the stream, but the queue did not show it in time. */
export class AlertCommandNotVisibleError extends Error {
  override readonly name = 'AlertCommandNotVisibleError';
}

/**
 * The secretariat's acknowledgements, notes and assignments of alerts (ADR 0019): judged on the
 * work-queue row as this instance shows it (`decideAlertCommand`), then published as coordination's
 * `alert.acknowledged` / `alert.noted` / `alert.assigned`, which every instance applies (a replay
 * restores them). Answers once this instance's queue shows the fact. Ids are deterministic: the
 * deadline, the facts it judged + 1, and for a note a digest of its author and text, for an
 * assignment the body, so that the same command taken twice at once (a retried request, two
 * instances) is stored once, and two different notes at once are both kept.
 */
export class AlertHandlingDecisions {
  constructor(
    private readonly projector: CoordinationProjector,
    private readonly publisher: CoordinationPublisher,
    private readonly clock: Clock,
    private readonly visibleWithinMs = 30_000,
  ) {}

  async take(deadlineId: string, command: AlertCommand): Promise<void> {
    const { projection } = this.projector;
    const deadline = projection.deadlines.deadlines.get(deadlineId);
    const row = deadline && queueRow(deadline, projection);
    const record = projection.alertHandlings.get(deadlineId);
    const plan = deadline && projection.state.plans.get(deadline.planId);
    const decided = decideAlertCommand({ stage: row?.stage, handling: handlingOf(record), planBodies: plan ? bodiesOf(plan) : [] }, command);
    if ('refused' in decided) throw new AlertCommandRefusedError(decided.refused, deadline?.planId);
    if ('unchanged' in decided) return;
    const ordinal = (record?.facts.length ?? 0) + 1;
    const time = handlingTime(record, this.clock.now());
    const who = { role: command.role };
    let event: BusEvent;
    if (decided.fact.kind === 'acknowledged') {
      event = buildEvent(coordinationAlertAcknowledged, { deadlineId, stage: decided.fact.stage, acknowledgedBy: command.by, ...who } as never, { id: handlingId('acknowledged', deadlineId, ordinal), time });
    } else if (decided.fact.kind === 'noted') {
      const digest = createHash('sha256').update(`${command.by}\n${decided.fact.note}`).digest('hex').slice(0, 16); // 16 hex digits: a machine token to the personal-data detector
      event = buildEvent(coordinationAlertNoted, { deadlineId, note: decided.fact.note, notedBy: command.by, ...who } as never, { id: handlingId('noted', deadlineId, ordinal, digest), time });
    } else {
      event = buildEvent(coordinationAlertAssigned, { deadlineId, planId: deadline!.planId, assignee: decided.fact.assignee, assignedBy: command.by, ...who } as never, { id: handlingId('assigned', deadlineId, ordinal, decided.fact.assignee), time });
    }
    const factKey = eventKey(event);
    // Listening before publishing: the commit that shows it may come before `publish` returns.
    const visible = firstValueFrom(
      this.projector.changes.pipe(
        filter((change) => change.alertHandlings.includes(deadlineId) && (this.projector.projection.alertHandlings.get(deadlineId)?.facts.some((fact) => fact.key === factKey) ?? false)),
        take(1),
        timeout({ first: this.visibleWithinMs, with: () => { throw new AlertCommandNotVisibleError(`stored but not in the queue after ${this.visibleWithinMs} ms`); } }),
      ),
    );
    visible.catch(() => undefined); // awaited below; a publish failure must not leave it unhandled
    await this.publisher.publishEvent(event);
    await visible;
  }
}

/** `<kind>:<deadline>:<n>[:<detail>]`, or with a digest of the deadline when that is longer than an id may be. */
function handlingId(kind: string, deadlineId: string, ordinal: number, detail?: string): string {
  const tail = `${ordinal}${detail ? `:${detail}` : ''}`;
  const readable = `${kind}:${deadlineId}:${tail}`;
  if (readable.length <= 128) return readable;
  return `${kind}:${createHash('sha256').update(deadlineId).digest('hex').slice(0, 32)}:${tail}`;
}

/** Nest injection token of `AlertHandlingDecisions`. */
export const ALERT_HANDLING = Symbol('ALERT_HANDLING');
