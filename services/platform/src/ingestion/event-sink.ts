import type { BusEvent } from '@lienganh/contracts';
import { backboneMetrics } from '../telemetry/metrics.js';
import type { DuplicateGuard } from './duplicate-guard.js';

/** Where accepted events go: the durable publisher in a service, anything equivalent in a test. */
export interface EventSink {
  /** Resolves once every event is durable (acknowledged by the stream or in the fsynced outbox). */
  publish(events: BusEvent[]): Promise<void>;
}

export const EVENT_SINK = Symbol('EVENT_SINK');

/**
 * The end of every ingestion: claim the events against re-sends with another body (409 before
 * anything is published), publish them durably, count them; a failed publish gives the claim back
 * so that the sender's retry is not refused as a duplicate.
 */
export async function acceptEvents(events: BusEvent[], batch: boolean, sink: EventSink, duplicates?: DuplicateGuard): Promise<{ accepted: string[] }> {
  const release = duplicates?.claim(events, batch);
  try {
    await sink.publish(events);
  } catch (error) {
    release?.();
    throw error;
  }
  backboneMetrics().ingested(events);
  return { accepted: events.map((event) => event.id) };
}
