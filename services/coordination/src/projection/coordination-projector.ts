import { provenanceProblem, STREAMS, type BusEvent, type Plan } from '@lienganh/contracts';
import { JetStreamEventConsumer, RejectedEventError, replayEvents, type ConsumerLogger, type EventContext } from '@lienganh/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subject } from 'rxjs';
import type { TrackedTarget } from '../board/coordination-state.js';
import type { AlertRecord, CoordinationStore } from '../store/coordination-store.js';
import { CoordinationProjection } from './coordination-projection.js';

const AGENCY_STREAM = STREAMS.agencyEvents.name;
const COORDINATION_STREAM = STREAMS.coordinationEvents.name;
const CATCH_UP_CHUNK = 20_000;

/** What changed on the board after a commit: for the server-sent events. */
export interface BoardChange {
  plans: Plan[];
  targets: TrackedTarget[];
  alerts: AlertRecord[];
}

export interface ProjectorOptions {
  /** How long the first event of a batch waits for others before the batch is committed. */
  flushDelayMs?: number;
  /** Events after which a batch is committed at once. */
  maxBatch?: number;
  /** Handlers in flight on the agency stream (default 500): how many events one commit can group. */
  concurrency?: number;
  /**
   * Prefix of the durable consumers' names (default `coordination`). Instances that share it
   * share the work; a different one reads every event again, as a separate read model does.
   */
  consumerPrefix?: string;
  logger: ConsumerLogger & { info(message: string): void };
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Feeds the projection from the streams and keeps the store in step. At start: the store's
 * documents, then everything after its checkpoints (plans first, so that agency events find
 * every target that counts them), then two durable consumers for what comes next. Events are
 * acked only once their effects are committed; commits group the events that arrive together.
 */
export class CoordinationProjector {
  projection = new CoordinationProjection();
  private readonly consumers: JetStreamEventConsumer[] = [];
  /** What changed, after each commit; completes when the service closes. */
  readonly changes = new Subject<BoardChange>();
  private readonly planWaiters = new Map<string, Waiter[]>();
  private waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private commits: Promise<void> = Promise.resolve();
  private changedTargets = new Set<TrackedTarget>();
  private changedPlans: Plan[] = [];
  private changedAlerts: AlertRecord[] = [];
  private readonly flushDelayMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly nc: NatsConnection,
    readonly store: CoordinationStore,
    private readonly options: ProjectorOptions,
  ) {
    this.flushDelayMs = options.flushDelayMs ?? 5;
    this.maxBatch = options.maxBatch ?? 500;
  }

  async start(): Promise<void> {
    this.projection = CoordinationProjection.restore(await this.store.load());
    const plans = await this.catchUp(COORDINATION_STREAM);
    const events = await this.catchUp(AGENCY_STREAM);
    await this.commit();
    this.options.logger.info(`coordination: ${this.projection.state.plans.size} plans, caught up on ${plans + events} events (store: ${this.store.kind})`);
    const { concurrency = 500, consumerPrefix = 'coordination' } = this.options;
    this.consumers.push(
      this.consumer(COORDINATION_STREAM, `${consumerPrefix}-own-events`, 1),
      this.consumer(AGENCY_STREAM, `${consumerPrefix}-agency-events`, concurrency),
    );
    for (const consumer of this.consumers) await consumer.start();
  }

  /** A durable consumer that resumes after this projection's checkpoint, whatever its acks said. */
  private consumer(stream: string, name: string, concurrency: number): JetStreamEventConsumer {
    const options = { stream, name, concurrency, logger: this.options.logger, resumeAfterSeq: this.projection.checkpoints.get(stream) ?? 0 };
    return new JetStreamEventConsumer(this.nc, options, (event, context: EventContext) => this.handle(event, { stream, seq: context.seq }, context.subject));
  }

  async stop(): Promise<void> {
    this.changes.complete();
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    clearTimeout(this.timer);
    await this.commit().catch(() => undefined);
  }

  /** Resolves once the plan is in the projection and committed. */
  whenPlanCommitted(planId: string): Promise<void> {
    return new Promise((resolve, reject) => this.planWaiters.set(planId, [...(this.planWaiters.get(planId) ?? []), { resolve, reject }]));
  }

