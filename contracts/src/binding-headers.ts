import type { ContractIssue } from './errors.js';
import { findPersonalData } from './personal-data.js';

/**
 * Which headers a message on the bus may carry (issue 19): the CloudEvents NATS binding's
 * (`ce-<attribute>`, `content-type`) and the few JetStream reads on publish (`Nats-Msg-Id`,
 * `Nats-Expected-*`). JetStream stores every header it is given, so a header outside this list
 * (`X-Person-Name: …`) is how personal data would ride past the strict schemas: such a message is
 * refused as a whole, like an unknown field in the data. Unknown `ce-` attributes are refused by
 * the strict envelope (`parseEvent`), not here.
 */

export const JETSTREAM_PUBLISH_HEADERS = [
  'nats-msg-id',
  'nats-expected-stream',
  'nats-expected-last-msg-id',
  'nats-expected-last-sequence',
  'nats-expected-last-subject-sequence',
] as const;

/**
 * A media type with at most a UTF-8 charset: anything after a `;` is stored but read by no one.
 * Which media type is the decoder's business (`datacontenttype` must be `application/json`).
 */
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]{1,64}\/[A-Za-z0-9!#$&^_.+-]{1,64}(?:\s*;\s*charset="?utf-8"?)?$/i;
/** A header name a refusal may name: a short token that is nobody's personal data. */
const NAMEABLE = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

const PERSONAL_DATA = 'looks like personal data: personal data is never sent (DOMAIN.md, "People in the data")';

/**
 * `Nats-Msg-Id` of a decoded event: its `eventKey` (what our producers send), or anything
 * else that holds no personal data (a producer's own id). Undefined when it is fine.
 */
export function msgIdIssue(msgId: string | undefined, eventKey: string | undefined): ContractIssue | undefined {
  if (msgId === undefined || msgId === eventKey) return undefined;
  return findPersonalData(msgId).length > 0 ? { path: 'headers.Nats-Msg-Id', message: PERSONAL_DATA } : undefined;
}

/** A message's headers as name and every value sent under it: how nats.js `MsgHdrs` iterates. */
export type HeaderEntries = Iterable<readonly [string, readonly string[]]>;

/**
 * Every problem with the headers themselves, each naming the header (when its name can be
 * named) and never its value. Values of the JetStream headers and `content-type` are checked
 * here; `ce-` values are checked as the attributes they are, by the envelope.
 */
export function bindingHeaderIssues(headers: HeaderEntries): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const seen = new Set<string>();
  for (const [name, values] of headers) {
    const lower = name.toLowerCase();
    if (seen.has(lower) || values.length > 1) {
      issues.push({ path: headerPath(name), message: 'appears more than once: each header is sent once' });
      continue;
    }
    seen.add(lower);
    if (lower.startsWith('ce-')) continue;
    if (lower === 'content-type') {
      if (!CONTENT_TYPE.test(values[0] ?? '')) issues.push({ path: headerPath(name), message: 'must be a media type with at most `; charset=utf-8`, e.g. application/json' });
      continue;
    }
    if (!(JETSTREAM_PUBLISH_HEADERS as readonly string[]).includes(lower)) {
      issues.push({
        path: headerPath(name),
        message: 'is not a header of the CloudEvents NATS binding (only ce-<attribute>, content-type and JetStream’s message id and expectations): headers are stored, so no other is taken',
      });
      continue;
    }
    const value = values[0] ?? '';
    if (value.length > 256 || /[^\x21-\x7e]/.test(value)) issues.push({ path: headerPath(name), message: 'must be at most 256 printable ASCII characters' });
    // Nats-Msg-Id is checked once the event is known: its eventKey (a hash) may read as digits by chance.
    else if (lower !== 'nats-msg-id' && findPersonalData(value).length > 0) issues.push({ path: headerPath(name), message: PERSONAL_DATA });
  }
  return issues;
}

/** Where an issue with header `name` is reported: its name when that can be named. Only for an issue (most headers have none). */
function headerPath(name: string): string {
  return NAMEABLE.test(name) && findPersonalData(name).length === 0 ? `headers.${name}` : 'headers';
}
