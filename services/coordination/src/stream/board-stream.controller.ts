import { Controller, Inject, Req, Sse, type MessageEvent } from '@nestjs/common';
import { AUTHENTICATOR, CurrentUser, type Authenticator, type User } from '@lienganh/platform';
import type { Request } from 'express';
import { concatMap, endWith, filter, interval, map, merge, startWith, take, takeWhile, type Observable } from 'rxjs';
import { PERSON_RECORDS, type PersonRecordPolicy } from '../access/person-records.js';
import { targetOverview, taskBoard } from '../board/committee-view.js';
import { alertView } from '../deadlines/alerts.controller.js';
import { withheldNotes } from '../deadlines/alert-history.js';
import { queueRow } from '../deadlines/alert-queue.js';
import type { BoardHealth } from '../health/board-health.js';
import { BOARD_HEALTH } from '../health/board-status.controller.js';
import { CLOCK, PROJECTOR, type Clock } from '../http/tokens.js';
import type { BoardChange, CoordinationProjector } from '../projection/coordination-projector.js';

/** The last message of every stream when the service stops. */
const CLOSING: MessageEvent = { type: 'closing', data: { reason: 'shutdown' }, retry: 10_000 };
/** The last message of a stream whose session ended or whose token was revoked (ADR 0013): sign in again. */
const SESSION_ENDED: MessageEvent = { type: 'closing', data: { reason: 'session-ended' } };
/** How often an open stream checks that its session or token still holds: revocation reaches it within this. */
export const STREAM_RECHECK_MS = 2_000;

/**
 * Server-sent events for every change to the board, after it is committed: `plan` when a plan
 * is added, `target` with a target's new progress, `task` with a task whose progress or status
 * moved with it, `alert` with an alert raised on a deadline, `alert-handled` with the
 * queue row of an alert the secretariat acknowledged, noted or assigned, `status` when the board stops or starts
 * being current (the bus unreachable, then back: `BoardFreshness`); `closing` last, when the service stops.
 */
@Controller('api/v1/stream')
export class BoardStreamController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: CoordinationProjector,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSON_RECORDS) private readonly policy: PersonRecordPolicy,
    @Inject(BOARD_HEALTH) private readonly health: BoardHealth,
    @Inject(AUTHENTICATOR) private readonly authenticator: Pick<Authenticator, 'recheck'>,
  ) {}

  @Sse()
  stream(@CurrentUser() user: User, @Req() request: Request): Observable<MessageEvent> {
    const ready: MessageEvent = { type: 'ready', data: { plans: this.projector.projection.state.plans.size, status: this.health.freshness() } };
    const changes = merge(
      this.projector.changes.pipe(concatMap((change) => this.messages(change, user))),
      this.health.changes.pipe(map((status): MessageEvent => ({ type: 'status', data: status }))),
    ).pipe(
      startWith(ready),
      // The service is stopping (the changes complete): a last message, then the response ends, so
      // that an open dashboard never holds the HTTP server (and Ctrl-C) open. `retry` asks a browser
      // to wait before it reconnects to a service that may be gone.
      endWith(CLOSING),
    );
    // Signed out elsewhere, expired, or its token revoked: the open stream ends too, as a new request would get 401.
    const ended = interval(STREAM_RECHECK_MS).pipe(
      concatMap(() => this.authenticator.recheck(request)),
      filter((current) => current?.id !== user.id),
      take(1),
      map(() => SESSION_ENDED),
    );
    return merge(changes, ended).pipe(takeWhile((message) => message !== CLOSING && message !== SESSION_ENDED, true));
  }

  /** What changed, as this user may see it (the same redaction as the alerts and tasks endpoints). */
  private messages(change: BoardChange, user: User): MessageEvent[] {
    const now = this.clock.now();
    const { areas, state } = this.projector.projection;
    const messages: MessageEvent[] = change.plans.map((plan) => ({
      type: 'plan',
      data: { planId: plan.id, number: plan.number, title: plan.title, targets: plan.targets.length, tasks: plan.tasks.length },
    }));
    messages.push(...change.alerts.filter((alert) => this.projector.projection.deadlines.deadlines.has(alert.deadlineId)).map((alert) => ({ type: 'alert', data: this.policy.alert(alertView(alert, this.projector.projection), user, this.projector.projection.referrals) })));
    // The secretariat acknowledged, noted or assigned an alert: its row as the queue shows it.
    for (const id of change.alertHandlings) {
      const deadline = this.projector.projection.deadlines.deadlines.get(id);
      const row = deadline && queueRow(deadline, this.projector.projection);
      if (row) messages.push({ type: 'alert-handled', data: withheldNotes(this.policy.alert(row, user, this.projector.projection.referrals)) });
    }
    if (change.targets.length === 0 && change.tasks.length === 0) return messages;
    messages.push(...change.targets.map((tracked) => ({ type: 'target', data: targetOverview(tracked, areas, now) })));
    const moved = new Set(change.targets.map((tracked) => `${tracked.plan.id}/${tracked.target.id}`));
    // A body's report or the secretariat's decision moves its task by itself.
    const reported = new Set(change.tasks);
    for (const task of taskBoard(state, areas, now)) {
      const plan = state.plans.get(task.planId)!;
      const drivers = plan.tasks.find((entry) => entry.id === task.taskId)!.targets;
      if (reported.has(`${task.planId}/${task.taskId}`) || drivers.some((id) => moved.has(`${task.planId}/${id}`))) messages.push({ type: 'task', data: this.policy.task(task, user, plan) });
    }
    return messages;
  }
}
