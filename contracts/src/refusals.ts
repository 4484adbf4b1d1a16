import { z } from 'zod';
import { DATASCHEMA_PREFIX } from './cloudevent.js';
import { SUBJECT_PREFIX, TYPE_PREFIX } from './define.js';
import { REPORTING_SERVICE } from './agencies.js';
import type { ContractIssue } from './errors.js';
import { findPersonalData } from './personal-data.js';

/**
 * Refusals (issue 19, ADR 0014): an event a producer published straight on NATS that the
 * backbone refuses (it fails its contract, carries a header outside the binding, names another
 * producer, has an impossible time) is removed from its stream, and the producer learns why on a
 * subject of its own, `pcmd.refusals.<agency>` or `pcmd.refusals.reporting.<body>`, kept in the
 * `PCMD_REFUSALS` stream. A refusal names the fields and why, never a refused value, and holds a
 * SHA-256 of the refused body so that the producer can tell which of its messages it was.
 */

export const REFUSAL_SUBJECT_PREFIX = 'pcmd.refusals';
export const REFUSAL_TYPE = `${TYPE_PREFIX}.refusal.event.refused.v1`;
export const REFUSAL_SOURCE = '/pcmd/refusals';
/** Where a refusal goes when its subject names no producer the backbone knows (only the operator can publish so). */
export const UNATTRIBUTED_REFUSALS = `${REFUSAL_SUBJECT_PREFIX}.unattributed`;

const TOKEN = /^[a-z][a-z0-9-]{1,47}$/;
const nameable = (token: string | undefined): token is string => token !== undefined && TOKEN.test(token) && findPersonalData(token).length === 0;

/**
 * The subject the producer of a message on `natsSubject` reads its refusals on:
 * `pcmd.events.police.…` → `pcmd.refusals.police`, `pcmd.events.reporting.red-cross.…` →
 * `pcmd.refusals.reporting.red-cross`. NATS permissions let each producer read only its own.
 */
export function refusalSubjectOf(natsSubject: string): string {
  const tokens = natsSubject.split('.');
  if (`${tokens[0]}.${tokens[1]}` !== SUBJECT_PREFIX || !nameable(tokens[2])) return UNATTRIBUTED_REFUSALS;
  if (tokens[2] !== REPORTING_SERVICE) return `${REFUSAL_SUBJECT_PREFIX}.${tokens[2]}`;
  return nameable(tokens[3]) ? `${REFUSAL_SUBJECT_PREFIX}.${REPORTING_SERVICE}.${tokens[3]}` : UNATTRIBUTED_REFUSALS;
}

/** The refusals subject of an agency, or of a body reporting through the reporting service. */
export function refusalSubjectFor(producer: { agency: string } | { body: string }): string {
  return 'agency' in producer ? `${REFUSAL_SUBJECT_PREFIX}.${producer.agency}` : `${REFUSAL_SUBJECT_PREFIX}.${REPORTING_SERVICE}.${producer.body}`;
}

/**
 * The one durable consumer a producer reads its refusals through: `refusals-police`,
 * `refusals-reporting-red-cross`. Its permissions name it and its filter, so that no producer
 * can read another's refusals.
 */
export function refusalConsumerOf(refusalSubject: string): string {
  return `refusals-${refusalSubject.slice(REFUSAL_SUBJECT_PREFIX.length + 1).replaceAll('.', '-')}`;
}

const Text = z.string().max(400);
export const RefusalReason = z.strictObject({
  path: Text.describe('Trường bị từ chối, ví dụ data.organiser hay headers.X-Person-Name / the refused field'),
  message: Text.describe('Lý do, không bao giờ chứa giá trị bị từ chối / why, never the refused value'),
});
export type RefusalReason = z.infer<typeof RefusalReason>;

/** The data of a refusal event, and the body of the dead-letter record of a refused message. */
export const EventRefusal = z.strictObject({
  refusalId: z.string().describe('<stream>:<sequence> of the refused message'),
  refusedAt: z.iso.datetime({ offset: true }),
  refusedBy: z.string().describe('The durable consumer that refused it'),
  stream: z.string(),
  sequence: z.number().int().positive(),
  subject: z.string().describe('The NATS subject it was published on (only its producer part when a token looked like personal data)'),
  event: z
    .strictObject({ id: z.string().optional(), source: z.string().optional(), type: z.string().optional() })
    .describe('What identifies the event, each attribute only when it passed its checks'),
  reasons: z.array(RefusalReason).min(1),
  bodySha256: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 (hex) of the refused body: the body itself is kept nowhere'),
  bodyBytes: z.number().int().nonnegative(),
  removed: z.boolean().describe('Whether the message was removed from its stream'),
  message: z.strictObject({ vi: z.string(), en: z.string() }),
});
export type EventRefusal = z.infer<typeof EventRefusal>;

export const REFUSAL_MESSAGE = {
  vi: 'Sự kiện bị từ chối và đã bị xóa khỏi luồng: sửa các trường nêu trong reasons rồi gửi lại.',
  en: 'The event was refused and removed from the stream: fix the fields named in reasons, then send it again.',
} as const;

export const REFUSAL_DATASCHEMA = `${DATASCHEMA_PREFIX}${REFUSAL_TYPE}`;

const REDACTED = '[…]';
const HIDDEN_MESSAGE = 'giá trị bị từ chối đã được ẩn / the refused value is hidden (it may be personal data)';

/**
 * The reasons of a refusal, safe to store and to send: at most 20, each path and message
 * checked by the personal-data detector, every `refused` string (header names and values, subject
 * tokens, the body's strings and keys) that holds personal data cut out wherever it appears, and
 * a path cut short before the first segment that holds some. The contracts' messages never echo a
 * value (`issuesFromZod`); this is the second lock.
 */
export function refusalReasons(issues: readonly ContractIssue[], refused: Iterable<string>): RefusalReason[] {
  const planted = [...new Set(refused)].filter((text) => text.length >= 3 && findPersonalData(text).length > 0).sort((a, b) => b.length - a.length);
  const cut = (text: string) => planted.reduce((out, value) => out.replaceAll(value, REDACTED), text);
  const reasons = issues.slice(0, 20).map(({ path, message }) => {
    const segments = cut(path).split('.');
    const kept: string[] = [];
    for (const segment of segments) {
      if (findPersonalData([...kept, segment].join('.')).length > 0) {
        kept.push(REDACTED);
        break;
      }
      kept.push(segment);
    }
    const text = cut(message).slice(0, 400);
    return { path: kept.join('.').slice(0, 400), message: findPersonalData(text).length > 0 ? HIDDEN_MESSAGE : text };
  });
  return reasons.length > 0 ? reasons : [{ path: '', message: 'refused' }];
}

/** One line for a log or a dead-letter header: `path: message; …`. */
export function reasonsText(reasons: readonly RefusalReason[]): string {
  return reasons.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join('; ');
}
