import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { parse as parseYaml } from 'yaml';
import { buildEvent, coordinationPlanPublished, encodeBinary, MSG_ID_HEADER, policeInspectionCompleted, STREAMS, type BusEvent } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { startAgencyService, startTracing, stopMetrics, stopTracing, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Telemetry over the whole path of one event, with real parts: a police service and coordination
 * in this process on a real nats-server, tracing into the SDK's in-memory exporter, and the
 * Prometheus text each service serves at GET /metrics.
 */

const keys = { police: 'police-test-key-0123456789' };
const [baDinhFile, canThoFile] = DEMO_PLAN_FILES as [string, string];
const baDinh = parseYaml(readFileSync(baDinhFile, 'utf8'));
const canTho = parseYaml(readFileSync(canThoFile, 'utf8'));
const INSPECTION = policeInspectionCompleted.type;
/** Coordination's clock: after the Ba Đình plan's year, so that its task deadlines are overdue when checked. */
const AFTER_THE_YEAR = new Date('2022-03-01T09:00:00+07:00');
const clock = { current: AFTER_THE_YEAR, now: () => clock.current };

const spans = new InMemorySpanExporter();
let nats: NatsFixture;
let police: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

beforeAll(async () => {
  // Before the services: their HTTP edge installs the server-span middleware only while tracing runs.
  startTracing({ serviceName: 'lienganh-test', exporter: spans });
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-telemetry-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock, deadlineTickMs: 0, users: TEST_USERS });
});
afterAll(async () => {
  await coordination?.close();
  await police?.close();
  await nats?.close();
  await stopTracing();
  await stopMetrics();
  rmSync(dataDir, { recursive: true, force: true });
});

let serial = 0;
/** An inspection as the police system posts it (no source: the service fills it from the key). */
function inspection(): Omit<BusEvent, 'source' | 'subject'> {
  const id = `kt-telemetry-${++serial}`;
  const data = { ...policeInspectionCompleted.example, inspectionId: id, areaCode: 'hn-ba-dinh-kim-ma', business: { businessId: `cs-${serial}`, kind: 'karaoke' as const } };
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, data, { id, time: '2021-05-04T09:30:00+07:00' });
  return event;
}

const finished = () => spans.getFinishedSpans();
const byId = (spanId: string | undefined) => finished().find((span) => span.spanContext().spanId === spanId);

/** The projection span of an event, once coordination has committed it. */
const projectionOf = (eventId: string) =>
  eventually(() => finished().find((span) => span.name === `project ${INSPECTION}` && span.attributes['cloudevents.event_id'] === eventId), 10_000, () => `(no projection span for ${eventId})`);

/** The ingest → publish → consume → projection chain of one event, walked up from its projection span. */
async function chainOf(eventId: string): Promise<{ ingest: ReadableSpan; publish: ReadableSpan; consume: ReadableSpan; projection: ReadableSpan }> {
  const projection = await projectionOf(eventId);
  const consume = byId(projection.parentSpanContext?.spanId);
  const publish = byId(consume?.parentSpanContext?.spanId);
  const ingest = byId(publish?.parentSpanContext?.spanId);
  if (!consume || !publish || !ingest) throw new Error(`broken chain: ${finished().map((span) => span.name).join(', ')}`);
  return { ingest, publish, consume, projection };
}

describe('tracing', () => {
  it('puts the ingest, publish, consume and projection spans of one event in one trace, parent to child', async () => {
    const event = inspection();
    expect((await postJson(`${police.url}/api/v1/events`, event, keys.police)).status).toBe(202);

    const { ingest, publish, consume, projection } = await chainOf(event.id);

    const traceId = ingest.spanContext().traceId;
    expect([publish, consume, projection].map((span) => span.spanContext().traceId)).toEqual([traceId, traceId, traceId]);
    expect(ingest.parentSpanContext).toBeUndefined(); // the request came without a traceparent: the trace starts here
    expect(ingest).toMatchObject({ name: 'POST /api/v1/events', kind: SpanKind.SERVER, attributes: { 'http.route': '/api/v1/events', 'http.response.status_code': 202 } });
    expect(publish).toMatchObject({
      name: `send ${policeInspectionCompleted.subject}`,
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'messaging.destination.name': policeInspectionCompleted.subject, 'messaging.message.id': event.id },
    });
    expect(consume).toMatchObject({
      name: `process ${policeInspectionCompleted.subject}`,
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'nats', 'messaging.operation.type': 'process', 'messaging.message.id': event.id, 'lienganh.stream.name': STREAMS.agencyEvents.name },
    });
    expect(consume.attributes['messaging.consumer.group.name']).toEqual(expect.stringContaining('agency-events'));
    expect(projection.kind).toBe(SpanKind.INTERNAL);
    // No person's data in spans: never the event's subject nor its data.
    for (const span of [ingest, publish, consume, projection]) expect(JSON.stringify(span.attributes)).not.toContain('cs-');

    // On the stream, the event carries the producer span's context in the CloudEvents extension (a ce- header).
    const stored = await nats.jsm.streams.getMessage(STREAMS.agencyEvents.name, { last_by_subj: policeInspectionCompleted.subject });
    expect(stored?.header.get('ce-traceparent')).toBe(`00-${traceId}-${publish.spanContext().spanId}-01`);
  });

  it('continues the trace of a caller that sends a traceparent', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const event = inspection();
    const response = await postJson(`${police.url}/api/v1/events`, event, keys.police, { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    expect(response.status).toBe(202);

    const { ingest, projection } = await chainOf(event.id);

    expect(ingest.spanContext().traceId).toBe(callerTrace);
    expect(ingest.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(projection.spanContext().traceId).toBe(callerTrace);
  });

  it('follows a plan import from the request through coordination\'s own stream to its projection', async () => {
    expect((await postJson(`${coordination.url}/api/v1/plans`, canTho, tokens.secretariat)).status).toBe(201);

    const projection = await eventually(() => finished().find((span) => span.name === `project ${coordinationPlanPublished.type}` && span.attributes['cloudevents.event_id'] === `plan-published-${canTho.id}`));
    const consume = byId(projection.parentSpanContext?.spanId)!;
    const publish = byId(consume.parentSpanContext?.spanId)!;
    const request = byId(publish.parentSpanContext?.spanId)!;
    expect([consume.kind, publish.kind, request.kind]).toEqual([SpanKind.CONSUMER, SpanKind.PRODUCER, SpanKind.SERVER]);
    expect(request.name).toBe('POST /api/v1/plans');
    expect(new Set([projection, consume, publish, request].map((span) => span.spanContext().traceId)).size).toBe(1);
  });
});

