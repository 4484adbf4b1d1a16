import { ContractError, decodeNatsMessage, MSG_ID_HEADER, provenanceProblem, reasonsText, STREAMS, timeProblem, type BusEvent, type ContractIssue } from '@lienganh/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { startConsumerSpan } from '../telemetry/messaging-spans.js';
import { backboneMetrics, watchConsumerLag, type DeadLetterReason } from '../telemetry/metrics.js';
import { tracingEnabled } from '../telemetry/tracing.js';
import { identityHeaders, refusalEvent, refusalOf, refusedDeadLetterId, removeRefused } from './refused-message.js';

/**
 * A durable JetStream pull consumer that hands each event to a handler, at most
 * `concurrency` at a time, acks on success, naks with exponential backoff on failure, and
 * moves a message that keeps failing (or cannot be decoded at all) to the dead-letter stream.
 * So is an event whose `time` no service may take (before 2000, or more than a day after the
 * stream stored it: ADR 0010, rule 11), e.g. from a producer that publishes on NATS directly:
 * its handler never sees it. The stream's timestamp, not this process's clock, is the
 * receiving clock, so that a replay (`replayEvents` skips the same events) decides the same.
 * So is an event whose type, source and subject name different producers, or whose subject is
 * not its type's (`provenanceProblem`: forged, or a token riding after the type's subject). What
 * is refused (undecodable, against its contract, headers outside the binding, an impossible time,
 * forged, `RejectedEventError`) is dead-lettered without its body (ADR 0014: `refused-message.ts`);
 * with `removeRefused` the consumer also tells the producer and removes it from the stream.
 *
 * Delivery is at least once: a handler that outlives AckWait, a lost ack or a crash means
 * the same event again, and the server still accepts an ack after AckWait has passed (so the
 * first run may also complete). Handlers must therefore be idempotent, e.g. by recording the
 * stream sequence or event id they last applied.
 */

export interface EventContext {
  /** Stream sequence of the message. */
  readonly seq: number;
  /** 1 on the first delivery, then 2, 3, ... on redeliveries. */
  readonly deliveryCount: number;
  /** The NATS subject the event was published on. */
  readonly subject: string;
  /** When the stream stored the message (ms since the epoch). */
  readonly publishedAtMs?: number;
}

export type EventHandler = (event: BusEvent, context: EventContext) => Promise<void>;

/** What the consumer reports (retries, dead letters, recovery); Nest's `Logger` and pino fit. */
export interface ConsumerLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface EventConsumerOptions {
  /** The stream to read, e.g. `STREAMS.agencyEvents.name`. */
  stream: string;
  /** Durable consumer name; also the last token of its dead-letter subject. */
  name: string;
  /** One subject filter (nats-server 2.9 allows one per consumer); the whole stream when omitted. */
  filterSubject?: string;
  /** Handlers in flight at most; 1 (the default) keeps stream order apart from redeliveries. */
  concurrency?: number;
  /**
   * Messages asked for per pull, at least `concurrency` (the default). More raises throughput,
   * but a buffered message's AckWait runs while it waits for a free handler.
   */
  pullBatch?: number;
  /** The delivery on which a still-failing message goes to the dead-letter stream (default 5). */
  maxDeliveries?: number;
  /** Redelivery delay after a failure: initialMs * 2^(delivery - 1), capped at maxMs. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long the server waits for an ack before redelivering (default 30 s). */
  ackWaitMs?: number;
  /** Server-side cap on delivered-but-unacked messages, including those waiting out a backoff (default 1000). */
  maxAckPending?: number;
  /** Lifetime of one pull request (default 30 s, at least 1 s); heartbeats are half of it. */
  pullExpiresMs?: number;
  /**
   * For a service that keeps its own checkpoint (the stream sequence it has applied up to):
   * the consumer is created afresh at start to deliver from the next sequence, instead of
   * resuming where its acks left it. Messages a killed instance held unacked would otherwise
   * wait out AckWait before anyone gets them again.
   */
  resumeAfterSeq?: number;
  /**
   * The server removes the durable consumer after this long without anyone pulling (none by
   * default): for consumers named after an instance that may be gone for good.
   */
  inactiveThresholdMs?: number;
  /** A consumer created afresh starts with what the stream stored from this time (RFC 3339) on, instead of its first message. */
  startTime?: string;
  logger?: ConsumerLogger;
  /**
   * Refused messages are also published as refusals on their producer's subject
   * (`pcmd.refusals.…`) and removed from the stream (ADR 0014). Only for a consumer that reads
   * the whole stream and whose identity may delete from it (coordination's refusal gate): a
   * consumer refusing for reasons of its own must never remove what others still need.
   */
  removeRefused?: boolean;
}

