import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNatsMessage, type BusEvent } from '@lienganh/contracts';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamEventConsumer, RejectedEventError } from '../src/consuming/event-consumer.js';
import { NatsServer } from '../src/nats/nats-server.js';
import { ensureStreams } from '../src/nats/streams.js';
import { JetStreamEventPublisher } from '../src/publishing/event-publisher.js';
import { DurableOutbox } from '../src/publishing/outbox.js';
import { createLogger, traceFields } from '../src/telemetry/logger.js';
import { backboneMetrics, stopMetrics } from '../src/telemetry/metrics.js';
import { startTracing, stopTracing, tracer, tracingEnabled } from '../src/telemetry/tracing.js';
import { AGENCY_STREAM, caseOpenedEvents, connectForever, lastSeq, waitFor } from './support/publishing.js';

/** Trace context through the publisher, the outbox and the consumer, on a real nats-server. */

let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let workDir: string;
const spans = new InMemorySpanExporter();

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connectForever(server.url);
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  workDir = await mkdtemp(join(tmpdir(), 'lienganh-tracing-'));
});
afterAll(async () => {
  await stopTracing();
  await stopMetrics();
  await nc?.close();
  await server?.dispose();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function openPublisher(name: string) {
  const outbox = await DurableOutbox.open(join(workDir, name));
  const publisher = new JetStreamEventPublisher(nc, outbox, { ackTimeoutMs: 500, retryBackoffMs: [50, 100, 200] });
  publisher.start();
  return { publisher, close: async () => (await publisher.close(), await outbox.close()) };
}

/** A logger at info level whose lines are kept, parsed. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('test', 'info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

async function storedEvents(after: number): Promise<BusEvent[]> {
  const events: BusEvent[] = [];
  for (let seq = after + 1; seq <= (await lastSeq(jsm)); seq++) {
    const message = await jsm.streams.getMessage(AGENCY_STREAM, { seq });
    if (message) events.push(decodeNatsMessage(message.header, message.data));
  }
  return events;
}

describe('with tracing off (the default)', () => {
  it('publishes events as they are and records nothing', async () => {
    expect(tracingEnabled()).toBe(false);
    const { publisher, close } = await openPublisher('off');
    const before = await lastSeq(jsm);
    const [event] = caseOpenedEvents('off', 1);
    await publisher.publish([event!]);
    expect((await storedEvents(before))[0]).toEqual(event);
    const { logger, lines } = recordingLogger();
    logger.info({ url: 'http://127.0.0.1' }, 'listening');
    logger.info({ url: 'http://127.0.0.1' }, 'again');
    expect(lines.map(({ msg, url, trace_id }) => ({ msg, url, trace_id }))).toEqual([
      { msg: 'listening', url: 'http://127.0.0.1', trace_id: undefined },
      { msg: 'again', url: 'http://127.0.0.1', trace_id: undefined },
    ]);
    await close();
  });
});

describe('with tracing on', () => {
  beforeAll(() => startTracing({ serviceName: 'platform-test', exporter: spans }));

  it('gives each published event its producer span, as a child of the active span, in its traceparent', async () => {
    const { publisher, close } = await openPublisher('on');
    const before = await lastSeq(jsm);
    const events = caseOpenedEvents('on', 2);
    const parent = tracer().startSpan('request');
    await context.with(trace.setSpan(context.active(), parent), () => publisher.publish(events));
    parent.end();

    const stored = await storedEvents(before);
    const producers = spans.getFinishedSpans().filter((span) => span.kind === SpanKind.PRODUCER && String(span.attributes['messaging.message.id']).startsWith('on-'));
    expect(producers).toHaveLength(2);
    for (const [index, producer] of producers.entries()) {
      expect(producer.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(stored[index]!.traceparent).toBe(`00-${parent.spanContext().traceId}-${producer.spanContext().spanId}-01`);
    }
    await close();
  });

  it('keeps the traceparent of an event that waited in the outbox while NATS was down', async () => {
    const { publisher, close } = await openPublisher('outage');
    const before = await lastSeq(jsm);
    const [event] = caseOpenedEvents('outage', 1);
    await server.stop();
    await publisher.publish([event!]); // durable in the outbox: the producer span ends here
    expect(publisher.pending).toBe(1);
    const producer = spans.getFinishedSpans().find((span) => span.attributes['messaging.message.id'] === event!.id)!;
    await server.restart();
    await publisher.whenDrained(20_000);

    const [stored] = await storedEvents(before);
    expect(stored!.traceparent).toBe(`00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01`);
    await close();
  });

  it('runs a handler in a consumer span, child of the producer span; logs carry its trace id', async () => {
    const { publisher, close } = await openPublisher('consumed');
    const [event] = caseOpenedEvents('consumed', 1);
    await publisher.publish([event!]);
    const seen: Record<string, string>[] = [];
    const { logger, lines } = recordingLogger();
    const consumer = new JetStreamEventConsumer(nc, { stream: AGENCY_STREAM, name: 'tracing-test', resumeAfterSeq: (await lastSeq(jsm)) - 1 }, async () => {
      seen.push(traceFields());
      logger.info({ step: 'handled' }, 'event handled');
    });
    await consumer.start();
    await waitFor('the event handled', () => seen.length === 1);
    await consumer.stop();

    const producer = spans.getFinishedSpans().find((span) => span.kind === SpanKind.PRODUCER && span.attributes['messaging.message.id'] === event!.id)!;
    const consumed = spans.getFinishedSpans().find((span) => span.kind === SpanKind.CONSUMER && span.attributes['messaging.message.id'] === event!.id)!;
    expect(consumed.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumed.attributes['messaging.consumer.group.name']).toBe('tracing-test');
    expect(seen[0]).toEqual({ trace_id: producer.spanContext().traceId, span_id: consumed.spanContext().spanId });
    expect(lines[0]).toMatchObject({ msg: 'event handled', step: 'handled', trace_id: producer.spanContext().traceId, span_id: consumed.spanContext().spanId });
    await close();
  });

  it('counts a dead-lettered event by reason and marks its consumer span failed', async () => {
    const { publisher, close } = await openPublisher('rejected');
    const [event] = caseOpenedEvents('rejected', 1);
    await publisher.publish([event!]);
    const counted = async () => {
      const { resourceMetrics } = await backboneMetrics().prometheus.collect();
      const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((each) => each.descriptor.name === 'lienganh.events.dead_lettered');
      const points = (metric?.dataPoints ?? []) as { attributes: Record<string, unknown>; value: unknown }[];
      return Number(points.find((point) => point.attributes.reason === 'rejected' && point.attributes.consumer === 'tracing-reject')?.value ?? 0);
    };
    const before = await counted();
    const consumer = new JetStreamEventConsumer(
      nc,
      { stream: AGENCY_STREAM, name: 'tracing-reject', resumeAfterSeq: (await lastSeq(jsm)) - 1, logger: { warn() {}, error() {} } },
      async () => {
        throw new RejectedEventError('forged');
      },
    );
    await consumer.start();
    await waitFor('the dead letter counted', async () => (await counted()) === before + 1);
    await consumer.stop();
    const consumed = spans.getFinishedSpans().find((span) => span.kind === SpanKind.CONSUMER && span.attributes['messaging.message.id'] === event!.id)!;
    expect(consumed.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'forged' });
    await close();
  });
});
