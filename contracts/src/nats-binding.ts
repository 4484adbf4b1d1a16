import { bindingHeaderIssues, msgIdIssue, type HeaderEntries } from './binding-headers.js';
import { parseEvent, type BusEvent } from './cloudevent.js';
import { ContractError, type ContractIssue } from './errors.js';
import { eventKey } from './event-identity.js';

/**
 * The CloudEvents NATS protocol binding (v1.0.3). Binary mode puts each attribute in a
 * `ce-` header and the data in the body; structured mode puts the whole event, as JSON,
 * in the body with `content-type: application/cloudevents+json`. We publish binary and
 * accept both. Plain header maps keep this module free of any NATS client.
 */

export type HeaderMap = Record<string, string>;

/** What a NATS client exposes of a message's headers (nats.js `MsgHdrs`: name → every value sent), or a plain map. */
export type HeaderSource = HeaderMap | HeaderEntries;

export interface NatsMessageParts {
  headers: HeaderMap;
  data: Uint8Array;
}

export const CE_HEADER_PREFIX = 'ce-';
export const CONTENT_TYPE_HEADER = 'content-type';
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';
/** JetStream stores a message once per id inside the stream's duplicate window: ours is `eventKey` (source + id). */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

const MSG_ID_HEADER_LOWER = MSG_ID_HEADER.toLowerCase();

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeBinary(event: BusEvent): NatsMessageParts {
  const headers: HeaderMap = { [MSG_ID_HEADER]: eventKey(event), [CONTENT_TYPE_HEADER]: event.datacontenttype };
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'datacontenttype' || value === undefined) continue;
    headers[CE_HEADER_PREFIX + name] = encodeHeaderValue(String(value));
  }
  return { headers, data: encoder.encode(JSON.stringify(event.data)) };
}

export function encodeStructured(event: BusEvent): NatsMessageParts {
  return {
    headers: { [MSG_ID_HEADER]: eventKey(event), [CONTENT_TYPE_HEADER]: `${STRUCTURED_CONTENT_TYPE}; charset=utf-8` },
    data: encoder.encode(JSON.stringify(event)),
  };
}

/**
 * Decodes a message in either content mode into a validated event, or throws a ContractError
 * listing every problem: the headers' own (a header outside the binding, a repeated one: see
 * `bindingHeaderIssues`) together with the event's.
 */
export function decodeNatsMessage(headers: HeaderSource | undefined, data: Uint8Array): BusEvent {
  // Read once (nats.js looks a name up by scanning every header): the binding's check, then the id and the attributes.
  const entries = headerEntries(headers);
  const headerIssues = bindingHeaderIssues(entries);
  const lower = new Map<string, string>();
  for (const [name, values] of entries) lower.set(name.toLowerCase(), values[0] ?? '');
  const msgId = lower.get(MSG_ID_HEADER_LOWER);
  let event: BusEvent;
  try {
    event = decodeEvent(lower, data);
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    if (headerIssues.length === 0 && !msgIdIssue(msgId, undefined)) throw error;
    throw new ContractError([...error.issues, ...headerIssues, ...optional(msgIdIssue(msgId, undefined))]);
  }
  const issues = [...headerIssues, ...optional(msgIdIssue(msgId, eventKey(event)))];
  if (issues.length > 0) throw new ContractError(issues);
  return event;
}

function optional(issue: ContractIssue | undefined): ContractIssue[] {
  return issue ? [issue] : [];
}

function headerEntries(headers: HeaderSource | undefined): (readonly [string, readonly string[]])[] {
  if (!headers) return [];
  if (Symbol.iterator in headers) return [...(headers as HeaderEntries)];
  return Object.entries(headers as HeaderMap).map(([name, value]) => [name, [value]] as const);
}

function decodeEvent(lower: Map<string, string>, data: Uint8Array): BusEvent {
  const contentType = lower.get(CONTENT_TYPE_HEADER) ?? '';
  if (contentType.startsWith('application/cloudevents')) {
    if (!contentType.startsWith(STRUCTURED_CONTENT_TYPE)) {
      throw ContractError.single(CONTENT_TYPE_HEADER, 'unsupported event format (only application/cloudevents+json)');
    }
    return parseEvent(parseJson(data, ''));
  }
  if (!lower.has(`${CE_HEADER_PREFIX}specversion`)) {
    throw ContractError.single('headers', 'not a CloudEvent: no ce-specversion header and no structured content-type');
  }
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of lower) {
    if (name.startsWith(CE_HEADER_PREFIX)) attributes[name.slice(CE_HEADER_PREFIX.length)] = decodeHeaderValue(name, value);
  }
  if (contentType) attributes.datacontenttype = contentType.split(';')[0]!.trim();
  attributes.data = parseJson(data, 'data');
  return parseEvent(attributes);
}

function parseJson(data: Uint8Array, path: string): unknown {
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    throw ContractError.single(path, 'is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw ContractError.single(path, 'is not valid JSON');
  }
}

/**
 * Header values are percent-encoded as in the HTTP binding: space, `"`, `%` and anything
 * outside printable ASCII, so that no value can break the header block (CR/LF injection).
 */
export function encodeHeaderValue(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f && char !== '"' && char !== '%') out += char;
    else for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodeHeaderValue(name: string, value: string): string {
  // Without a `%` there is nothing to decode, and nothing decodeURIComponent could refuse.
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    throw ContractError.single(name, 'has an invalid percent-encoding');
  }
}
