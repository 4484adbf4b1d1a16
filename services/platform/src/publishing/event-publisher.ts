import { CE_HEADER_PREFIX, encodeBinary, eventKey, MSG_ID_HEADER, natsSubjectOf, type BusEvent } from '@lienganh/contracts';
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import {
  backoff,
  deferred,
  delay,
  headers as natsHeaders,
  type Backoff,
  type Deferred,
  type NatsConnection,
  type QueuedIterator,
  type Status,
} from '@nats-io/transport-node';
import { startProducerSpan, type ProducerSpan } from '../telemetry/messaging-spans.js';
import { tracingEnabled } from '../telemetry/tracing.js';
import { OutboxFailedError, type DurableOutbox, type OutboxEntry } from './outbox.js';

/** pino's `(context, message)` shape; `console` fits as well. */
export interface PublisherLogger {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

export interface EventPublisherOptions {
  /** How long a publish waits for the stream's acknowledgement before the event goes to the outbox. Default 2000. */
  ackTimeoutMs?: number;
  /** Waits between drain retries (each gets jitter, the last one repeats). Default 100 ms doubling to 5 s. */
  retryBackoffMs?: number[];
  /** Outbox entries read per drain round. Default 100. */
  drainBatchSize?: number;
  logger?: PublisherLogger;
  /**
   * Told of every acknowledgement the stream gave, by message id (the event's `eventKey`), both
   * for events sent at once and for those drained from the outbox: `duplicate` when the stream
   * already held a message with that id within its duplicate window and dropped this one.
   */
  onAcknowledged?: (msgId: string, duplicate: boolean) => void;
}

export class PublisherClosedError extends Error {
  override readonly name = 'PublisherClosedError';
  constructor() {
    super('the event publisher is closed');
  }
}

/** Larger than the server's max_payload: JetStream would refuse it forever, so it is not accepted. */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
}

export class DrainTimeoutError extends Error {
  override readonly name = 'DrainTimeoutError';
}

/**
 * What `/readyz` says of an agency service's publishing: not ready while the outbox cannot write
 * (events the bus does not take are refused with 503) or the connection is closed for good;
 * ready but `degraded: 'bus'` while NATS is unreachable and events go to the outbox.
 */
export interface PublisherReadiness {
  ready: boolean;
  reason?: 'outbox-unavailable' | 'bus-closed';
  degraded?: 'bus';
  detail: Record<string, unknown>;
}

const DEFAULT_BACKOFF_MS = [100, 200, 400, 800, 1600, 3200, 5000];
const silent: PublisherLogger = { info() {}, warn() {}, error() {} };

interface PublishRequest {
  entries: OutboxEntry[];
  done: Deferred<void>;
}

/**
 * Publishes bus events to JetStream so that an event is never lost once `publish` resolved:
 * it resolves when every event is either acknowledged by its stream or fsynced in the outbox.
 * Binary mode, `Nats-Msg-Id` = `eventKey` (source + id), so a re-send (outbox retry, crash replay)
 * is stored once and two sources' events with the same id are both stored.
 *
 * Order is kept per publisher: publishes are sent in call order on one connection, and while
 * the outbox holds anything, new events queue behind it instead of overtaking. A background
 * drainer sends the outbox in order, one acknowledged event at a time, retrying with backoff.
 *
 * Create the connection with `reconnect: true, maxReconnectAttempts: -1`: the publisher
 * never reconnects by itself, it relies on the client to survive server restarts and
 * resumes draining on the client's `reconnect` status.
 */
export class JetStreamEventPublisher {
  private readonly js: JetStreamClient;
  private readonly ackTimeoutMs: number;
  private readonly backoff: Backoff;
  private readonly retryCeilingMs: number;
  private readonly drainBatchSize: number;
  private readonly log: PublisherLogger;
  private readonly onAcknowledged: ((msgId: string, duplicate: boolean) => void) | undefined;

