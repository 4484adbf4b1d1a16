import { createHash } from 'node:crypto';
import {
  CE_HEADER_PREFIX,
  CONTENT_TYPE_HEADER,
  DATA_CONTENT_TYPE,
  findPersonalData,
  REFUSAL_DATASCHEMA,
  REFUSAL_MESSAGE,
  REFUSAL_SOURCE,
  REFUSAL_TYPE,
  refusalReasons,
  refusalSubjectOf,
  type ContractIssue,
  type EventRefusal,
} from '@lienganh/contracts';
import { JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/**
 * What is kept of a message the backbone refuses (issue 19, ADR 0014): never its body, never a
 * header outside the binding, never a value that looks like personal data. The dead-letter record
 * and the refusal the producer reads both hold the same `EventRefusal`: the event's id, source and
 * type when they passed their checks, the reasons (paths and messages, no value), a SHA-256 of the
 * body and its size.
 */

/** The parts of a JetStream message a refusal reads (a `JsMsg` fits, with `info.stream`). */
export interface RefusedMessage {
  readonly seq: number;
  readonly subject: string;
  readonly headers?: MsgHdrs;
  readonly data: Uint8Array;
  readonly info: { readonly stream: string };
}

const ID = /^[\x21-\x7e]{1,128}$/;
const SOURCE = /^\/pcmd\/[a-z][a-z0-9-]*(?:\/[a-z0-9][a-z0-9-]*){0,3}$/;
const TYPE = /^vn\.pcmd\.[a-z0-9.-]{1,180}$/;
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const clean = (value: unknown, pattern: RegExp): string | undefined =>
  typeof value === 'string' && pattern.test(value) && findPersonalData(value).length === 0 ? value : undefined;

/** The header's value, percent-decoded as the binding encodes it; undefined when absent or broken. */
function header(headers: MsgHdrs | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = headers.keys().find((candidate) => candidate.toLowerCase() === name);
  if (key === undefined) return undefined;
  try {
    return decodeURIComponent(headers.get(key));
  } catch {
    return undefined;
  }
}

function bodyJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return undefined;
  }
}

/** id, source and type from the `ce-` headers (binary mode) or the body (structured), each only when it passes its checks. */
export function refusedIdentity(message: RefusedMessage): EventRefusal['event'] {
  const structured = (header(message.headers, CONTENT_TYPE_HEADER) ?? '').startsWith('application/cloudevents');
  const body = structured ? (bodyJson(message.data) as Record<string, unknown> | undefined) : undefined;
  const attribute = (name: string) => (structured ? (typeof body === 'object' && body !== null ? body[name] : undefined) : header(message.headers, `${CE_HEADER_PREFIX}${name}`));
  const identity: EventRefusal['event'] = {};
  const id = clean(attribute('id'), ID);
  const source = clean(attribute('source'), SOURCE);
  const type = clean(attribute('type'), TYPE);
  if (id !== undefined) identity.id = id;
  if (source !== undefined) identity.source = source;
  if (type !== undefined) identity.type = type;
  return identity;
}

/** The subject up to the first token that is not a plain code or that looks like personal data. */
export function refusedSubject(subject: string): string {
  const kept: string[] = [];
  for (const token of subject.split('.')) {
    if (!SUBJECT_TOKEN.test(token) || findPersonalData([...kept, token].join('.')).length > 0) return [...kept, '[…]'].join('.');
    kept.push(token);
  }
  return kept.join('.');
}

/** Every string of the message a reason must not echo: header names and values, subject tokens, the body's strings and keys. */
function refusedStrings(message: RefusedMessage): string[] {
  const strings = [...message.subject.split('.')];
  for (const name of message.headers?.keys() ?? []) strings.push(name, ...message.headers!.values(name));
  const body = bodyJson(message.data);
  if (body === undefined) strings.push(new TextDecoder().decode(message.data.subarray(0, 65_536)));
  const walk = (value: unknown, depth: number): void => {
    if (strings.length > 10_000 || depth > 32) return;
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach((item) => walk(item, depth + 1));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        strings.push(key);
        walk(item, depth + 1);
      }
    }
  };
  walk(body, 0);
  return strings;
}

export function refusalOf(message: RefusedMessage, issues: readonly ContractIssue[], refusedBy: string, now = new Date()): EventRefusal {
  return {
    refusalId: `${message.info.stream}:${message.seq}`,
    refusedAt: now.toISOString(),
    refusedBy,
    stream: message.info.stream,
    sequence: message.seq,
    subject: refusedSubject(message.subject),
    event: refusedIdentity(message),
    reasons: refusalReasons(issues, refusedStrings(message)),
    bodySha256: createHash('sha256').update(message.data).digest('hex'),
    bodyBytes: message.data.length,
    removed: false,
    message: { ...REFUSAL_MESSAGE },
  };
}

/**
 * The refusal as a CloudEvent in binary mode, on the producer's own subject. Its `Nats-Msg-Id`
 * is the refused message's place, so that every consumer and replica that refuses it (or one
 * that retries) stores it once.
 */
export function refusalEvent(refusal: EventRefusal, originalSubject: string): { subject: string; headers: MsgHdrs; data: Uint8Array; msgID: string } {
  const headers = natsHeaders();
  headers.set(`${CE_HEADER_PREFIX}specversion`, '1.0');
  headers.set(`${CE_HEADER_PREFIX}id`, refusal.refusalId);
  headers.set(`${CE_HEADER_PREFIX}type`, REFUSAL_TYPE);
  headers.set(`${CE_HEADER_PREFIX}source`, REFUSAL_SOURCE);
  headers.set(`${CE_HEADER_PREFIX}subject`, refusal.refusalId);
  headers.set(`${CE_HEADER_PREFIX}time`, refusal.refusedAt);
  headers.set(`${CE_HEADER_PREFIX}dataschema`, REFUSAL_DATASCHEMA);
  headers.set(CONTENT_TYPE_HEADER, DATA_CONTENT_TYPE);
  return { subject: refusalSubjectOf(originalSubject), headers, data: new TextEncoder().encode(JSON.stringify(refusal)), msgID: `refusal:${refusal.refusalId}` };
}

/** The Nats-Msg-Id of a refused message's dead-letter record: one record per message, whichever consumer refused it. */
export function refusedDeadLetterId(refusal: EventRefusal): string {
  return `refused:${refusal.refusalId}`;
}

/** The identity headers that passed their checks, to copy onto the dead-letter record. */
export function identityHeaders(refusal: EventRefusal, headers: MsgHdrs): void {
  for (const [name, value] of Object.entries(refusal.event)) if (value !== undefined) headers.set(`${CE_HEADER_PREFIX}${name}`, value);
  headers.set(CONTENT_TYPE_HEADER, DATA_CONTENT_TYPE);
}

/**
 * Removes a refused message from its stream, overwriting it on disk. Idempotent: a message
 * another consumer or replica removed first counts as removed.
 */
export async function removeRefused(jsm: JetStreamManager, stream: string, seq: number): Promise<void> {
  try {
    await jsm.streams.deleteMessage(stream, seq, true);
  } catch (error) {
    if (!isNoMessage(error)) throw error;
  }
}

function isNoMessage(error: unknown): boolean {
  if (error instanceof JetStreamApiError && (error.code === 10037 || error.code === 10057)) return /no message|not found/i.test(error.message) || error.code === 10037;
  return error instanceof Error && /no message found/i.test(error.message);
}
