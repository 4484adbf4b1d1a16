import type { BusEvent } from '@lienganh/contracts';
import { context, ROOT_CONTEXT, trace, type Context, type Link, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context on events: the CloudEvents distributed-tracing extension (`traceparent`,
 * `tracestate`), which the NATS binding carries as the `ce-traceparent` / `ce-tracestate` headers
 * and the outbox keeps with the other headers. HTTP requests carry it in `traceparent`.
 */

const w3c = new W3CTraceContextPropagator();

type Carrier = Record<string, string | string[] | undefined>;

const getter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The event with the trace context of `ctx` (the producer span's) as its extension attributes. */
export function withTraceContext<T extends BusEvent>(event: T, ctx: Context): T {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, { set: (target, key, value) => (target[key] = value) });
  if (!carrier.traceparent) return event;
  const traced = { ...event, traceparent: carrier.traceparent };
  if (carrier.tracestate) traced.tracestate = carrier.tracestate;
  else delete traced.tracestate;
  return traced;
}

/** The context an event was produced in (its `traceparent`), or the root context when it carries none. */
export function contextOfEvent(event: Pick<BusEvent, 'traceparent' | 'tracestate'>): Context {
  if (!event.traceparent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent: event.traceparent, tracestate: event.tracestate }, getter);
}

/** A link to the context an event already carried when it arrived (the agency system's own trace). */
export function linkToEvent(event: Pick<BusEvent, 'traceparent' | 'tracestate'>): Link[] {
  const spanContext = event.traceparent ? trace.getSpanContext(contextOfEvent(event)) : undefined;
  return spanContext ? [{ context: spanContext }] : [];
}

/** The context an HTTP request names in its `traceparent` header, else the active one. */
export function contextOfRequest(headers: Carrier): Context {
  return headers.traceparent ? w3c.extract(context.active(), headers, getter) : context.active();
}