/** Prometheus text format: the value of the series with these labels (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([label, value]) => present[label] === value)) total += Number(match[3]);
  }
  return total;
}

async function scrape(serviceUrl: string): Promise<string> {
  const response = await fetch(`${serviceUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** Publishes straight on the stream, as a forger with stream access could: a police fact with a labour source. */
async function publishForged(id: string): Promise<void> {
  const forged = buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: id, areaCode: 'hn-ba-dinh-kim-ma' }, { id, source: '/pcmd/labour' });
  const { headers, data } = encodeBinary(forged);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  await nats.js.publish(policeInspectionCompleted.subject, data, { headers: natsHeadersOf, msgID: id });
}

describe('metrics', () => {
  const police_ = { agency: 'police', type: INSPECTION };

  it('moves the ingested and projected counters and the projection latency on each service\'s /metrics', async () => {
    const before = { police: await scrape(police.url), coordination: await scrape(coordination.url) };
    const events = [inspection(), inspection(), inspection()];
    expect((await postJson(`${police.url}/api/v1/events`, events, keys.police)).status).toBe(202);

    const ingested = sample(await scrape(police.url), 'lienganh_events_ingested_total', police_);
    expect(ingested - sample(before.police, 'lienganh_events_ingested_total', police_)).toBe(3);
    const after = await eventually(async () => {
      const text = await scrape(coordination.url);
      return sample(text, 'lienganh_events_projected_total', police_) - sample(before.coordination, 'lienganh_events_projected_total', police_) === 3 ? text : undefined;
    }, 10_000);
    const latencyCount = (text: string) => sample(text, 'lienganh_projection_latency_count', { agency: 'police' });
    expect(latencyCount(after) - latencyCount(before.coordination)).toBe(3);
    // Consumer lag is sampled from the server's consumer info: caught up, so nothing pending.
    expect(after).toMatch(new RegExp(`^lienganh_consumer_lag\\{stream="${STREAMS.agencyEvents.name}",consumer="[^"]*agency-events"\\} 0$`, 'm'));
  });

  it('counts a dead-lettered event by reason', async () => {
    const rejected = { reason: 'rejected' };
    const before = sample(await scrape(coordination.url), 'lienganh_events_dead_lettered_total', rejected);
    await publishForged('kt-telemetry-forged');
    await eventually(async () => (sample(await scrape(coordination.url), 'lienganh_events_dead_lettered_total', rejected) === before + 1 ? true : undefined), 10_000);
  });

  it('shows open overdue alerts once the deadlines of a plan are missed', async () => {
    // Imported at the start of its year: deadlines that had passed at the import would raise nothing (ADR 0010, 8).
    clock.current = new Date('2021-01-15T09:00:00+07:00');
    expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
    clock.current = AFTER_THE_YEAR;
    await coordination.deadlines.tick(); // resolves once every alert is on coordination's stream
    // Then every consumer of that stream has applied and acked them all: the lag gauges say when.
    const coordinationStream = { stream: STREAMS.coordinationEvents.name };
    await eventually(async () => {
      const scraped = await scrape(coordination.url);
      return sample(scraped, 'lienganh_consumer_lag', coordinationStream) + sample(scraped, 'lienganh_consumer_unacked', coordinationStream) === 0 ? true : undefined;
    }, 10_000);
    // Read afterwards: a scrape samples the gauges one after the other.
    const open = sample(await scrape(coordination.url), 'lienganh_alerts_open_overdue');
    expect(open).toBeGreaterThan(0);
    const overdueAlerts = await getAs(`${coordination.url}/api/v1/alerts/log?kind=overdue&status=open`, tokens.committee);
    expect(open).toBe(overdueAlerts.body.alerts.length);
  });
});
