import { provenanceProblem, STREAMS, type BusEvent, type Plan } from '@lienganh/contracts';
import {
  backboneMetrics,
  JetStreamEventConsumer,
  RejectedEventError,
  replayEvents,
  startProjectionSpan,
  tracingEnabled,
  type ConsumerLogger,
  type EventContext,
} from '@lienganh/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subject } from 'rxjs';
import type { CaseReferences } from '../access/case-references.js';
import type { TrackedTarget } from '../board/coordination-state.js';
import { ProjectionOnlyStore } from '../store/projection-only.store.js';
import type { AlertRecord, CoordinationStore } from '../store/coordination-store.js';
import { contributingEvents, type ContributingEvent } from '../targets/contributing-events.js';
import { CoordinationProjection, type RefusedTaskReport } from './coordination-projection.js';
import { eventsAt } from './stream-events.js';

const AGENCY_STREAM = STREAMS.agencyEvents.name;
const COORDINATION_STREAM = STREAMS.coordinationEvents.name;
const CATCH_UP_CHUNK = 20_000;
const DEFAULT_CONCURRENCY = 500;

/** What changed on the board after a commit: for the server-sent events. */
export interface BoardChange {
  plans: Plan[];
  targets: TrackedTarget[];
  alerts: AlertRecord[];
  /** Tasks whose completion state changed (`${planId}/${taskId}`): a body's report, the secretariat's decision. */
  tasks: string[];
  /** Deadlines whose alerts the secretariat acknowledged, noted or assigned (ADR 0019). */
  alertHandlings: string[];
}

export interface ProjectorOptions {
  /** How long the first event of a batch waits for others before the batch is committed. */
  flushDelayMs?: number;
  /** Events after which a batch is committed at once. */
  maxBatch?: number;
  /** Handlers in flight on the agency stream (default 500): how many events one commit can group, and the bound of `maxInFlight`. */
  concurrency?: number;
  /**
   * The consumers' AckWait and pull lifetime (default 30 s each): how soon a delivery or a pull
   * lost with a NATS node is noticed and made again (tests of node failures shorten them).
   */
  ackWaitMs?: number;
  pullExpiresMs?: number;
  /**
   * Prefix of the durable consumers' names (default `coordination`). Instances that share it
   * share the work; a different one reads every event again, as a separate read model does.
   */
  consumerPrefix?: string;
  /** How referrals are named in deadlines (ADR 0021): the deployment's key. */
  cases: CaseReferences;
  logger: ConsumerLogger & { info(message: string): void };
}

/** Where a catch-up has got to: called for every event read. */
export interface CatchUpProgress {
  stream: string;
  seq: number;
  /** The stream's last sequence when the catch-up began: where it stops. */
  lastSeq: number;
}

/** What a catch-up read from one stream. */
export interface StreamCatchUp {
  stream: string;
  /** The first sequence read: after the store's checkpoint. */
  fromSeq: number;
  lastSeq: number;
  /** Events applied to the read models. */
  events: number;
  /** Events refused for their provenance (source, type and subject naming different agencies): never counted. */
  refused: number;
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
  projection: CoordinationProjection;
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
  private changedTasks = new Set<string>();
  private changedHandlings = new Set<string>();
  /** Task reports that changed no task since start, by reason (unknown plan or task, a body that does not lead it…). */
  readonly refusedTaskReports = new Map<string, number>();
  private readonly flushDelayMs: number;
  private readonly maxBatch: number;
  /** Live events applied and waiting for their commit (unacked until then); see `maxInFlight`. */
  private held = 0;
  private peakHeld = 0;
  /** The last commit failed (readiness says so until one succeeds): why, and since when. */
  private storeFailure: { error: string; since: Date } | undefined;

  constructor(
    private readonly nc: NatsConnection,
    readonly store: CoordinationStore,
    private readonly options: ProjectorOptions,
  ) {
    this.projection = new CoordinationProjection(options.cases);
    // The default store keeps no copy: its snapshots are of this projection, between two commits (ADR 0023, 4).
    if (store instanceof ProjectionOnlyStore) store.holds(() => (this.projection.backfilling ? undefined : this.projection.stored()));
    this.flushDelayMs = options.flushDelayMs ?? 5;
    this.maxBatch = options.maxBatch ?? 500;
  }

  /**
   * The bound on what a slow store can make the projector hold: live events applied but not
   * yet committed, at most the agency consumer's `concurrency` plus the one of coordination's
   * own stream. Beyond it, events wait in JetStream (the consumers pull only into free slots).
   */
  get maxInFlight(): number {
    return (this.options.concurrency ?? DEFAULT_CONCURRENCY) + 1;
  }

  /** Whether the store takes commits: `writable: false` from a failed commit until one succeeds. */
  get storeHealth(): { writable: true } | { writable: false; error: string; since: Date } {
    return this.storeFailure ? { writable: false, ...this.storeFailure } : { writable: true };
  }

