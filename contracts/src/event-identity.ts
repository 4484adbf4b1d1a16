import { createHash } from 'node:crypto';
import type { BusEvent } from './cloudevent.js';

/**
 * The identity of an event is its `source` and `id` together (CloudEvents): two agencies, or two
 * units of one agency, may both number a record `1001`. `eventKey` is that pair as one string, the
 * base64url SHA-256 of `source`, a space and `id` (neither may contain a space). It is the
 * `Nats-Msg-Id` of every event on the bus, so that JetStream stores a re-send once and never merges
 * two events, and the key consumers are idempotent on.
 */
export function eventKey(event: Pick<BusEvent, 'source' | 'id'>): string {
  if (event === lastEvent) return lastKey;
  let key = keys.get(event);
  if (key === undefined) {
    key = createHash('sha256').update(`${event.source} ${event.id}`, 'utf8').digest('base64url');
    keys.set(event, key);
  }
  lastEvent = event;
  lastKey = key;
  return key;
}

// A consumer asks for the key of one event several times in a row (once per target that counts it);
// ingestion asks for each event of a batch three times (the batch, the duplicate check, the encoding).
// Events are not changed once built or parsed; a key lives as long as its event.
let lastEvent: Pick<BusEvent, 'source' | 'id'> | undefined;
let lastKey = '';
const keys = new WeakMap<object, string>();
