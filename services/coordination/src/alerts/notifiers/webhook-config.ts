import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AgencyCode, contractErrorMap, issuesFromZod, type ContractIssue } from '@lienganh/contracts';
import { checkedAddresses, literalRefusal, loadWebhookAllowList, systemLookup, WebhookAddressRefusedError, WebhookAllowList, type Lookup } from './webhook-address.js';

/** Where one receiver takes alerts, and the secret its deliveries are signed with. */
export interface WebhookReceiver {
  readonly url: string;
  readonly secret: string;
}

/** Receiver (an agency code, or `committee`) → its webhook. */
export type WebhookReceivers = Readonly<Record<string, WebhookReceiver>>;

export const WEBHOOK_SECRET_MIN_LENGTH = 16;

const WebhookReceiverSchema = z.strictObject(
  {
    url: z.url({ protocol: /^https?$/, error: (issue) => (issue.input === undefined ? 'is required' : 'must be an http:// or https:// URL') }),
    secret: z.string().min(WEBHOOK_SECRET_MIN_LENGTH, `must be at least ${WEBHOOK_SECRET_MIN_LENGTH} characters`),
  },
  { error: (issue) => (issue.code === 'invalid_type' && issue.input !== undefined ? 'must be an object {"url", "secret"}' : undefined) },
);

export const WebhookReceiversSchema = z.record(AgencyCode, WebhookReceiverSchema, {
  error: (issue) => (issue.code === 'invalid_key' ? 'is not a receiver: must be a lower-case agency code such as "labour" or "committee"' : undefined),
});

/**
 * A webhook configuration that cannot be used. The message names where it came from and every
 * field at fault (`LIENGANH_WEBHOOKS: labour.secret: must be at least 16 characters`), never a
 * secret's value; it is meant to be shown as it is, without a stack.
 */
export class WebhookConfigError extends Error {
  override readonly name = 'WebhookConfigError';

  constructor(
    readonly origin: string,
    readonly issues: readonly ContractIssue[],
  ) {
    super(`${origin}: ${issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ')}`);
  }
}

/**
 * Reads the webhook receivers from `LIENGANH_WEBHOOKS` (JSON
 * `{"labour":{"url":"https://…","secret":"…"},"committee":{…}}`) or, when that is not set, from
 * the JSON file `LIENGANH_WEBHOOKS_FILE` names. Neither set: no webhooks (`{}`).
 * A receiver whose host is a loopback, private, link-local, unique-local, unspecified or CGNAT
 * address (or `localhost`) is refused unless `LIENGANH_WEBHOOK_ALLOW` allows it; host names are
 * resolved and checked by `checkWebhookReceivers`, at start and again at each delivery.
 */
export function loadWebhookReceivers(env: NodeJS.ProcessEnv = process.env): WebhookReceivers {
  const allow = webhookAllowList(env);
  const inline = env.LIENGANH_WEBHOOKS;
  if (inline !== undefined && inline.trim() !== '') return checkLiteralAddresses(parseWebhookReceivers(inline, 'LIENGANH_WEBHOOKS'), 'LIENGANH_WEBHOOKS', allow);
  const file = env.LIENGANH_WEBHOOKS_FILE;
  if (file === undefined || file.trim() === '') return {};
  const origin = `LIENGANH_WEBHOOKS_FILE (${file})`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WebhookConfigError(origin, [{ path: '', message: code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? 'error'})` }]);
  }
  return checkLiteralAddresses(parseWebhookReceivers(text, origin), origin, allow);
}

/** `LIENGANH_WEBHOOK_ALLOW`, or a `WebhookConfigError` saying what in it is wrong. */
export function webhookAllowList(env: NodeJS.ProcessEnv = process.env): WebhookAllowList {
  try {
    return loadWebhookAllowList(env);
  } catch (error) {
    throw new WebhookConfigError('LIENGANH_WEBHOOK_ALLOW', [{ path: '', message: (error as Error).message.replace(/^LIENGANH_WEBHOOK_ALLOW: /, '') }]);
  }
}

function checkLiteralAddresses(receivers: WebhookReceivers, origin: string, allow: WebhookAllowList): WebhookReceivers {
  const issues = Object.entries(receivers).flatMap(([name, { url }]) => {
    const reason = literalRefusal(url, allow);
    return reason ? [{ path: `${name}.url`, message: reason }] : [];
  });
  if (issues.length > 0) throw new WebhookConfigError(origin, issues);
  return receivers;
}

/**
 * Resolves every receiver's host and checks each address it resolves to (see
 * `loadWebhookReceivers`); throws a `WebhookConfigError` naming each receiver refused. A name
 * that does not resolve now is left to the delivery (DNS may not be up yet).
 */
export async function checkWebhookReceivers(
  receivers: WebhookReceivers,
  allow: WebhookAllowList,
  options: { origin?: string; lookup?: Lookup } = {},
): Promise<void> {
  const issues: ContractIssue[] = [];
  for (const [name, { url }] of Object.entries(receivers)) {
    try {
      await checkedAddresses(url, allow, options.lookup ?? systemLookup);
    } catch (error) {
      if (error instanceof WebhookAddressRefusedError) issues.push({ path: `${name}.url`, message: error.message });
    }
  }
  if (issues.length > 0) throw new WebhookConfigError(options.origin ?? 'webhooks', issues);
}

/** Validates a JSON text of receivers; `origin` names it in errors. */
export function parseWebhookReceivers(json: string, origin: string): WebhookReceivers {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new WebhookConfigError(origin, [{ path: '', message: 'is not valid JSON' }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebhookConfigError(origin, [{ path: '', message: 'must be a JSON object of receiver → {"url", "secret"}' }]);
  }
  const parsed = WebhookReceiversSchema.safeParse(value, { error: contractErrorMap });
  if (!parsed.success) throw new WebhookConfigError(origin, issuesFromZod(parsed.error));
  return parsed.data;
}
