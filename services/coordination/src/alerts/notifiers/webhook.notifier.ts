import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { coordinationDeadlineEscalated, STRUCTURED_CONTENT_TYPE } from '@lienganh/contracts';
import { describeFailure } from '@lienganh/platform';
import type { DeadlineAlert, Notifier } from './notifier.js';
import type { WebhookReceivers } from './webhook-config.js';
import { checkedAddresses, systemLookup, WebhookAddressRefusedError, WebhookAllowList, type Lookup } from './webhook-address.js';

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

export type WebhookFailure = 'status' | 'timeout' | 'network' | 'refused';

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
  /**
   * Hosts, addresses and ranges a webhook may reach although loopback, private, link-local…
   * (`LIENGANH_WEBHOOK_ALLOW`); none by default.
   */
  allow?: WebhookAllowList;
  /** How host names are resolved (tests); the system resolver by default. */
  lookup?: Lookup;
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
  private readonly allow: WebhookAllowList;
  private readonly lookup: Lookup;

  constructor(
    private readonly receivers: WebhookReceivers,
    options: WebhookNotifierOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.allow = options.allow ?? new WebhookAllowList();
    this.lookup = options.lookup ?? systemLookup;
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
    // The host is resolved and every address checked at each delivery (DNS can change since the
    // start), and the request goes to the addresses checked: no second lookup in between.
    let addresses: LookupAddress[];
    try {
      addresses = await withTimeout(checkedAddresses(url, this.allow, this.lookup), signal);
    } catch (error) {
      if (error instanceof WebhookAddressRefusedError) throw new WebhookDeliveryError(receiver, 'refused', `is refused: ${error.message}`, undefined, { cause: error });
      if (signal.aborted) throw new WebhookDeliveryError(receiver, 'timeout', `did not answer within ${this.timeoutMs} ms`, undefined, { cause: error });
      throw new WebhookDeliveryError(receiver, 'network', `cannot be reached: ${networkReason(error)}`, undefined, { cause: error });
    }
    let status: number;
    try {
      ({ status } = await sendPinned('POST', url, addresses, {
        headers: {
          'content-type': `${STRUCTURED_CONTENT_TYPE}; charset=utf-8`,
          'user-agent': 'lienganh-coordination',
          [WebhookHeaders.delivery]: `${alert.id}:${receiver}`,
          [WebhookHeaders.timestamp]: timestamp,
          [WebhookHeaders.signature]: signWebhookBody(secret, timestamp, body),
        },
        body,
        signal,
      }));
    } catch (error) {
      if (signal.aborted) {
        throw new WebhookDeliveryError(receiver, 'timeout', `did not answer within ${this.timeoutMs} ms`, undefined, { cause: error });
      }
      throw new WebhookDeliveryError(receiver, 'network', `cannot be reached: ${networkReason(error)}`, undefined, { cause: error });
    }
    // A redirect is an answer other than 2xx: the signed body is not sent on to another address.
    if (status < 200 || status > 299) {
      throw new WebhookDeliveryError(receiver, 'status', `answered ${status}`, status);
    }
  }

  private hasWebhook(receiver: string): boolean {
    return Object.hasOwn(this.receivers, receiver);
  }
}

/**
 * Sends a request to `url`, connecting only to `addresses` (already checked): the request keeps the
 * URL's host name (Host header, TLS name), but the connection never looks the name up again.
 * Resolves with the status and headers once the answer is read to its end; follows no redirect.
 */
export function sendPinned(
  method: 'POST' | 'OPTIONS',
  url: string,
  addresses: readonly LookupAddress[],
  init: { headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<{ status: number; headers: IncomingMessage['headers'] }> {
  const target = new URL(url);
  const pinned: LookupFunction = (_host, options, callback) => {
    const family = typeof options === 'object' ? options.family : undefined;
    const usable = addresses.filter((entry) => !family || entry.family === family);
    const chosen = usable.length > 0 ? usable : addresses;
    if (typeof options === 'object' && options.all) (callback as (error: null, addresses: LookupAddress[]) => void)(null, [...chosen]);
    else callback(null, chosen[0]!.address, chosen[0]!.family);
  };
  const options: RequestOptions = {
    method,
    headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body ?? '')) },
    signal: init.signal,
    lookup: pinned,
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(target, options, (response: IncomingMessage) => {
      // Nothing of the answer's body is needed; reading it to the end frees the connection.
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      response.resume();
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

/** `promise`, or a rejection once `signal` aborts. */
export function withTimeout<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The reason of a failed connection (ECONNREFUSED, ENOTFOUND…), from the error or its `cause`. */
export function networkReason(error: unknown): string {
  const own = (error as { code?: unknown } | undefined)?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return describeFailure(error);
}