export const DEAD_LETTER_STREAM = STREAMS.deadLetter.name;
export const DEAD_LETTER_SUBJECT_PREFIX = 'pcmd.dead-letter';

/** Headers added to a dead-lettered message, next to its original headers. */
export const DeadLetterHeaders = {
  reason: 'Lienganh-Dead-Letter-Reason',
  consumer: 'Lienganh-Dead-Letter-Consumer',
  originalSubject: 'Lienganh-Original-Subject',
  originalSequence: 'Lienganh-Original-Sequence',
  originalStream: 'Lienganh-Original-Stream',
  /** The original `Nats-Msg-Id`, which the dead-letter copy cannot keep (see `deadLetterHeaders`). */
  originalMsgId: 'Lienganh-Original-Msg-Id',
  deliveries: 'Lienganh-Deliveries',
  /** A refused message's record holds this SHA-256 (hex) of its body, never the body. */
  bodySha256: 'Lienganh-Body-Sha256',
} as const;

/**
 * Thrown by a handler for an event no retry can make acceptable (e.g. forged provenance):
 * dead-lettered at once, with the reason, which names the field (`path`) and never its value.
 */
export class RejectedEventError extends Error {
  override readonly name = 'RejectedEventError';
  constructor(
    message: string,
    readonly path = '',
  ) {
    super(message);
  }
}

export class InvalidConsumerOptionsError extends Error {
  override readonly name = 'InvalidConsumerOptionsError';
}

export class ConsumerStateError extends Error {
  override readonly name = 'ConsumerStateError';
}

/** The dead-letter stream did not acknowledge a message; it is nak'ed and tried again on its next delivery. */
export class DeadLetterPublishError extends Error {
  override readonly name = 'DeadLetterPublishError';
}

// A durable name becomes a subject token (API subjects, dead-letter subject).
const CONSUMER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const consoleLogger: ConsumerLogger = {
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

export function deadLetterSubject(consumerName: string): string {
  return `${DEAD_LETTER_SUBJECT_PREFIX}.${consumerName}`;
}

/** Redelivery delay after the given (failed) delivery. */
export function backoffDelay(deliveryCount: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, deliveryCount - 1));
}

