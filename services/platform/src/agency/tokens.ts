/** Injection token of the service's `JetStreamClientProxy`: handlers `emit` their own events through it. */
export const AGENCY_EVENTS_CLIENT = Symbol('AGENCY_EVENTS_CLIENT');
/** Injection token of the service's NATS connection (e.g. to rebuild state with `replayEvents`). */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
