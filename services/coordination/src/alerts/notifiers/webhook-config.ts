import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AgencyCode, contractErrorMap, issuesFromZod, type ContractIssue } from '@lienganh/contracts';

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
 */
export function loadWebhookReceivers(env: NodeJS.ProcessEnv = process.env): WebhookReceivers {
  const inline = env.LIENGANH_WEBHOOKS;
  if (inline !== undefined && inline.trim() !== '') return parseWebhookReceivers(inline, 'LIENGANH_WEBHOOKS');
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
  return parseWebhookReceivers(text, origin);
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
