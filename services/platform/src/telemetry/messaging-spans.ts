import type { BusEvent } from '@lienganh/contracts';
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import {
  ATTR_CLOUDEVENTS_EVENT_ID,
  ATTR_CLOUDEVENTS_EVENT_SOURCE,
  ATTR_CLOUDEVENTS_EVENT_TYPE,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
} from '@opentelemetry/semantic-conventions/incubating';
import { contextOfEvent, linkToEvent, withTraceContext } from './trace-context.js';
import { tracer } from './tracing.js';

/**
 * Spans of an event's way through the backbone, after the messaging semantic conventions:
 * `send <subject>` (producer) when a service publishes it, `process <subject>` (consumer,
 * child of the producer span through the event's `traceparent`) when a consumer handles it,
 * and `project <type>` while coordination applies and commits it. Callers check
 * `tracingEnabled()` first: with tracing off none of this runs.
 */

/** Not in the semantic conventions' list of systems (yet); the name NATS's own tooling uses. */
export const MESSAGING_SYSTEM_NATS = 'nats';
export const ATTR_STREAM_NAME = 'lienganh.stream.name';
export const ATTR_STREAM_SEQUENCE = 'lienganh.stream.sequence';
export const ATTR_DELIVERY_COUNT = 'lienganh.delivery.count';

export interface EventSpan {
  /** The context to run the event's work in (the span is active in it). */
  readonly context: Context;
  /** Runs `work` with the span active, so that spans and logs inside it belong to it. */
  run<T>(work: () => T): T;
  /** Ends the span, as failed when given an error. */
  end(error?: unknown): void;
}

function eventSpan(span: Span, parent: Context): EventSpan {
  const active = trace.setSpan(parent, span);
  return { context: active, run: (work) => context.with(active, work), end: (error) => endSpan(span, error) };
}

/** No person's data: ids, types and the emitting agency only (never `subject` or `data`). */
function eventAttributes(event: BusEvent): Attributes {
  return {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_NATS,
    [ATTR_MESSAGING_MESSAGE_ID]: event.id,
    [ATTR_CLOUDEVENTS_EVENT_ID]: event.id,
    [ATTR_CLOUDEVENTS_EVENT_TYPE]: event.type,
    [ATTR_CLOUDEVENTS_EVENT_SOURCE]: event.source,
  };
}

export interface ProducerSpan extends EventSpan {
  /** The event with the producer span's `traceparent`. */
  readonly event: BusEvent;
}

/**
 * Starts the producer span of one event, as a child of the active context (the HTTP request's),
 * and returns the event with that span's `traceparent`. A `traceparent` the event already had
 * (the agency system's own trace) becomes a link.
 */
export function startProducerSpan(event: BusEvent, subject: string): ProducerSpan {
  const span = tracer().startSpan(
    `send ${subject}`,
    {
      kind: SpanKind.PRODUCER,
      links: linkToEvent(event),
      attributes: {
        ...eventAttributes(event),
        [ATTR_MESSAGING_OPERATION_NAME]: 'send',
        [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_SEND,
        [ATTR_MESSAGING_DESTINATION_NAME]: subject,
      },
    },
    context.active(),
  );
  const produced = eventSpan(span, context.active());
  return { ...produced, event: withTraceContext(event, produced.context) };
}

export interface DeliveryInfo {
  subject: string;
  consumer: string;
  stream?: string;
  seq: number;
  deliveryCount: number;
}

/** Starts the consumer span of one delivery, as a child of the context the event was produced in. */
export function startConsumerSpan(event: BusEvent, delivery: DeliveryInfo): EventSpan {
  const attributes: Attributes = {
    ...eventAttributes(event),
    [ATTR_MESSAGING_OPERATION_NAME]: 'process',
    [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
    [ATTR_MESSAGING_DESTINATION_NAME]: delivery.subject,
    [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: delivery.consumer,
    [ATTR_STREAM_SEQUENCE]: delivery.seq,
    [ATTR_DELIVERY_COUNT]: delivery.deliveryCount,
  };
  if (delivery.stream) attributes[ATTR_STREAM_NAME] = delivery.stream;
  const parent = contextOfEvent(event);
  const span = tracer().startSpan(`process ${delivery.subject}`, { kind: SpanKind.CONSUMER, attributes }, parent);
  return eventSpan(span, parent);
}

/** Starts the span of applying one event to a read model, as a child of the active (consumer) span. */
export function startProjectionSpan(event: BusEvent, position: { stream: string; seq: number }): EventSpan {
  const span = tracer().startSpan(
    `project ${event.type}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        [ATTR_CLOUDEVENTS_EVENT_ID]: event.id,
        [ATTR_CLOUDEVENTS_EVENT_TYPE]: event.type,
        [ATTR_STREAM_NAME]: position.stream,
        [ATTR_STREAM_SEQUENCE]: position.seq,
      },
    },
    context.active(),
  );
  return eventSpan(span, context.active());
}

export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    const name = error instanceof Error ? error.name : typeof error;
    span.setAttribute(ATTR_ERROR_TYPE, name);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}
