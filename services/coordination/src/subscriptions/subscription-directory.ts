import { randomBytes, randomUUID } from 'node:crypto';
import { ContractError, issuesFromZod, STREAMS } from '@lienganh/contracts';
import { KvMirror, SUBSCRIPTIONS_BUCKET } from '@lienganh/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Clock } from '../http/tokens.js';
import { listingOf, NewSubscription, subscriptionConsumerOf, type DeliveryLogEntry, type SubscriptionListing, type SubscriptionRecord } from './subscription.js';
import { validateWebhook, type HandshakeOptions } from './webhook-handshake.js';

export class UnknownSubscriptionError extends Error {
  override readonly name = 'UnknownSubscriptionError';
}

/** A subscription as created: its signing secret, once. */
export type CreatedSubscription = SubscriptionListing & { secret: string };

/**
 * The secretariat's webhook subscriptions (ADR 0017), kept in the `PCMD_SUBSCRIPTIONS` bucket:
 * every instance sees them (a watch), the API of any instance creates and removes them, the
 * leader delivers them (`SubscriptionDelivery`) and writes each one's delivery log there.
 */
export class SubscriptionDirectory {
  private constructor(
    private readonly nc: NatsConnection,
    readonly mirror: KvMirror<SubscriptionRecord>,
    private readonly clock: Clock,
    private readonly handshake: HandshakeOptions,
  ) {}

  /** Opens the bucket; `onChange` is told of every subscription created, changed or removed. */
  static async open(nc: NatsConnection, clock: Clock, handshake: HandshakeOptions, options: { onChange?: (id: string, record: SubscriptionRecord | undefined) => void; logger?: { warn(message: string): void } } = {}): Promise<SubscriptionDirectory> {
    const mirror = await KvMirror.open<SubscriptionRecord>(nc, SUBSCRIPTIONS_BUCKET, {
      ...(options.onChange ? { onEntry: options.onChange } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return new SubscriptionDirectory(nc, mirror, clock, handshake);
  }

  list(): SubscriptionListing[] {
    return [...this.mirror.entries()].map(([, entry]) => listingOf(entry.value)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  }

  all(): SubscriptionRecord[] {
    return [...this.mirror.entries()].map(([, entry]) => entry.value);
  }

  /**
   * Creates a subscription once its webhook agreed (the validation handshake): 400 naming the
   * field for bad input or a webhook that refused, was refused (SSRF) or could not be asked.
   */
  async create(input: unknown, by: string): Promise<CreatedSubscription> {
    const parsed = NewSubscription.safeParse(input);
    if (!parsed.success) throw new ContractError(issuesFromZod(parsed.error));
    const { url, entity } = parsed.data;
    const now = this.clock.now().toISOString();
    const allowedOrigin = await validateWebhook(url, this.handshake).catch((error: unknown) => {
      throw new ContractError([{ path: 'url', message: `the webhook ${error instanceof Error ? error.message : String(error)}` }]);
    });
    const record: SubscriptionRecord = {
      id: `ws-${randomUUID()}`,
      url,
      secret: `lgw_${randomBytes(32).toString('base64url')}`,
      entity,
      // A point on the stream's clock (when coordination stored a fact), hence the wall clock, not the domain clock.
      since: new Date(parsed.data.since ?? Date.now()).toISOString(),
      createdAt: now,
      createdBy: by,
      allowedOrigin,
      deliveries: [],
    };
    await this.mirror.write(record.id, record, 0);
    return { ...listingOf(record), secret: record.secret };
  }

  /** Removes a subscription and its durable consumer: nothing more is delivered, its log goes with it. */
  async remove(id: string): Promise<SubscriptionListing> {
    const entry = await this.mirror.read(id);
    if (!entry) throw new UnknownSubscriptionError(`no subscription "${id}"`);
    await this.mirror.remove(id);
    const jsm = await jetstreamManager(this.nc);
    await jsm.consumers.delete(STREAMS.coordinationEvents.name, subscriptionConsumerOf(id)).catch(() => false); // not created yet, or the leader's stop raced it
    return listingOf(entry.value);
  }

  /** A subscription's delivery log, oldest first. */
  async deliveries(id: string): Promise<DeliveryLogEntry[]> {
    const entry = this.mirror.get(id) ?? (await this.mirror.read(id));
    if (!entry) throw new UnknownSubscriptionError(`no subscription "${id}"`);
    return entry.value.deliveries;
  }

  close(): void {
    this.mirror.close();
  }
}
