import type { LookupAddress } from 'node:dns';
import { checkedAddresses, systemLookup, WebhookAddressRefusedError, type Lookup, type WebhookAllowList } from '../alerts/notifiers/webhook-address.js';
import { networkReason, sendPinned, withTimeout } from '../alerts/notifiers/webhook.notifier.js';

/**
 * The CloudEvents webhook validation handshake ("HTTP 1.1 Web Hooks for Event Delivery", §4
 * abuse protection): before a subscription delivers anything, its URL gets an `OPTIONS` request
 * with `WebHook-Request-Origin: <our origin>` and must answer 2xx with `WebHook-Allowed-Origin`
 * naming that origin (or `*`). A URL whose owner never agreed is never sent events: coordination
 * cannot be made to flood someone else's endpoint.
 */
export const HandshakeHeaders = {
  requestOrigin: 'WebHook-Request-Origin',
  allowedOrigin: 'WebHook-Allowed-Origin',
} as const;

/** The origin coordination names itself by (a DNS expression, `LIENGANH_WEBHOOK_ORIGIN`). */
export const DEFAULT_WEBHOOK_ORIGIN = 'lienganh';

/** The webhook did not agree to receive events, or could not be asked. */
export class HandshakeRefusedError extends Error {
  override readonly name = 'HandshakeRefusedError';
}

export interface HandshakeOptions {
  allow: WebhookAllowList;
  origin?: string;
  timeoutMs?: number;
  lookup?: Lookup;
}

/** Resolves with the allowed origin the webhook answered; rejects with why not (the URL never in the message). */
export async function validateWebhook(url: string, options: HandshakeOptions): Promise<string> {
  const origin = options.origin ?? DEFAULT_WEBHOOK_ORIGIN;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const signal = AbortSignal.timeout(timeoutMs);
  let addresses: LookupAddress[];
  try {
    addresses = await withTimeout(checkedAddresses(url, options.allow, options.lookup ?? systemLookup), signal);
  } catch (error) {
    if (error instanceof WebhookAddressRefusedError) throw new HandshakeRefusedError(`is refused: ${error.message}`, { cause: error });
    throw new HandshakeRefusedError(signal.aborted ? `did not answer within ${timeoutMs} ms` : `cannot be reached: ${networkReason(error)}`, { cause: error });
  }
  let answer: Awaited<ReturnType<typeof sendPinned>>;
  try {
    answer = await sendPinned('OPTIONS', url, addresses, { headers: { [HandshakeHeaders.requestOrigin]: origin, 'user-agent': 'lienganh-coordination' }, signal });
  } catch (error) {
    throw new HandshakeRefusedError(signal.aborted ? `did not answer the validation request within ${timeoutMs} ms` : `cannot be reached: ${networkReason(error)}`, { cause: error });
  }
  if (answer.status < 200 || answer.status > 299) throw new HandshakeRefusedError(`answered the validation request (OPTIONS) with ${answer.status}`);
  const allowed = String(answer.headers[HandshakeHeaders.allowedOrigin.toLowerCase()] ?? '').trim();
  if (allowed !== '*' && allowed.toLowerCase() !== origin.toLowerCase()) {
    throw new HandshakeRefusedError(`did not allow origin "${origin}" in ${HandshakeHeaders.allowedOrigin}`);
  }
  return allowed;
}
