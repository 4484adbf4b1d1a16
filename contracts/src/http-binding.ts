import { CONSTANTS, HTTP, type CloudEventV1 } from 'cloudevents';
import { DATA_CONTENT_TYPE } from './cloudevent.js';
import { ContractError, type ContractIssue } from './errors.js';
import { findPersonalData } from './personal-data.js';

/**
 * The CloudEvents HTTP protocol binding (v1.0.2) on the way in (issue 22): the three content
 * modes an agency's system may use, as the `cloudevents` SDK and every other SDK send them.
 *
 * - binary: each attribute in a `ce-` header, the data as the body (`application/json`);
 * - structured: the whole event as JSON in the body (`application/cloudevents+json`, or plain
 *   `application/json` without `ce-` headers, as this service always took it);
 * - batch: a JSON array of structured events (`application/cloudevents-batch+json`, or a plain
 *   JSON array).
 *
 * This module only turns a request into the event object(s) the sender meant; whether they are
 * valid is `parseEvent`'s (the strict envelope, the catalog, the personal-data detector), the one
 * authority in every mode. Header values are never echoed in an issue: they may be the personal
 * data that got them refused.
 */

export type HttpContentMode = 'binary' | 'structured' | 'batch';

/** Header values as Node gives them per name, repeated ones apart (`IncomingMessage.headersDistinct`). */
export type HttpHeaders = Record<string, readonly string[] | undefined>;

export interface HttpEvents {
  mode: HttpContentMode;
  /** One event object (binary, structured) or an array of them (batch), not yet validated. */
  body: unknown;
}

/**
 * The attributes a `ce-` header may carry: those of the strict envelope (`cloudevent.ts`).
 * `datacontenttype` is the request's own Content-Type in binary mode, never a `ce-` header.
 */
export const BINARY_MODE_ATTRIBUTES = ['specversion', 'id', 'type', 'source', 'subject', 'time', 'dataschema', 'traceparent', 'tracestate'] as const;

const PREFIX = CONSTANTS.EXTENSIONS_PREFIX;
/** A header name a refusal may name: a short token that is nobody's personal data. */
const NAMEABLE = /^[a-z][a-z0-9-]{0,63}$/;

/** The media type of a Content-Type without its parameters (`; charset=utf-8`), lower case. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Which content mode a request is in: by its media type first, then by its `ce-` headers (as the binding says). */
export function contentModeOf(headers: HttpHeaders, body: unknown): HttpContentMode {
  const mediaType = mediaTypeOf(headers['content-type']?.[0]);
  if (mediaType === CONSTANTS.MIME_CE_BATCH) return 'batch';
  if (mediaType.startsWith(CONSTANTS.MIME_CE)) return 'structured';
  if (ceHeaderNames(headers).length > 0) return 'binary';
  return Array.isArray(body) ? 'batch' : 'structured';
}

/**
 * The event object(s) of a request whose JSON body is already parsed (`body`, undefined when
 * there was none), or a ContractError naming every header at fault and the rule it breaks.
 */
export function decodeHttpEvents(headers: HttpHeaders, body: unknown): HttpEvents {
  const mode = contentModeOf(headers, body);
  if (mode === 'binary') return { mode, body: decodeBinary(headers, body) };
  const stray = ceHeaderNames(headers).map((name) => ({
    path: pathOf(name),
    message: 'is a binary-mode header in a structured or batch request: the attributes are taken from the body only, so it is refused rather than ignored',
  }));
  if (stray.length > 0) throw new ContractError(stray);
  if (mode === 'batch' && !Array.isArray(body)) {
    throw ContractError.single('', `a batch (${CONSTANTS.MIME_CE_BATCH}) must be a JSON array of events`);
  }
  return { mode, body };
}

/**
 * Binary mode: the SDK's HTTP unmarshalling reads the message (`HTTP.toEvent`), then each
 * attribute is taken as sent. The SDK makes up what is missing (a random id, the time of
 * receipt, specversion 1.0) and rewrites `time` in UTC, leniently: an event without `ce-time`
 * would be stored as happening now. Only what the sender's headers say reaches the contracts, so
 * that a missing or malformed attribute is refused by name.
 */
