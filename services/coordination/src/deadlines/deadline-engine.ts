import { coordinationDeadlineApproaching, coordinationDeadlineEscalated, coordinationDeadlineOverdue, coordinationDeadlineResolved } from '@lienganh/contracts';
import type { Clock } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import type { CoordinationPublisher } from '../publishing/coordination-publisher.js';
import { decideAlerts, type AlertDecision } from './alert-decisions.js';
import { isTaskDeadlineDone } from './backlog.js';
import type { AlertKind } from './deadline-book.js';

const DEFINITIONS = {
  approaching: coordinationDeadlineApproaching,
  overdue: coordinationDeadlineOverdue,
  escalated: coordinationDeadlineEscalated,
  resolved: coordinationDeadlineResolved,
} satisfies Record<AlertKind, unknown>;

export interface DeadlineEngineOptions {
  /** How often deadlines are checked against the clock; 0 checks only when `tick` is called. */
  tickMs?: number;
  /** Whether this instance raises alerts (the leader, when several run); always when omitted. */
  leads?: () => boolean;
  logger: { error(message: string): void };
}

/**
 * Checks every deadline against the clock and raises the alerts it calls for, as events on
 * coordination's stream. An alert's id says which deadline and kind it is, so it is stored once
 * and applied once: raising again (a second tick before the first alert is read back, a restart)
 * changes nothing. Whether an alert was raised is read from the stream, so a restart or a
 * replay knows it.
 */
export class DeadlineEngine {
  /** Published by this instance and maybe not read back yet. */
  private readonly published = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<AlertDecision[]> = Promise.resolve([]);

  constructor(
    private readonly projector: CoordinationProjector,
    private readonly publisher: CoordinationPublisher,
    private readonly clock: Clock,
    private readonly options: DeadlineEngineOptions,
  ) {}

  start(): void {
    const { tickMs = 30_000 } = this.options;
    if (tickMs <= 0) return;
    const tick = () => void this.tick().catch((error) => this.options.logger.error(`deadlines: ${String(error)}`));
    this.timer = setInterval(tick, tickMs);
    tick();
  }

  stop(): Promise<unknown> {
    clearInterval(this.timer);
    return this.ticking.catch(() => undefined);
  }

  /** Raises what is due now; resolves, once the stream has them, with the alerts raised (none unless this instance leads). One tick at a time. */
  tick(): Promise<AlertDecision[]> {
    this.ticking = this.ticking.catch(() => []).then(() => this.tickOnce());
    return this.ticking;
  }

  private async tickOnce(): Promise<AlertDecision[]> {
    if (this.options.leads && !this.options.leads()) return [];
    const now = this.clock.now();
    const { deadlines, state, areas } = this.projector.projection;
    const decisions: AlertDecision[] = [];
    for (const deadline of deadlines.deadlines.values()) {
      const plan = state.plans.get(deadline.planId);
      // Due before the plan's alerts start (its import, its alertsFrom): backlog, never alerted (decideAlerts says none).
      if (!plan) continue;
      // A task is met when its targets are (a duty when its target counts the period); that
      // depends on the clock and the tallies, so it is judged here.
      const done = deadline.kind === 'task' && !deadline.metAt && isTaskDeadlineDone(deadline, state, areas, now);
      const judged = done ? { ...deadline, metAt: now.toISOString() } : deadline;
      for (const decision of decideAlerts(judged, plan.deadlines, now)) if (!this.published.has(decision.id)) decisions.push(decision);
    }
    for (const decision of decisions) {
      const { deadline, kind, leadDays } = decision;
      await this.publisher.publish(
        DEFINITIONS[kind],
        { deadlineId: deadline.id, kind: deadline.kind, agency: deadline.agency, areaCode: deadline.areaCode, dueAt: deadline.dueAt, refId: deadline.refId, planId: deadline.planId, ...(leadDays ? { leadDays } : {}) },
        { id: decision.id, time: now },
      );
      this.published.add(decision.id);
    }
    return decisions;
  }
}
