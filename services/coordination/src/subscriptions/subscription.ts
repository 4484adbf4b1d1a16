import { z } from 'zod';
import { READABLE_ENTITIES, refusePersonalData } from '@lienganh/contracts';

/** One attempt to hand an event to a subscription's webhook, as its delivery log keeps it. */
export interface DeliveryLogEntry {
  at: string;
  eventId: string;
  eventType: string;
  /** 1 on the first attempt of this event, then 2, 3… */
  attempt: number;
  outcome: 'delivered' | 'failed';
  /** The webhook's HTTP status, when it answered. */
  status?: number;
  /** Why it failed (never the URL, which may carry a token). */
  reason?: string;
}

/** A webhook subscription as the bucket keeps it: the secret too, which only coordination reads. */
export interface SubscriptionRecord {
  id: string;
  url: string;
  /** HMAC key of the `Lienganh-Signature` header; shown once, to whoever created it. */
  secret: string;
  entity: (typeof READABLE_ENTITIES)[number];
  /** Deliver what the stream stored from this time on, also what was raised before the subscription existed. */
  since: string;
  createdAt: string;
  createdBy: string;
  /** What the webhook answered to the validation handshake (`WebHook-Allowed-Origin`). */
  allowedOrigin: string;
  /** The last attempts, newest last (at most `DELIVERY_LOG_SIZE`). */
  deliveries: DeliveryLogEntry[];
}

export const DELIVERY_LOG_SIZE = 200;

/** What the secretariat sends to subscribe a webhook. */
export const NewSubscription = z.strictObject({
  url: z
    .string()
    .max(2_000)
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http:// or https:// URL')
    .superRefine(refusePersonalData)
    .describe('The webhook that receives the CloudEvents'),
  entity: z.enum(READABLE_ENTITIES).default('deadline').describe('Which of coordination\'s facts: plan, task, target or deadline (alerts)'),
  since: z.iso.datetime({ offset: true }).optional().describe('Deliver what was raised from this time on (default: from now)'),
});

/** A subscription as the API lists it: never its secret. */
export type SubscriptionListing = Omit<SubscriptionRecord, 'secret' | 'deliveries'> & { delivered: number; failed: number };

export function listingOf(record: SubscriptionRecord): SubscriptionListing {
  const { secret: _secret, deliveries, ...rest } = record;
  return { ...rest, delivered: deliveries.filter((entry) => entry.outcome === 'delivered').length, failed: deliveries.filter((entry) => entry.outcome === 'failed').length };
}

/** The durable consumer on coordination's stream that delivers one subscription: `subscription-<id>`. */
export function subscriptionConsumerOf(id: string): string {
  return `subscription-${id}`;
}
