import { createHmac, timingSafeEqual } from 'node:crypto';
import { coordinationDeadlineEscalated, STRUCTURED_CONTENT_TYPE } from '@lienganh/contracts';
import { describeFailure } from '@lienganh/platform';
import type { DeadlineAlert, Notifier } from './notifier.js';
import type { WebhookReceivers } from './webhook-config.js';

/** Headers of a webhook delivery; receivers verify the signature and dedupe by the delivery id. */
export const WebhookHeaders = {
  /** `<alertId>:<receiver>`: the same on every retry of the same delivery, so a receiver can drop a repeat. */
  delivery: 'Lienganh-Delivery',
  /** Unix seconds when this attempt was signed; receivers should refuse old ones (replay). */
  timestamp: 'Lienganh-Timestamp',
  /** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
  signature: 'Lienganh-Signature',
} as const;

/** The receiver that takes escalated alerts for Steering Committee 138. */
export const COMMITTEE_RECEIVER = 'committee';

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export type WebhookFailure = 'status' | 'timeout' | 'network';

/** A webhook did not take an alert: it answered other than 2xx, did not answer in time, or could not be reached. */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';

  constructor(
    readonly receiver: string,
    readonly failure: WebhookFailure,
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    // The URL is left out on purpose: it may carry a receiver's token.
    super(`webhook of "${receiver}" ${message}`, options);
  }
}

export interface WebhookNotifierOptions {
  /** How long one attempt may take, answer included (default 10 s). */
  timeoutMs?: number;
  /** Unix seconds for the signature (tests); the clock by default. */
  now?: () => number;
}

/** `sha256=<hex>` of `<timestamp>.<body>` under the receiver's secret. */
export function signWebhookBody(secret: string, timestamp: string | number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does with a delivery: whether the signature header matches the body, in constant time. */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const presented = Buffer.from(signature);
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

/**
 * POSTs each alert as a structured CloudEvent (`application/cloudevents+json`) to the webhook
 * of the agency that owes the awaited action; an escalated alert also goes to the committee's.
 * Receivers with no configured webhook get nothing on this channel. A successful delivery is
 * recorded (`recordsDelivery`), so a receiver gets each alert once (see `AlertDelivery`).
 */
export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';
  readonly recordsDelivery = true;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly receivers: WebhookReceivers,
    options: WebhookNotifierOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  receiversOf(alert: DeadlineAlert): string[] {
    const receivers: string[] = [];
    const owner = alert.data.agency;
    if (this.hasWebhook(owner)) receivers.push(owner);
    if (alert.type === coordinationDeadlineEscalated.type && owner !== COMMITTEE_RECEIVER && this.hasWebhook(COMMITTEE_RECEIVER)) {
      receivers.push(COMMITTEE_RECEIVER);
    }
    return receivers;
  }

  async deliver(alert: DeadlineAlert, receiver: string): Promise<void> {
    if (!this.hasWebhook(receiver)) throw new WebhookDeliveryError(receiver, 'network', 'is not configured');
    const { url, secret } = this.receivers[receiver]!;
    const body = JSON.stringify(alert);
    const timestamp = String(this.now());
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': `${STRUCTURED_CONTENT_TYPE}; charset=utf-8`,
          'user-agent': 'lienganh-coordination',
          [WebhookHeaders.delivery]: `${alert.id}:${receiver}`,
          [WebhookHeaders.timestamp]: timestamp,
          [WebhookHeaders.signature]: signWebhookBody(secret, timestamp, body),
        },
        body,
        // A redirect is an answer other than 2xx: the signed body is not sent on to another address.
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (signal.aborted) {
        throw new WebhookDeliveryError(receiver, 'timeout', `did not answer within ${this.timeoutMs} ms`, undefined, { cause: error });
      }
      throw new WebhookDeliveryError(receiver, 'network', `cannot be reached: ${networkReason(error)}`, undefined, { cause: error });
    }
    // Nothing in the answer is needed; reading it to the end frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status > 299) {
      throw new WebhookDeliveryError(receiver, 'status', `answered ${response.status}`, response.status);
    }
  }

  private hasWebhook(receiver: string): boolean {
    return Object.hasOwn(this.receivers, receiver);
  }
}

/** undici's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND…). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return describeFailure(error);
}