  private async handle(event: BusEvent, position: { stream: string; seq: number }, subject: string): Promise<void> {
    const problem = provenanceProblem(event, subject);
    if (problem) throw new RejectedEventError(problem);
    const { plan, targets, alert } = this.projection.apply(event, position);
    for (const target of targets) this.changedTargets.add(target);
    if (alert) this.changedAlerts.push(alert);
    if (plan) await this.planAdded(plan, position);
    await this.committed();
  }

  private async planAdded(plan: Plan, position?: { stream: string; seq: number }): Promise<void> {
    // Agency events applied before this plan came must count for it too.
    const upTo = this.projection.checkpoints.get(AGENCY_STREAM) ?? 0;
    if (upTo > 0) {
      const apply = (event: BusEvent, _seq: number, subject: string) => {
        if (!provenanceProblem(event, subject)) this.projection.backfill(plan.id, event).forEach((target) => this.changedTargets.add(target));
      };
      await replayEvents(this.nc, AGENCY_STREAM, undefined, apply, { toSeq: upTo });
    }
    this.projection.planReady(plan.id, position);
    this.changedPlans.push(plan);
  }

  /**
   * Reads a stream from the checkpoint to its end, in chunks committed one by one (memory stays
   * bounded by a chunk, and a crash keeps what was read); plans found in a chunk are backfilled
   * before it is committed.
   */
  private async catchUp(stream: string): Promise<number> {
    const last = (await (await jetstreamManager(this.nc)).streams.info(stream)).state.last_seq;
    let count = 0;
    for (let from = (this.projection.checkpoints.get(stream) ?? 0) + 1; from <= last; from += CATCH_UP_CHUNK) {
      const plans: { plan: Plan; seq: number }[] = [];
      const apply = (event: BusEvent, seq: number, subject: string) => {
        // Refused here as the live consumer refuses it (to the dead-letter stream, once): it never counts.
        if (provenanceProblem(event, subject)) return;
        const { plan } = this.projection.apply(event, { stream, seq });
        if (plan) plans.push({ plan, seq });
      };
      count += await replayEvents(this.nc, stream, undefined, apply, { fromSeq: from, toSeq: Math.min(last, from + CATCH_UP_CHUNK - 1) });
      for (const { plan, seq } of plans) await this.planAdded(plan, { stream, seq });
      await this.commit();
    }
    return count;
  }

  /** Resolves when the effects of everything applied so far are committed (group commit). */
  private committed(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (this.waiting.length >= this.maxBatch) void this.commit().catch(() => undefined);
      else this.timer ??= setTimeout(() => void this.commit().catch(() => undefined), this.flushDelayMs);
    });
  }

  /** Commits what changed; one commit at a time. */
  private commit(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.commits = this.commits.catch(() => undefined).then(() => this.commitOnce());
    return this.commits;
  }

  private async commitOnce(): Promise<void> {
    const waiting = this.waiting.splice(0);
    if (!this.projection.hasChanges()) return waiting.forEach((waiter) => waiter.resolve());
    const changes = this.projection.takeChanges();
    const change: BoardChange = { plans: this.changedPlans.splice(0), targets: [...this.changedTargets], alerts: this.changedAlerts.splice(0) };
    this.changedTargets.clear();
    try {
      await this.store.commit(changes);
    } catch (error) {
      // Nothing is acked: the events come again, and these changes go with the next commit.
      this.projection.restoreChanges(changes);
      this.changedPlans.unshift(...change.plans);
      this.changedAlerts.unshift(...change.alerts);
      change.targets.forEach((target) => this.changedTargets.add(target));
      this.options.logger.error(`coordination: commit to the ${this.store.kind} store failed: ${String(error)}`);
      waiting.forEach((waiter) => waiter.reject(error));
      throw error;
    }
    waiting.forEach((waiter) => waiter.resolve());
    for (const plan of changes.plans ?? []) {
      for (const waiter of this.planWaiters.get(plan.id) ?? []) waiter.resolve();
      this.planWaiters.delete(plan.id);
    }
    this.changes.next(change);
  }
}