export class JetStreamEventConsumer {
  private readonly js: JetStreamClient;
  private readonly concurrency: number;
  private readonly pullBatch: number;
  private readonly maxDeliveries: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly logger: ConsumerLogger;
  private readonly slots: Slots;
  private readonly inFlight = new Set<Promise<void>>();
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private wakeRetry: (() => void) | undefined;
  /** With `resumeAfterSeq`: the highest sequence handled, where a recreated consumer resumes. */
  private resumeAfterSeq: number | undefined;
  private stopLagWatch: (() => void) | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: EventConsumerOptions,
    private readonly handler: EventHandler,
  ) {
    if (!CONSUMER_NAME.test(options.name)) {
      throw new InvalidConsumerOptionsError(`consumer name "${options.name}" must be 1-64 letters, digits, "-" or "_"`);
    }
    this.concurrency = positiveInteger('concurrency', options.concurrency ?? 1);
    this.pullBatch = Math.max(this.concurrency, positiveInteger('pullBatch', options.pullBatch ?? this.concurrency));
    this.maxDeliveries = positiveInteger('maxDeliveries', options.maxDeliveries ?? 5);
    this.backoffInitialMs = options.backoff?.initialMs ?? 1_000;
    this.backoffMaxMs = options.backoff?.maxMs ?? 60_000;
    if ((options.pullExpiresMs ?? 30_000) < 1_000) throw new InvalidConsumerOptionsError('pullExpiresMs must be at least 1000');
    this.logger = options.logger ?? consoleLogger;
    this.js = jetstream(nc);
    this.slots = new Slots(this.concurrency);
    this.resumeAfterSeq = options.resumeAfterSeq;
  }

  get name(): string {
    return this.options.name;
  }

  get deadLetterSubject(): string {
    return deadLetterSubject(this.options.name);
  }

  /** Handlers running right now. */
  get activeHandlers(): number {
    return this.inFlight.size;
  }

  /** Creates or updates the durable consumer, then starts pulling; resolves once it pulls. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new ConsumerStateError(`consumer ${this.name} was already started`);
    this.state = 'running';
    try {
      await this.ensureConsumer();
      await this.openMessages();
    } catch (error) {
      this.state = 'stopped';
      throw error;
    }
    this.loop = this.run();
    // Sampled from the server when metrics are read, not counted per message.
    this.stopLagWatch = watchConsumerLag({ stream: this.options.stream, consumer: this.name, backlog: () => this.backlog() });
  }

  /** Messages not yet delivered to this consumer, and delivered but not acked, as the server counts them. */
  private async backlog(): Promise<{ pending: number; unacked: number } | undefined> {
    if (this.nc.isClosed()) return undefined;
    const jsm = await jetstreamManager(this.nc, { checkAPI: false });
    const info = await jsm.consumers.info(this.options.stream, this.name);
    return { pending: info.num_pending, unacked: info.num_ack_pending };
  }

  /**
   * Graceful stop: no new pulls, messages already buffered go back at once (nak), and the
   * handlers in flight finish and are acked (or nak'ed) before this resolves.
   */
  async stop(): Promise<void> {
    this.stopLagWatch?.();
    if (this.state === 'idle' || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    if (this.state === 'running') {
      this.state = 'stopping';
      this.slots.close();
      this.wakeRetry?.();
      await this.messages?.close().catch(() => undefined);
    }
    await this.loop;
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    // Acks are fire-and-forget publishes: a flush makes sure the server has them.
    if (!this.nc.isClosed()) await this.nc.flush().catch(() => undefined);
    this.state = 'stopped';
  }

  private get stopping(): boolean {
    return this.state !== 'running';
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const { stream, name, filterSubject } = this.options;
    const settings = {
      ack_wait: nanos(this.options.ackWaitMs ?? 30_000),
      // Deliveries are counted here, so that the last one can go to the dead-letter stream.
      max_deliver: -1,
      max_ack_pending: this.options.maxAckPending ?? 1_000,
      // Undefined (no filter) also clears a filter an older version of the consumer had.
      filter_subject: filterSubject,
      inactive_threshold: this.options.inactiveThresholdMs ? nanos(this.options.inactiveThresholdMs) : undefined,
    } satisfies Partial<ConsumerConfig>;
    const created = { ...settings, durable_name: name, ack_policy: AckPolicy.Explicit };
    if (this.resumeAfterSeq !== undefined) {
      await jsm.consumers.delete(stream, name).catch((error: unknown) => {
        if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
      });
      await jsm.consumers.add(stream, { ...created, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.resumeAfterSeq + 1 });
      return;
    }
    try {
      await jsm.consumers.info(stream, name);
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
      const start = this.options.startTime ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: this.options.startTime } : { deliver_policy: DeliverPolicy.All };
      await jsm.consumers.add(stream, { ...created, ...start });
      return;
    }
    await jsm.consumers.update(stream, name, settings);
  }

  private async openMessages(): Promise<void> {
    const consumer = await this.js.consumers.get(this.options.stream, this.options.name);
    // The iterator only pulls again as the loop below takes messages, and the loop takes one
    // only when a handler slot is free: at most pullBatch messages wait in the client.
    const messages = await consumer.consume({ max_messages: this.pullBatch, expires: this.options.pullExpiresMs ?? 30_000 });
    // stop() may have run while this was awaited: it could not close what did not exist yet.
    if (this.stopping) await messages.close();
    this.messages = messages;
    this.watch(messages).catch((error) => this.logger.warn(`consumer ${this.name}: status: ${describeFailure(error)}`));
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      try {
        if (!this.messages) await this.openMessages();
        const messages = this.messages!;
        attempt = 0;
        for await (const msg of messages) {
          if (!(await this.slots.acquire())) {
            // Stopping: hand the message back for another instance instead of waiting out AckWait.
            settle(() => msg.nak(), this.logger);
            continue;
          }
          const task = this.process(msg).finally(() => {
            this.inFlight.delete(task);
            this.slots.release();
          });
          this.inFlight.add(task);
        }
      } catch (error) {
        if (!this.stopping) this.logger.error(`consumer ${this.name}: pulling failed: ${describeFailure(error)}`);
      }
      this.messages = undefined;
      if (this.stopping || this.nc.isClosed()) return;
      // The iterator ended on its own (consumer deleted, stream gone): recreate and pull again.
      await this.pause(backoffDelay(++attempt, 500, 30_000));
      if (this.stopping) return;
      await this.ensureConsumer().catch((error) => this.logger.warn(`consumer ${this.name}: cannot ensure consumer: ${describeFailure(error)}`));
    }
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    // The client re-pulls by itself after a reconnect or missed heartbeats, but it never
    // recreates a deleted consumer: ending the iterator lets run() do that.
    for await (const status of messages.status()) {
      if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found') {
        this.logger.warn(`consumer ${this.name}: ${status.type}; recreating it`);
        if (!this.stopping) await messages.close();
      } else if (status.type === 'heartbeats_missed' || status.type === 'stream_not_found') {
        this.logger.warn(`consumer ${this.name}: ${status.type}`);
      }
    }
  }

  private async process(msg: JsMsg): Promise<void> {
    const deliveryCount = msg.info.deliveryCount;
    let event: BusEvent;
    try {
      event = decodeNatsMessage(msg.headers, msg.data);
    } catch (error) {
      // Poison: no number of retries makes it decodable.
      if (error instanceof ContractError) return this.refuse(msg, error.issues, deliveryCount, 'undecodable');
      return this.failed(msg, error, deliveryCount);
    }
    const context: EventContext = { seq: msg.seq, deliveryCount, subject: msg.subject, publishedAtMs: msg.info.timestampNanos / 1e6 };
    const outOfRange = timeProblem(event.time, context.publishedAtMs!);
    if (outOfRange) return this.refuse(msg, [{ path: 'time', message: outOfRange }], deliveryCount, 'rejected');
    // A type, source and subject that name different producers (or a subject with tokens of its
    // own) is forged or broken: no handler sees it, as no handler sees an undecodable message.
    const forged = provenanceProblem(event, msg.subject);
    if (forged) return this.refuse(msg, [{ path: forged.startsWith('source') ? 'source' : 'subject', message: forged }], deliveryCount, 'rejected');
    // Tracing on: a consumer span, child of the producer's (the event's traceparent), around the handler.
    const span = tracingEnabled() ? startConsumerSpan(event, { ...context, consumer: this.name, stream: this.options.stream }) : undefined;
    try {
      await (span ? span.run(() => this.handler(event, context)) : this.handler(event, context));
    } catch (error) {
      span?.end(error);
      if (error instanceof RejectedEventError) return this.refuse(msg, [{ path: error.path, message: error.message }], deliveryCount, 'rejected');
      return this.failed(msg, error, deliveryCount);
    }
    span?.end();
    settle(() => msg.ack(), this.logger);
    if (this.resumeAfterSeq !== undefined) this.resumeAfterSeq = Math.max(this.resumeAfterSeq, msg.seq);
  }

  private async failed(msg: JsMsg, error: unknown, deliveryCount: number): Promise<void> {
    const reason = `handler failed: ${describeFailure(error)}`;
    if (deliveryCount >= this.maxDeliveries) return this.deadLetter(msg, reason, deliveryCount, 'failed');
    const delay = backoffDelay(deliveryCount, this.backoffInitialMs, this.backoffMaxMs);
    this.logger.warn(`consumer ${this.name}: seq ${msg.seq} delivery ${deliveryCount}/${this.maxDeliveries}: ${reason}; retry in ${delay} ms`);
    settle(() => msg.nak(delay), this.logger);
  }

  private async deadLetter(msg: JsMsg, reason: string, deliveryCount: number, why: DeadLetterReason): Promise<void> {
    try {
      await this.js
        .publish(this.deadLetterSubject, msg.data, {
          headers: deadLetterHeaders(msg, { reason, consumer: this.name, deliveries: deliveryCount }),
          expect: { streamName: DEAD_LETTER_STREAM },
        })
        .catch((error: unknown) => {
          throw new DeadLetterPublishError(`dead-letter stream did not take seq ${msg.seq}: ${describeFailure(error)}`, { cause: error });
        });
    } catch (error) {
      // Not stored anywhere yet: keep the original and try again on its next delivery.
      const delay = backoffDelay(deliveryCount, this.backoffInitialMs, this.backoffMaxMs);
      this.logger.error(`consumer ${this.name}: ${describeFailure(error)}; retry in ${delay} ms`);
      settle(() => msg.nak(delay), this.logger);
      return;
    }
    this.logger.error(`consumer ${this.name}: seq ${msg.seq} moved to ${this.deadLetterSubject} after ${deliveryCount} deliveries: ${reason}`);
    backboneMetrics().deadLettered(why, this.name);
    settle(() => msg.term(), this.logger);
  }

  /**
   * A refused message: its dead-letter record keeps the reasons and a digest, never the body nor
   * a header outside the binding; with `removeRefused`, the producer's refusal is published and
   * the message removed from the stream. All three are idempotent (ids by stream and sequence,
   * removal of a removed message is no error), so a retry or another replica doing the same is
   * harmless; until all three are done the message is nak'ed and tried again.
   */
  private async refuse(msg: JsMsg, issues: readonly ContractIssue[], deliveryCount: number, why: 'undecodable' | 'rejected'): Promise<void> {
    const refusal = refusalOf(msg, issues, this.name);
    const reason = `${why === 'undecodable' ? 'undecodable message' : 'rejected'}: ${reasonsText(refusal.reasons)}`;
    const remove = this.options.removeRefused === true;
    refusal.removed = remove;
    let first = false;
    try {
      if (remove) {
        const event = refusalEvent(refusal, msg.subject);
        await this.js.publish(event.subject, event.data, { headers: event.headers, msgID: event.msgID, expect: { streamName: STREAMS.refusals.name } });
      }
      const headers = natsHeaders();
      // First: nats-server 2.9 finds a header by the first occurrence of its name in the block, so
      // a reason that mentions Nats-Msg-Id before the header itself would defeat deduplication.
      headers.set(MSG_ID_HEADER, refusedDeadLetterId(refusal));
      identityHeaders(refusal, headers);
      headers.set(DeadLetterHeaders.reason, headerValue(reason));
      headers.set(DeadLetterHeaders.consumer, this.name);
      headers.set(DeadLetterHeaders.originalSubject, refusal.subject);
      headers.set(DeadLetterHeaders.originalSequence, String(msg.seq));
      headers.set(DeadLetterHeaders.originalStream, msg.info.stream);
      headers.set(DeadLetterHeaders.deliveries, String(deliveryCount));
      headers.set(DeadLetterHeaders.bodySha256, refusal.bodySha256);
      const stored = await this.js.publish(this.deadLetterSubject, JSON.stringify(refusal), { headers, msgID: refusedDeadLetterId(refusal), expect: { streamName: DEAD_LETTER_STREAM } });
      // Counted once per message, by the consumer whose record was stored: the gate and an agency's or
      // the projection's consumer refusing the same message are one dead-lettered event, not two.
      first = !stored.duplicate;
      if (remove) await removeRefused(await jetstreamManager(this.nc, { checkAPI: false }), msg.info.stream, msg.seq);
    } catch (error) {
      const delay = backoffDelay(deliveryCount, this.backoffInitialMs, this.backoffMaxMs);
      this.logger.error(`consumer ${this.name}: seq ${msg.seq} refused but not yet recorded${remove ? ' and removed' : ''}: ${describeFailure(error)}; retry in ${delay} ms`);
      settle(() => msg.nak(delay), this.logger);
      return;
    }
    this.logger.error(`consumer ${this.name}: seq ${msg.seq} refused${remove ? ', removed from the stream,' : ''} and recorded on ${this.deadLetterSubject}: ${reason}`);
    if (first) backboneMetrics().deadLettered(why, this.name);
    settle(() => msg.term(), this.logger);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeRetry = done;
    });
  }
}

