import { encodeBinary, MSG_ID_HEADER, readableSubjectOf, STREAMS, type BusEvent } from '@lienganh/contracts';
import { describeFailure, JetStreamEventConsumer, KvWriteConflictError, type EventContext } from '@lienganh/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { checkedAddresses, systemLookup, type Lookup, type WebhookAllowList } from '../alerts/notifiers/webhook-address.js';
import { sendPinned, signWebhookBody, WebhookHeaders } from '../alerts/notifiers/webhook.notifier.js';
import type { Clock } from '../http/tokens.js';
import { DELIVERY_LOG_SIZE, subscriptionConsumerOf, type DeliveryLogEntry, type SubscriptionRecord } from './subscription.js';
import type { SubscriptionDirectory } from './subscription-directory.js';

export interface SubscriptionDeliveryOptions {
  allow: WebhookAllowList;
  clock: Clock;
  logger: { info(message: string): void; warn(message: string): void; error(message: string): void };
  timeoutMs?: number;
  /** Redelivery delay after a failed attempt, doubling from initialMs up to maxMs (default 1 s → 5 min). */
  backoff?: { initialMs?: number; maxMs?: number };
  lookup?: Lookup;
}

/** A webhook did not take an event: the consumer gives it again later, with backoff. */
export class SubscriptionDeliveryError extends Error {
  override readonly name = 'SubscriptionDeliveryError';
}

/**
 * Delivers each webhook subscription (ADR 0017), run by the leader only: one durable consumer per
 * subscription on coordination's stream (`subscription-<id>`, filter its kind of fact), created
 * to start at its `since`, so that what was raised before the subscription existed comes first.
 * Each event is POSTed in CloudEvents binary mode (attributes in `ce-` headers, data as the body),
 * signed as the alert webhooks are; a 2xx acks it, anything else retries it with backoff. Every
 * attempt goes to the subscription's delivery log. A new leader resumes the same consumers.
 */
export class SubscriptionDelivery {
  private readonly running = new Map<string, JetStreamEventConsumer>();
  private leading = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly nc: NatsConnection,
    private readonly directory: SubscriptionDirectory,
    private readonly options: SubscriptionDeliveryOptions,
  ) {}

  async start(): Promise<void> {
    this.leading = true;
    for (const record of this.directory.all()) this.changed(record.id, record);
    await this.chain;
  }

  async stop(): Promise<void> {
    this.leading = false;
    await this.chain;
    const consumers = [...this.running.values()];
    this.running.clear();
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  }

  /** The subscriptions this process delivers now. */
  delivering(): string[] {
    return [...this.running.keys()];
  }

  /** Told by the directory's watch: a subscription created (start delivering) or removed (stop). */
  changed(id: string, record: SubscriptionRecord | undefined): void {
    this.chain = this.chain.then(async () => {
      const consumer = this.running.get(id);
      if (!record && consumer) {
        this.running.delete(id);
        await consumer.stop();
      } else if (record && !consumer && this.leading) {
        await this.startConsumer(record).catch((error: unknown) => this.options.logger.error(`subscription ${id}: delivery not started: ${describeFailure(error)}`));
      }
    });
  }

  private async startConsumer(record: SubscriptionRecord): Promise<void> {
    const consumer = new JetStreamEventConsumer(
      this.nc,
      {
        stream: STREAMS.coordinationEvents.name,
        name: subscriptionConsumerOf(record.id),
        filterSubject: readableSubjectOf(record.entity),
        startTime: record.since,
        maxDeliveries: 1_000,
        backoff: { initialMs: this.options.backoff?.initialMs ?? 1_000, maxMs: this.options.backoff?.maxMs ?? 5 * 60_000 },
        ackWaitMs: Math.max(60_000, (this.options.timeoutMs ?? 10_000) * 3),
        logger: this.options.logger,
      },
      (event, context) => this.deliver(record.id, event, context),
    );
    this.running.set(record.id, consumer);
    await consumer.start();
    this.options.logger.info(`subscription ${record.id}: delivering ${record.entity} from ${record.since}`);
  }

  private async deliver(id: string, event: BusEvent, context: EventContext): Promise<void> {
    const record = this.directory.mirror.get(id)?.value;
    if (!record) return; // removed meanwhile: nothing more goes out
    const at = this.options.clock.now().toISOString();
    const entry: DeliveryLogEntry = { at, eventId: event.id, eventType: event.type, attempt: context.deliveryCount, outcome: 'delivered' };
    try {
      entry.status = await this.post(record, event);
      if (entry.status < 200 || entry.status > 299) throw new SubscriptionDeliveryError(`the webhook answered ${entry.status}`);
    } catch (error) {
      entry.outcome = 'failed';
      entry.reason = error instanceof SubscriptionDeliveryError ? error.message : `the webhook cannot be reached: ${describeFailure(error)}`;
      await this.log(id, entry).catch(() => undefined);
      throw error;
    }
    // A log that cannot be written must not send the event again.
    await this.log(id, entry).catch((error: unknown) => this.options.logger.warn(`subscription ${id}: delivery of ${event.id} not logged: ${describeFailure(error)}`));
  }

  /** POSTs one event in binary mode, signed; resolves with the status. The host is checked again at each attempt (SSRF). */
  private async post(record: SubscriptionRecord, event: BusEvent): Promise<number> {
    const { headers, data } = encodeBinary(event);
    delete headers[MSG_ID_HEADER];
    const body = new TextDecoder().decode(data);
    // The wall clock, as the alert webhooks sign: receivers compare it with theirs to refuse replays.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    const addresses = await checkedAddresses(record.url, this.options.allow, this.options.lookup ?? systemLookup);
    const { status } = await sendPinned('POST', record.url, addresses, {
      headers: {
        ...headers,
        'user-agent': 'lienganh-coordination',
        [WebhookHeaders.delivery]: `${event.id}:${record.id}`,
        [WebhookHeaders.timestamp]: timestamp,
        [WebhookHeaders.signature]: signWebhookBody(record.secret, timestamp, body),
      },
      body,
      signal,
    });
    return status;
  }

  /** Appends to the subscription's log (the leader is its only writer; the API may remove the entry meanwhile). */
  private async log(id: string, entry: DeliveryLogEntry): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.directory.mirror.read(id);
      if (!current) return;
      const deliveries = [...current.value.deliveries, entry].slice(-DELIVERY_LOG_SIZE);
      try {
        await this.directory.mirror.write(id, { ...current.value, deliveries }, current.revision);
        return;
      } catch (error) {
        if (!(error instanceof KvWriteConflictError)) throw error;
      }
    }
    this.options.logger.warn(`subscription ${id}: an attempt could not be logged`);
  }
}