  /** Live events held right now: applied, waiting for their commit. */
  get inFlight(): number {
    return this.held;
  }

  /** The most live events held at once since start. */
  get peakInFlight(): number {
    return this.peakHeld;
  }

  /**
   * Whether everything on coordination's stream so far is applied and committed: its consumer has
   * nothing pending or unacked (acks follow commits). A new leader waits for this before ruling
   * on deadlines, so that it knows every alert the previous one raised.
   */
  async settled(): Promise<boolean> {
    const info = await (await jetstreamManager(this.nc)).consumers.info(COORDINATION_STREAM, `${this.options.consumerPrefix ?? 'coordination'}-own-events`);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }

  async start(): Promise<void> {
    const caughtUp = await this.catchUpAll();
    const events = caughtUp.reduce((sum, stream) => sum + stream.events, 0);
    this.options.logger.info(`coordination: ${this.projection.state.plans.size} plans, caught up on ${events} events (store: ${this.store.kind})`);
    const { concurrency = DEFAULT_CONCURRENCY, consumerPrefix = 'coordination' } = this.options;
    this.consumers.push(
      this.consumer(COORDINATION_STREAM, `${consumerPrefix}-own-events`, 1),
      this.consumer(AGENCY_STREAM, `${consumerPrefix}-agency-events`, concurrency),
    );
    for (const consumer of this.consumers) await consumer.start();
  }

  /**
   * The store's documents, then both streams from its checkpoints to their ends (plans first,
   * so that agency events find every target that counts them), committed chunk by chunk: what
   * `start()` does before its consumers, and all that `npx lienganh replay` does.
   */
  async catchUpAll(onProgress?: (progress: CatchUpProgress) => void): Promise<StreamCatchUp[]> {
    let stored = await this.store.load();
    // A commit cut short, or a store from before the histories (ADR 0023): rebuilt from the streams, the reference.
    if (stored.interrupted || (stored.tallies.length > 0 && !stored.histories)) {
      this.options.logger.warn(`coordination: the ${this.store.kind} store ${stored.interrupted ? 'holds a commit a crash cut short' : 'keeps no histories (older version)'}: rebuilding the read models from the streams`);
      await this.store.clear();
      stored = await this.store.load();
    }
    this.projection = CoordinationProjection.restore(stored, this.options.cases);
    const caughtUp = [await this.catchUp(COORDINATION_STREAM, onProgress), await this.catchUp(AGENCY_STREAM, onProgress)];
    await this.commit();
    return caughtUp;
  }

  /** A durable consumer that resumes after this projection's checkpoint, whatever its acks said. */
  private consumer(stream: string, name: string, concurrency: number): JetStreamEventConsumer {
    // Made afresh at each start from the checkpoint; one whose instance is gone for good is removed after an hour.
    const { ackWaitMs, pullExpiresMs } = this.options;
    const options = {
      stream,
      name,
      concurrency,
      logger: this.options.logger,
      resumeAfterSeq: this.projection.checkpoints.get(stream) ?? 0,
      inactiveThresholdMs: 3_600_000,
      ...(ackWaitMs ? { ackWaitMs } : {}),
      ...(pullExpiresMs ? { pullExpiresMs } : {}),
    };
    return new JetStreamEventConsumer(this.nc, options, (event, context: EventContext) => this.project(event, { stream, seq: context.seq }, context));
  }

  async stop(): Promise<void> {
    this.changes.complete();
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    clearTimeout(this.timer);
    await this.commit().catch(() => undefined);
  }

  /** The latest contributing events of a target, newest first, at most `limit`, read back from the streams (ADR 0023). */
  async contributingEvents(tracked: TrackedTarget, limit: number): Promise<ContributingEvent[]> {
    const events = await eventsAt(this.nc, tracked.recent.newestFirst(limit));
    return contributingEvents(tracked, events, this.projection.referrals);
  }

  /** Resolves once the plan is in the projection and committed. */
  whenPlanCommitted(planId: string): Promise<void> {
    return new Promise((resolve, reject) => this.planWaiters.set(planId, [...(this.planWaiters.get(planId) ?? []), { resolve, reject }]));
  }

  /** Handles a live event; once committed it is counted (and, tracing on, spanned from apply to commit). */
  private async project(event: BusEvent, position: { stream: string; seq: number }, context: EventContext): Promise<void> {
    const span = tracingEnabled() ? startProjectionSpan(event, position) : undefined;
    try {
      await (span ? span.run(() => this.handle(event, position, context.subject)) : this.handle(event, position, context.subject));
    } catch (error) {
      span?.end(error);
      throw error;
    }
    span?.end();
    backboneMetrics().projected(event, context.publishedAtMs);
  }

