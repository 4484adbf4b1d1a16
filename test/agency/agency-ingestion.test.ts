import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, decodeNatsMessage, eventKey, policeCaseOpened, policeInspectionCompleted, STREAMS, type BusEvent } from '@lienganh/contracts';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { eventually, postJson } from '../support/http.js';

const keys = { police: 'police-test-key-0123456789', labour: 'labour-test-key-0123456789' };
const stream = STREAMS.agencyEvents.name;

let nats: NatsFixture;
let police: RunningAgencyService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-police-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
});
afterAll(async () => {
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** An inspection as an agency system posts it: no source, no subject. */
function inspection(id = crypto.randomUUID()): Omit<BusEvent, 'source' | 'subject'> {
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, policeInspectionCompleted.example, { id });
  return event;
}

const post = (body: unknown, key = keys.police) => postJson(`${police.url}/api/v1/events`, body, key);

async function storedEvents(): Promise<BusEvent[]> {
  const { state } = await nats.jsm.streams.info(stream);
  const events: BusEvent[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (message) events.push(decodeNatsMessage(message.header, message.data));
  }
  return events;
}

const messageCount = async () => (await nats.jsm.streams.info(stream)).state.messages;

describe('police service ingestion', () => {
  it('publishes a posted inspection to the agency stream in binary mode, with a valid body', async () => {
    const sent = inspection();
    const response = await post(sent);
    expect(response).toEqual({ status: 202, body: { accepted: [sent.id] } });

    const message = await nats.jsm.streams.getMessage(stream, { last_by_subj: policeInspectionCompleted.subject });
    expect(message!.header.get('ce-id')).toBe(sent.id);
    expect(message!.header.get('ce-type')).toBe(policeInspectionCompleted.type);
    expect(message!.header.get('ce-source')).toBe('/pcmd/police');
    expect(message!.header.get('ce-specversion')).toBe('1.0');
    expect(message!.header.get('content-type')).toBe('application/json');
    // The event's identity, source + id (ADR 0010): another source's event with the same id is another message.
    expect(message!.header.get('Nats-Msg-Id')).toBe(eventKey({ source: '/pcmd/police', id: sent.id }));
    expect(JSON.parse(message!.string())).toEqual(policeInspectionCompleted.example);
    expect(decodeNatsMessage(message!.header, message!.data).id).toBe(sent.id);
  });

  it('stores the same event id once when it is posted twice', async () => {
    const sent = inspection();
    const before = await messageCount();
    expect((await post(sent)).status).toBe(202);
    expect((await post(sent)).status).toBe(202);
    expect(await messageCount()).toBe(before + 1);
  });

  it('answers 400 naming the invalid field and publishes nothing, even for the valid part of a batch', async () => {
    const before = await messageCount();
    const bad = { ...inspection(), data: { ...policeInspectionCompleted.example, outcome: 'fine', fullName: 'Nguyễn Văn A' } };
    const response = await post([inspection(), bad]);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid-event');
    expect(response.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['[1].data.fullName', '[1].data.outcome']);
    expect(JSON.stringify(response.body)).not.toContain('Nguyễn');
    expect(await messageCount()).toBe(before);
  });

  it('accepts a batch and answers with every id', async () => {
    const batch = [inspection(), buildEvent(policeCaseOpened, policeCaseOpened.example)];
    expect(await post(batch)).toEqual({ status: 202, body: { accepted: batch.map((event) => event.id) } });
  });

  it('refuses requests without the police key, and bodies that are not JSON', async () => {
    expect((await post(inspection(), '')).status).toBe(401);
    expect((await post(inspection(), 'not-a-known-key-at-all')).status).toBe(401);
    expect((await post(inspection(), keys.labour)).status).toBe(403);
    const malformed = await post('{"specversion": "1.0",', keys.police);
    expect(malformed).toEqual({ status: 400, body: { error: 'invalid-json', message: 'JSON không hợp lệ / body is not valid JSON' } });
  });

  it('answers health and readiness', async () => {
    expect((await fetch(`${police.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${police.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', detail: { outboxPending: 0, bus: 'connected', outbox: 'writable', outboxWriteFailures: 0 } });
  });

  it('with nats-server stopped, answers 202 to 100 events, and after the restart stores all of them once and in order', async () => {
    const before = await messageCount();
    await nats.server.stop();
    const sent = Array.from({ length: 100 }, () => inspection());
    for (const event of sent) expect((await post(event)).status).toBe(202);
    expect(police.publisher.pending).toBe(100);

    await nats.server.restart();
    await police.publisher.whenDrained(20_000);
    await eventually(async () => ((await messageCount()) === before + 100 ? true : undefined));
    const stored = (await storedEvents()).slice(-100);
    expect(stored.map((event) => event.id)).toEqual(sent.map((event) => event.id));
  });
});