  private connected: boolean;
  private maxPayload: number | undefined;
  private queue: PublishRequest[] = [];
  private workerActive = false;
  private worker: Promise<void> = Promise.resolve();
  private drainer: Promise<void> | undefined;
  private drainerIdle = false;
  private signal: Deferred<void> = deferred<void>();
  /** A wake-up that came while the drainer was busy: its next wait returns at once. */
  private woken = false;
  private statuses: (AsyncIterable<Status> & Partial<Pick<QueuedIterator<Status>, 'stop'>>) | undefined;
  private readonly drainWaiters = new Set<Deferred<void>>();
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly outbox: DurableOutbox,
    options: EventPublisherOptions = {},
  ) {
    this.js = jetstream(nc);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2000;
    const policy = options.retryBackoffMs?.length ? options.retryBackoffMs : DEFAULT_BACKOFF_MS;
    this.backoff = backoff(policy);
    this.retryCeilingMs = policy[policy.length - 1]!;
    this.drainBatchSize = options.drainBatchSize ?? 100;
    this.log = options.logger ?? silent;
    this.onAcknowledged = options.onAcknowledged;
    this.connected = !nc.isClosed();
    this.maxPayload = nc.info?.max_payload;
  }

  /** Entries waiting in the outbox. */
  get pending(): number {
    return this.outbox.size;
  }

  /** For `/readyz`: see `PublisherReadiness`. */
  readiness(): PublisherReadiness {
    const outbox = this.outbox.writeStatus;
    const closed = this.nc.isClosed();
    const detail: Record<string, unknown> = {
      outboxPending: this.pending,
      bus: closed ? 'closed' : this.connected ? 'connected' : 'unreachable',
      outbox: outbox.writable ? 'writable' : 'cannot-write',
      ...(outbox.writable ? {} : { outboxError: outbox.error, outboxFailingSince: outbox.since, outboxRetryAfterMs: outbox.retryAfterMs }),
      outboxWriteFailures: outbox.writeFailures,
    };
    if (closed) return { ready: false, reason: 'bus-closed', detail };
    if (!outbox.writable) return { ready: false, reason: 'outbox-unavailable', detail };
    if (!this.connected) return { ready: true, degraded: 'bus', detail };
    return { ready: true, detail };
  }

  /** Follows the connection and starts draining what is in the outbox, including a previous process's. */
  start(): void {
    if (this.drainer || this.closing) return;
    this.watchConnection();
    this.drainer = this.drain();
  }

  /**
   * Resolves once every event is durable: acknowledged by JetStream or fsynced to the outbox.
   * Rejects (nothing accepted) on an event the catalog does not know, one larger than the
   * server takes, or when neither JetStream nor the outbox could take it.
   */
  publish(events: readonly BusEvent[]): Promise<void> {
    if (this.closing) return Promise.reject(new PublisherClosedError());
    if (events.length === 0) return Promise.resolve();
    let entries: OutboxEntry[];
    // Tracing on: a producer span per event, ended once the event is durable; the event carries its traceparent.
    let spans: ProducerSpan[] | undefined;
    try {
      spans = tracingEnabled() ? events.map((event) => startProducerSpan(event, natsSubjectOf(event))) : undefined;
      entries = (spans?.map((span) => span.event) ?? events).map((event) => this.encode(event));
    } catch (error) {
      spans?.forEach((span) => span.end(error));
      return Promise.reject(error);
    }
    const request: PublishRequest = { entries, done: deferred<void>() };
    this.queue.push(request);
    if (!this.workerActive) {
      this.workerActive = true;
      this.worker = this.work();
    }
    if (spans) void request.done.then(() => spans.forEach((span) => span.end()), (error: unknown) => spans.forEach((span) => span.end(error)));
    return request.done;
  }

  /** Resolves when nothing waits to be published (outbox empty); for tests and graceful shutdowns. */
  whenDrained(timeoutMs = 30_000): Promise<void> {
    if (this.isDrained()) return Promise.resolve();
    const waiter = deferred<void>();
    this.drainWaiters.add(waiter);
    const timer = setTimeout(() => {
      this.drainWaiters.delete(waiter);
      waiter.reject(new DrainTimeoutError(`outbox not drained after ${timeoutMs} ms: ${this.pending} events pending`));
    }, timeoutMs);
    return waiter.finally(() => clearTimeout(timer));
  }

  /**
   * Stops gracefully: publishes already called complete (to the stream or the outbox), the
   * drainer finishes its in-flight event and leaves the rest on disk for the next start.
   * The connection and the outbox stay open; the caller closes them.
   */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.statuses?.stop?.();
    this.wake();
    await this.worker;
    await this.drainer;
    for (const waiter of this.drainWaiters) waiter.reject(new PublisherClosedError());
    this.drainWaiters.clear();
  }

  private encode(event: BusEvent): OutboxEntry {
    const subject = natsSubjectOf(event);
    const { headers, data } = encodeBinary(event);
    // Remembered: while reconnecting the client knows no server, and an oversized event in the
    // outbox would block the drainer for good.
    this.maxPayload = this.nc.info?.max_payload ?? this.maxPayload;
    const max = this.maxPayload;
    const size = data.length + Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 12);
    if (max !== undefined && size > max) {
      throw new EventTooLargeError(`event ${event.id} is ${size} bytes on the wire; the server takes at most ${max}`);
    }
    return { subject, headers, data };
  }

  /** Takes every waiting publish at once: one pipelined send, or one outbox append (one fsync). */
  private async work(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        const entries = batch.flatMap((request) => request.entries);
        let sent = 0;
        try {
          sent = this.outbox.size === 0 && this.connected ? await this.sendInOrder(entries) : 0;
          if (sent < entries.length) {
            await this.outbox.append(entries.slice(sent));
            if (this.drainerIdle) this.wake();
          }
          for (const request of batch) request.done.resolve();
        } catch (error) {
          // A request whose every event the stream acknowledged is kept; every other one is refused
          // (its caller answers 503 and the agency re-sends; what the stream did take is deduplicated).
          let end = 0;
          let refused = 0;
          for (const request of batch) {
            end += request.entries.length;
            if (end <= sent) {
              request.done.resolve();
            } else {
              refused += request.entries.length;
              request.done.reject(error);
            }
          }
          if (error instanceof OutboxFailedError) {
            this.log.warn({ err: error, events: refused }, 'events refused: JetStream did not take them and the outbox cannot write');
          } else {
            this.log.error({ err: error, events: refused }, 'events could not be published nor stored in the outbox');
          }
        }
        this.notifyIfDrained();
      }
    } finally {
      // Cleared in the turn of the loop's last check, so that no publish is left unserved.
      this.workerActive = false;
      this.notifyIfDrained();
    }
  }

  /**
   * Sends all entries at once (one connection keeps their order on the wire) and returns how
   * many, from the first, the stream acknowledged. Everything from the first failure on goes
   * to the outbox; any of those the stream did store is dropped there as a duplicate.
   */
  private async sendInOrder(entries: OutboxEntry[]): Promise<number> {
    const acks = entries.map((entry) => this.send(entry));
    for (const ack of acks) ack.catch(() => undefined); // settled later or never awaited
    for (const [index, ack] of acks.entries()) {
      try {
        await ack;
      } catch (error) {
        this.log.warn({ err: error, events: entries.length - index }, 'JetStream did not acknowledge; events go to the outbox');
        return index;
      }
    }
    return entries.length;
  }

  private async send(entry: OutboxEntry, msgID = entry.headers[MSG_ID_HEADER]): Promise<PubAck> {
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(entry.headers)) {
      if (name !== MSG_ID_HEADER) headers.set(name, value);
    }
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'base64') : entry.data;
    const ack = await this.js.publish(entry.subject, data, { headers, msgID, timeout: this.ackTimeoutMs });
    if (msgID !== undefined) this.acknowledged(msgID, ack.duplicate);
    return ack;
  }

  private acknowledged(msgId: string, duplicate: boolean): void {
    try {
      this.onAcknowledged?.(msgId, duplicate);
    } catch (error) {
      this.log.warn({ err: error }, 'onAcknowledged failed');
    }
  }

  private async drain(): Promise<void> {
    let attempt = 0;
    while (!this.closing) {
      if (this.nc.isClosed()) {
        // A closed connection never comes back; the next publisher on this outbox sends the rest.
        this.log.warn({ pending: this.pending }, 'NATS connection closed; outbox draining stopped');
        break;
      }
      if (this.outbox.size === 0) {
        this.notifyIfDrained();
        this.drainerIdle = true;
        await this.nextSignal();
        this.drainerIdle = false;
        continue;
      }
      // While disconnected, wait for the client's reconnect; retry now and then anyway in case
      // the status was missed (a publish on a dead connection just times out).
      if (!this.connected) await this.nextSignal(this.retryCeilingMs);
      if (this.closing) break;
      try {
        await this.drainRound();
        attempt = 0;
      } catch (error) {
        const level = attempt >= DEFAULT_BACKOFF_MS.length ? 'error' : 'warn';
        this.log[level]({ err: error, pending: this.pending, attempt }, 'outbox drain failed; retrying');
        await this.nextSignal(this.backoff.backoff(attempt++));
      }
      this.notifyIfDrained();
    }
  }

  /** Sends a batch from the head in order, one acknowledgement at a time, acking the outbox after each. */
  private async drainRound(): Promise<void> {
    const records = await this.outbox.peek(this.drainBatchSize);
    // Cursor writes are coalesced in the outbox; waiting for each would cost an fsync per event.
    let persisted: Promise<void> = Promise.resolve();
    try {
      for (const record of records) {
        if (this.closing) break;
        await this.send(record, outboxMessageId(record));
        persisted = this.outbox.ack(1);
        persisted.catch(() => undefined); // awaited below
      }
    } finally {
      await persisted;
    }
  }

  private watchConnection(): void {
    const statuses = this.nc.status() as AsyncIterable<Status> & Partial<Pick<QueuedIterator<Status>, 'stop'>>;
    this.statuses = statuses;
    void (async () => {
      for await (const status of statuses) {
        if (status.type === 'disconnect') {
          this.connected = false;
          this.log.warn({ server: status.server, pending: this.pending }, 'NATS disconnected; events go to the outbox');
        } else if (status.type === 'reconnect') {
          this.connected = true;
          this.log.info({ server: status.server, pending: this.pending }, 'NATS reconnected; draining the outbox');
          this.wake();
        }
      }
    })().catch((error: unknown) => this.log.error({ err: error }, 'NATS status stream failed'));
    void this.nc.closed().then(() => {
      this.connected = false;
      this.wake();
    });
  }

  /** Resolves on the next wake-up (reconnect, new outbox entries while idle, close) or after `ms`. */
  private async nextSignal(ms?: number): Promise<void> {
    if (this.closing || this.woken) {
      this.woken = false;
      return;
    }
    const timer = ms === undefined ? undefined : delay(ms);
    try {
      await Promise.race(timer ? [this.signal, timer] : [this.signal]);
    } finally {
      timer?.cancel();
      this.woken = false;
    }
  }

  private wake(): void {
    this.woken = true;
    const signal = this.signal;
    this.signal = deferred<void>();
    signal.resolve();
  }

  private isDrained(): boolean {
    return this.outbox.size === 0 && this.queue.length === 0 && !this.workerActive;
  }

  private notifyIfDrained(): void {
    if (this.drainWaiters.size === 0 || !this.isDrained()) return;
    for (const waiter of this.drainWaiters) waiter.resolve();
    this.drainWaiters.clear();
  }
}

/**
 * The message id of an outbox entry: the `eventKey` of its `ce-source` and `ce-id`, also for an
 * entry an earlier version stored with the bare id as its `Nats-Msg-Id` (which would make the
 * stream drop another source's event with that id).
 */
function outboxMessageId(entry: OutboxEntry): string | undefined {
  const source = entry.headers[`${CE_HEADER_PREFIX}source`];
  const id = entry.headers[`${CE_HEADER_PREFIX}id`];
  if (source === undefined || id === undefined) return entry.headers[MSG_ID_HEADER];
  try {
    return eventKey({ source: decodeURIComponent(source), id: decodeURIComponent(id) });
  } catch {
    return entry.headers[MSG_ID_HEADER];
  }
}