/**
 * For a valid event whose handler kept failing (it passed every check, so it holds only the
 * binding's headers and no personal data; an operator replays it from here): the original
 * headers and data, plus where the message came from and why it failed. A refused message is
 * never copied: see `refuse` and ADR 0014.
 * JetStream's own `Nats-*` headers are dropped: an `Nats-Expected-*` header would be checked
 * against the dead-letter stream, and the original `Nats-Msg-Id` would make the stream drop the
 * copy when a second consumer dead-letters the same event. The copy's id is per consumer and
 * message instead, so a retried dead-lettering is stored once.
 */
export function deadLetterHeaders(msg: JsMsg, why: { reason: string; consumer: string; deliveries: number }): MsgHdrs {
  const headers = natsHeaders();
  const original = msg.headers;
  if (original) {
    for (const key of original.keys()) {
      if (key.toLowerCase() === MSG_ID_HEADER.toLowerCase()) headers.set(DeadLetterHeaders.originalMsgId, original.get(key));
      else if (!key.toLowerCase().startsWith('nats-')) for (const value of original.values(key)) headers.append(key, value);
    }
  }
  headers.set(MSG_ID_HEADER, `dead-letter:${msg.info.stream}:${why.consumer}:${msg.seq}`);
  headers.set(DeadLetterHeaders.reason, headerValue(why.reason));
  headers.set(DeadLetterHeaders.consumer, why.consumer);
  headers.set(DeadLetterHeaders.originalSubject, msg.subject);
  headers.set(DeadLetterHeaders.originalSequence, String(msg.seq));
  headers.set(DeadLetterHeaders.originalStream, msg.info.stream);
  headers.set(DeadLetterHeaders.deliveries, String(why.deliveries));
  return headers;
}

/** A header value cannot hold CR/LF or other control characters; reasons are kept short. */
function headerValue(text: string): string {
  const clean = text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  return clean.length > 1_000 ? `${clean.slice(0, 999)}…` : clean;
}

/** An error's text for a log or a dead-letter reason; Nest's RPC errors are plain objects. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

function settle(action: () => void, logger: ConsumerLogger): void {
  try {
    action();
  } catch (error) {
    // Only a closed connection gets here; the server redelivers after AckWait.
    logger.warn(`cannot acknowledge a message: ${describeFailure(error)}`);
  }
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidConsumerOptionsError(`${name} must be a positive integer, not ${value}`);
  return value;
}

/** Counting semaphore; once closed, waiters and later callers get `false`. */
class Slots {
  private free: number;
  private closed = false;
  private readonly waiters: ((granted: boolean) => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next(true);
    else this.free++;
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(false);
  }
}