function decodeBinary(headers: HttpHeaders, body: unknown): Record<string, unknown> {
  const issues: ContractIssue[] = [];
  const attributes: Record<string, unknown> = {};
  for (const name of ceHeaderNames(headers)) {
    const values = headers[name]!;
    const attribute = name.slice(PREFIX.length);
    const path = pathOf(name);
    if (!(BINARY_MODE_ATTRIBUTES as readonly string[]).includes(attribute)) {
      issues.push({ path, message: `is not an attribute of these events: the ce- headers are ${BINARY_MODE_ATTRIBUTES.map((known) => PREFIX + known).join(', ')}` });
    } else if (values.length > 1) {
      issues.push({ path, message: 'appears more than once: each attribute is sent once' });
    } else {
      const value = headerValue(values[0]!);
      if (value === undefined) issues.push({ path, message: 'must be printable ASCII, anything else percent-encoded as UTF-8 (CloudEvents HTTP binding, 3.1.3.2)' });
      else attributes[attribute] = value;
    }
  }
  const contentType = headers['content-type']?.[0];
  if (contentType !== undefined && mediaTypeOf(contentType) !== DATA_CONTENT_TYPE) {
    issues.push({ path: 'headers.content-type', message: `must be ${DATA_CONTENT_TYPE} in binary mode (the data is JSON)` });
  }
  if (issues.length > 0) throw new ContractError(issues);

  // The SDK knows a binary-mode message by its ce-id; without one, the contracts name the missing header.
  const data = attributes.id === undefined ? body : unmarshal(headers, body).data;
  // datacontenttype is the request's Content-Type without its parameters (charset=utf-8 is UTF-8 JSON, our only kind).
  if (contentType !== undefined) attributes.datacontenttype = DATA_CONTENT_TYPE;
  if (data !== undefined) attributes.data = data;
  return attributes;
}

/**
 * Where an issue of a binary-mode event is to be found by its sender: an attribute in its `ce-`
 * header (`subject` → `headers.ce-subject`), datacontenttype in Content-Type; the data's own
 * paths (`data.business.kind`) stay as they are.
 */
export function binaryModePath(path: string): string {
  if ((BINARY_MODE_ATTRIBUTES as readonly string[]).includes(path)) return `headers.${PREFIX}${path}`;
  return path === 'datacontenttype' ? 'headers.content-type' : path;
}

/** The SDK's reading of a binary-mode message; its own refusals become ours, naming the data. */
function unmarshal(headers: HttpHeaders, body: unknown): CloudEventV1<unknown> {
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(headers)) if (values?.[0] !== undefined) single[name] = values[0];
  try {
    const event = HTTP.toEvent({ headers: single, body });
    if (Array.isArray(event)) throw ContractError.single('', 'a batch is a JSON array of structured events, not a binary-mode request');
    return event as CloudEventV1<unknown>;
  } catch (error) {
    if (error instanceof ContractError) throw error;
    throw ContractError.single('data', 'must be the event’s data as a JSON object (the body of a binary-mode request)');
  }
}

/** The `ce-` headers of a request, lower case as Node gives them. */
function ceHeaderNames(headers: HttpHeaders): string[] {
  return Object.keys(headers).filter((name) => name.toLowerCase().startsWith(PREFIX) && headers[name] !== undefined);
}

/** How an issue names a header: by its name when that is a short token holding no personal data. */
function pathOf(name: string): string {
  const lower = name.toLowerCase();
  return NAMEABLE.test(lower) && findPersonalData(lower).length === 0 ? `headers.${lower}` : 'headers';
}

/**
 * A header value as the attribute it carries: percent-decoded (the binding encodes space, `"`, `%`
 * and anything outside printable ASCII so), or undefined when it holds what no encoder sends.
 */
function headerValue(raw: string): string | undefined {
  if (/[^\x20-\x7e]/.test(raw)) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
