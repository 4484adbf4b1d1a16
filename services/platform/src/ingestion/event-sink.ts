import type { BusEvent } from '@lienganh/contracts';

/** Where accepted events go: the durable publisher in a service, anything equivalent in a test. */
export interface EventSink {
  /** Resolves once every event is durable (acknowledged by the stream or in the fsynced outbox). */
  publish(events: BusEvent[]): Promise<void>;
}

export const EVENT_SINK = Symbol('EVENT_SINK');
