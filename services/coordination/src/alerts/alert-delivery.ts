import { createHash } from 'node:crypto';
import {
  buildEvent,
  coordinationAlertDelivered,
  coordinationDeadlineOverdue,
  STREAMS,
  type BusEvent,
  type EventData,
} from '@lienganh/contracts';
import { describeFailure, JetStreamEventConsumer, replayEvents, type ConsumerLogger, type EventContext } from '@lienganh/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { CoordinationPublisher } from '../publishing/coordination-publisher.js';
import { isDeadlineAlert, type DeadlineAlert, type Notifier } from './notifiers/notifier.js';

export type AlertDeliveredData = EventData<typeof coordinationAlertDelivered>;
export type AlertDeliveredEvent = BusEvent<AlertDeliveredData>;

/** `pcmd.events.coordination.deadline.>`: every deadline alert (approaching, overdue, escalated, resolved). */
export const DEADLINE_ALERT_SUBJECTS = coordinationDeadlineOverdue.subject.replace(/\.[^.]+$/, '.>');
export const ALERT_DELIVERY_CONSUMER = 'coordination-alert-delivery';

const STREAM = STREAMS.coordinationEvents.name;
const RECORDED_CHANNELS: readonly string[] = coordinationAlertDelivered.schema.shape.channel.options;
const MAX_RECORDED_ATTEMPTS = 1_000;

export interface AlertDeliveryOptions {
  logger: ConsumerLogger & { info(message: string): void };
  /** Durable consumer name (default `coordination-alert-delivery`); also names its dead-letter subject. */
  consumerName?: string;
  /** Redelivery delay after a failed attempt, doubling from initialMs up to maxMs (default 1 s → 5 min). */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * The delivery on which an alert some receiver still refuses goes to the dead-letter stream
   * (default 1000: with the default backoff, about three and a half days of a receiver being down).
   */
  maxDeliveries?: number;
  /** Alerts handled at once (default 8). */
  concurrency?: number;
  /** How long the server waits for an alert's ack before giving it out again (default 60 s; above a webhook's timeout). */
  ackWaitMs?: number;
  /** Stores a delivery record; by default published on coordination's stream with message id = event id. */
  publishDelivered?: (record: AlertDeliveredEvent) => Promise<void>;
}

/** Some receivers did not take an alert; the consumer retries it later (those that did are skipped then). */
export class AlertNotDeliveredError extends Error {
  override readonly name = 'AlertNotDeliveredError';

  constructor(
    readonly alertId: string,
    readonly failures: readonly { channel: string; receiver: string; error: unknown }[],
  ) {
    super(`alert ${alertId}: ${failures.map((failure) => `${failure.channel} ${failure.receiver}: ${describeFailure(failure.error)}`).join('; ')}`);
  }
}

export class InvalidNotifierError extends Error {
  override readonly name = 'InvalidNotifierError';
}

/**
 * Hands every deadline alert on coordination's stream to the notifiers' receivers, once each.
 *
 * At start the delivery records (`coordination.alert.delivered`) are replayed into the set of
 * (channel, alert, receiver) already done; then a durable consumer takes the alerts. For each
 * alert, every receiver not yet done gets it; a success is recorded (for notifiers that record)
 * and remembered. If any receiver failed, the handler throws: the consumer naks the alert with
 * exponential backoff and delivers it again, and only the receivers still missing are tried.
 * A receiver that is down therefore gets the alert once it is back, and no one gets it twice,
 * also across restarts, a redelivery after a lost ack, or the same alert stored twice.
 *
 * The one window left: the process dies after a receiver answered 2xx and before the record
 * is stored. The alert is then redelivered and that receiver gets it a second time with the
 * same `Lienganh-Delivery` id, by which receivers dedupe. (A failed record publish alone does
 * not re-send: the delivery is remembered in memory and only the record is retried.)
 *
 * What is under way and not yet recorded lives in this process: when several coordination
 * instances run, only the leader runs alert delivery (ADR 0007), and the next one resumes the
 * same durable consumer.
 */
export class AlertDelivery {
  /**
   * Pairs whose receiver has the alert: recorded, waiting in `unrecorded` for their record, or
   * handed to a notifier that records nothing (remembered for this process only; a few bytes
   * per alert).
   */
  private readonly done = new Set<string>();
  /** Delivered, but the record is not stored yet: the next attempt stores it without delivering again. */
  private readonly unrecorded = new Map<string, AlertDeliveredEvent>();
  /** Deliveries under way, so that an alert given out twice at once still reaches each receiver once. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly publishDelivered: (record: AlertDeliveredEvent) => Promise<void>;
  private consumer: JetStreamEventConsumer | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly notifiers: readonly Notifier[],
    private readonly options: AlertDeliveryOptions,
  ) {
    const channels = new Set<string>();
    for (const notifier of notifiers) {
      if (channels.has(notifier.channel)) throw new InvalidNotifierError(`two notifiers share the channel "${notifier.channel}"`);
      channels.add(notifier.channel);
      if (notifier.recordsDelivery && !RECORDED_CHANNELS.includes(notifier.channel)) {
        throw new InvalidNotifierError(`channel "${notifier.channel}" cannot be recorded: alert.delivered knows ${RECORDED_CHANNELS.join(', ')}`);
      }
    }
    this.publishDelivered = options.publishDelivered ?? ((record) => new CoordinationPublisher(this.nc).publishEvent(record));
  }

  get consumerName(): string {
    return this.options.consumerName ?? ALERT_DELIVERY_CONSUMER;
  }

  /** Whether `receiver` has the alert on `channel` (its 2xx came, whether or not the record is stored yet). */
  delivered(alertId: string, receiver: string, channel = 'webhook'): boolean {
    return this.done.has(pairKey(channel, alertId, receiver));
  }

