import { createHash } from 'node:crypto';
import { buildEvent, coordinationTaskConfirmed, coordinationTaskReopened, eventKey } from '@lienganh/contracts';
import { filter, firstValueFrom, take, timeout } from 'rxjs';
import type { Clock } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import type { CoordinationPublisher } from '../publishing/coordination-publisher.js';
import { completionOf, decide, decisionTime, type CommandRefusal, type TaskCommand } from './task-completion.js';

export class TaskNotFoundError extends Error {
  override readonly name = 'TaskNotFoundError';
}

/** The task's state does not allow the command (confirming a task not reported done…). */
export class TaskDecisionRefusedError extends Error {
  override readonly name = 'TaskDecisionRefusedError';
  constructor(readonly refusal: CommandRefusal, readonly status: string) {
    super(`${refusal} (the task is ${status})`);
  }
}

/** Stored on the stream, but the board did not show it in time. */
export class TaskDecisionNotVisibleError extends Error {
  override readonly name = 'TaskDecisionNotVisibleError';
}

/**
 * The secretariat's confirmations and reopenings: judged on the board's state (`decide`), then
 * published as coordination's `task.confirmed` / `task.reopened` on its stream, which every
 * instance applies (a replay restores them). Answers once this instance's board shows the decision.
 * The event's id is the task and the number of facts it judged, so that the same decision taken
 * twice at once (two instances, a retried request) is stored once within the duplicate window.
 */
export class TaskDecisions {
  constructor(
    private readonly projector: CoordinationProjector,
    private readonly publisher: CoordinationPublisher,
    private readonly clock: Clock,
    private readonly visibleWithinMs = 30_000,
  ) {}

  async take(planId: string, taskId: string, command: TaskCommand): Promise<void> {
    const { projection } = this.projector;
    const plan = projection.state.plans.get(planId);
    if (!plan?.tasks.some((task) => task.id === taskId)) throw new TaskNotFoundError(`no task "${taskId}" in plan "${planId}"`);
    const key = `${planId}/${taskId}`;
    const record = projection.taskCompletions.get(key);
    const state = completionOf(record);
    const decided = decide(state, command);
    if ('refused' in decided) throw new TaskDecisionRefusedError(decided.refused, state.status);
    const ordinal = (record?.facts.length ?? 0) + 1;
    const time = decisionTime(record, this.clock.now());
    const event =
      command.kind === 'confirm'
        ? buildEvent(coordinationTaskConfirmed, { planId, taskId, confirmedBy: command.by }, { id: decisionId('confirmed', planId, taskId, ordinal), time })
        : buildEvent(coordinationTaskReopened, { planId, taskId, reopenedBy: command.by, reason: command.reason as never }, { id: decisionId('reopened', planId, taskId, ordinal), time });
    const factKey = eventKey(event);
    // Listening before publishing: the commit that shows it may come before `publish` returns.
    const visible = firstValueFrom(
      this.projector.changes.pipe(
        filter((change) => change.tasks.includes(key) && (this.projector.projection.taskCompletions.get(key)?.facts.some((fact) => fact.key === factKey) ?? false)),
        take(1),
        timeout({ first: this.visibleWithinMs, with: () => { throw new TaskDecisionNotVisibleError(`the decision is stored but not on the board after ${this.visibleWithinMs} ms`); } }),
      ),
    );
    visible.catch(() => undefined); // awaited below; a publish failure must not leave it unhandled
    await this.publisher.publishEvent(event);
    await visible;
  }
}

/** `<kind>:<plan>:<task>:<n>`, or with a digest of plan and task when that is longer than an id may be. */
function decisionId(kind: string, planId: string, taskId: string, ordinal: number): string {
  const readable = `${kind}:${planId}:${taskId}:${ordinal}`;
  if (readable.length <= 128) return readable;
  return `${kind}:${createHash('sha256').update(`${planId}/${taskId}`).digest('hex').slice(0, 32)}:${ordinal}`;
}

/** Nest injection token of `TaskDecisions`. */
export const TASK_DECISIONS = Symbol('TASK_DECISIONS');