  private async handle(event: BusEvent, position: { stream: string; seq: number }, subject: string): Promise<void> {
    const problem = provenanceProblem(event, subject);
    if (problem) throw new RejectedEventError(problem);
    this.held++;
    this.peakHeld = Math.max(this.peakHeld, this.held);
    try {
      const { plan, targets, alert, task, refusedTask, handled } = this.projection.apply(event, position);
      if (handled) this.changedHandlings.add(handled);
      for (const target of targets) this.changedTargets.add(target);
      if (alert) this.changedAlerts.push(alert);
      if (task) this.changedTasks.add(task);
      if (refusedTask) this.refusedTaskReport(refusedTask);
      if (plan) await this.planAdded(plan, position);
      await this.committed();
    } finally {
      this.held--;
    }
  }

  private async planAdded(plan: Plan, position?: { stream: string; seq: number }): Promise<void> {
    // Agency events applied before this plan came must count for it too.
    const upTo = this.projection.checkpoints.get(AGENCY_STREAM) ?? 0;
    if (upTo > 0) {
      const apply = (event: BusEvent, seq: number, subject: string) => {
        if (!provenanceProblem(event, subject)) this.projection.backfill(plan.id, event, seq).forEach((target) => this.changedTargets.add(target));
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
  private async catchUp(stream: string, onProgress?: (progress: CatchUpProgress) => void): Promise<StreamCatchUp> {
    const last = (await (await jetstreamManager(this.nc)).streams.info(stream)).state.last_seq;
    const result: StreamCatchUp = { stream, fromSeq: (this.projection.checkpoints.get(stream) ?? 0) + 1, lastSeq: last, events: 0, refused: 0 };
    for (let from = result.fromSeq; from <= last; from += CATCH_UP_CHUNK) {
      const plans: { plan: Plan; seq: number }[] = [];
      const apply = (event: BusEvent, seq: number, subject: string) => {
        onProgress?.({ stream, seq, lastSeq: last });
        // Refused here as the live consumer refuses it (to the dead-letter stream, once): it never counts.
        if (provenanceProblem(event, subject)) return void result.refused++;
        const { plan, refusedTask } = this.projection.apply(event, { stream, seq });
        if (plan) plans.push({ plan, seq });
        if (refusedTask) this.refusedTaskReport(refusedTask);
      };
      result.events += await replayEvents(this.nc, stream, undefined, apply, { fromSeq: from, toSeq: Math.min(last, from + CATCH_UP_CHUNK - 1) });
      for (const { plan, seq } of plans) await this.planAdded(plan, { stream, seq });
      await this.commit();
    }
    result.events -= result.refused;
    return result;
  }

  /**
   * A body's task report that changed no task: never applied, logged with the reason and counted
   * (`refusedTaskReports`, in /readyz). One naming a plan not imported yet counts once it is (backfill).
   */
  private refusedTaskReport(refused: RefusedTaskReport): void {
    this.refusedTaskReports.set(refused.reason, (this.refusedTaskReports.get(refused.reason) ?? 0) + 1);
    const why = refused.reason === 'unknown-plan' ? 'names no imported plan (applied if that plan is imported)' : refused.reason === 'unknown-task' ? 'names no task of the plan' : refused.reason === 'not-lead' ? 'completes a task it does not lead' : 'reports on a task it neither leads nor supports';
    this.options.logger.warn(`coordination: task report ${refused.eventId} of ${refused.body} on ${refused.planId}/${refused.taskId} ${why}: changes no task (${refused.reason})`);
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
    const change: BoardChange = { plans: this.changedPlans.splice(0), targets: [...this.changedTargets], alerts: this.changedAlerts.splice(0), tasks: [...this.changedTasks], alertHandlings: [...this.changedHandlings] };
    this.changedTargets.clear();
    this.changedTasks.clear();
    this.changedHandlings.clear();
    try {
      await this.store.commit(changes);
    } catch (error) {
      // Nothing is acked: the events come again, and these changes go with the next commit.
      this.projection.restoreChanges(changes);
      this.changedPlans.unshift(...change.plans);
      this.changedAlerts.unshift(...change.alerts);
      change.targets.forEach((target) => this.changedTargets.add(target));
      change.tasks.forEach((task) => this.changedTasks.add(task));
      change.alertHandlings.forEach((id) => this.changedHandlings.add(id));
      this.options.logger.error(`coordination: commit to the ${this.store.kind} store failed: ${String(error)}`);
      this.storeFailure ??= { error: String(error), since: new Date() };
      waiting.forEach((waiter) => waiter.reject(error));
      throw error;
    }
    this.storeFailure = undefined;
    waiting.forEach((waiter) => waiter.resolve());
    for (const plan of changes.plans ?? []) {
      for (const waiter of this.planWaiters.get(plan.id) ?? []) waiter.resolve();
      this.planWaiters.delete(plan.id);
    }
    this.changes.next(change);
  }
}