  /** Replays the delivery records, then starts taking alerts; resolves once the consumer pulls. Again after `stop` (a leader that leads again). */
  async start(): Promise<void> {
    if (this.consumer) throw new Error('alert delivery was already started');
    const records = await replayEvents(this.nc, STREAM, coordinationAlertDelivered.subject, (event) => {
      if (event.type !== coordinationAlertDelivered.type) return;
      const { channel, alertId, receiver } = event.data as AlertDeliveredData;
      this.done.add(pairKey(channel, alertId, receiver));
    });
    this.options.logger.info(`alert delivery: ${records} delivery records replayed`);
    this.consumer = new JetStreamEventConsumer(
      this.nc,
      {
        stream: STREAM,
        name: this.consumerName,
        filterSubject: DEADLINE_ALERT_SUBJECTS,
        concurrency: this.options.concurrency ?? 8,
        maxDeliveries: this.options.maxDeliveries ?? 1_000,
        backoff: { initialMs: this.options.backoff?.initialMs ?? 1_000, maxMs: this.options.backoff?.maxMs ?? 5 * 60_000 },
        ackWaitMs: this.options.ackWaitMs ?? 60_000,
        logger: this.options.logger,
      },
      (event, context) => this.handle(event, context),
    );
    await this.consumer.start();
  }

  /** Stops taking alerts; deliveries under way finish (and are recorded) first. */
  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private async handle(event: BusEvent, context: EventContext): Promise<void> {
    if (!isDeadlineAlert(event)) {
      this.options.logger.warn(`alert delivery: ${event.type} (${event.id}) on ${context.subject} is not a deadline alert; skipped`);
      return;
    }
    const attempts: { notifier: Notifier; receiver: string; result: Promise<void> }[] = [];
    for (const notifier of this.notifiers) {
      let receivers: string[];
      try {
        receivers = [...new Set(notifier.receiversOf(event))];
      } catch (error) {
        attempts.push({ notifier, receiver: '*', result: Promise.reject(error) });
        continue;
      }
      for (const receiver of receivers) attempts.push({ notifier, receiver, result: this.deliverOnce(notifier, event, receiver, context.deliveryCount) });
    }
    const results = await Promise.allSettled(attempts.map((attempt) => attempt.result));
    const failures = attempts.flatMap((attempt, index) => {
      const result = results[index]!;
      return result.status === 'rejected' ? [{ channel: attempt.notifier.channel, receiver: attempt.receiver, error: result.reason as unknown }] : [];
    });
    if (failures.length > 0) throw new AlertNotDeliveredError(event.id, failures);
  }

  private deliverOnce(notifier: Notifier, alert: DeadlineAlert, receiver: string, attempts: number): Promise<void> {
    const key = pairKey(notifier.channel, alert.id, receiver);
    const running = this.running.get(key);
    if (running) return running;
    const task = this.deliverPair(notifier, alert, receiver, attempts, key).finally(() => this.running.delete(key));
    this.running.set(key, task);
    return task;
  }

  private async deliverPair(notifier: Notifier, alert: DeadlineAlert, receiver: string, attempts: number, key: string): Promise<void> {
    if (!this.done.has(key)) {
      // Built first: an alert whose record cannot be made (an id that is no Identifier) is still delivered, unrecorded.
      const record = notifier.recordsDelivery ? this.recordOf(alert, receiver, notifier.channel, attempts) : undefined;
      await notifier.deliver(alert, receiver);
      this.done.add(key);
      if (notifier.recordsDelivery) {
        if (record) this.unrecorded.set(key, record);
        this.options.logger.info(`alert delivery: ${alert.id} delivered to ${receiver} by ${notifier.channel} (attempt ${attempts})`);
      }
    }
    const record = this.unrecorded.get(key);
    if (record) {
      await this.publishDelivered(record);
      this.unrecorded.delete(key);
    }
  }

  private recordOf(alert: DeadlineAlert, receiver: string, channel: string, attempts: number): AlertDeliveredEvent | undefined {
    try {
      return deliveryRecord(alert, receiver, channel, attempts);
    } catch (error) {
      this.options.logger.error(`alert delivery: the delivery of ${alert.id} to ${receiver} cannot be recorded (${describeFailure(error)}); a restart may deliver it again`);
      return undefined;
    }
  }
}

function pairKey(channel: string, alertId: string, receiver: string): string {
  return `${channel}\u0000${alertId}\u0000${receiver}`;
}

/**
 * The record of one delivery. Its id (and so its message id) is `delivered:<alertId>:<receiver>`
 * for webhooks, stored once within the stream's duplicate window; an id longer than an event id
 * may be (128) is replaced by a hash of it.
 */
export function deliveryRecord(alert: DeadlineAlert, receiver: string, channel: string, attempts: number): AlertDeliveredEvent {
  const name = channel === 'webhook' ? `delivered:${alert.id}:${receiver}` : `delivered:${channel}:${alert.id}:${receiver}`;
  const id = name.length <= 128 ? name : `delivered:${createHash('sha256').update(name).digest('base64url')}`;
  return buildEvent(
    coordinationAlertDelivered,
    {
      alertId: alert.id,
      deadlineId: alert.data.deadlineId,
      receiver,
      channel: channel as AlertDeliveredData['channel'],
      attempts: Math.min(Math.max(1, attempts), MAX_RECORDED_ATTEMPTS),
    },
    { id },
  );
}

/** Publishes a record on coordination's stream and waits for the stream's ack (as `PlanPublisher` does). */
