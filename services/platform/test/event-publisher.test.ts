import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DurableOutbox, ensureStreams, JetStreamEventPublisher, NatsServer, PublisherClosedError } from '@lienganh/platform';
import { ContractError, decodeNatsMessage, encodeBinary, eventKey, MSG_ID_HEADER, policeCaseOpened } from '@lienganh/contracts';
import { AGENCY_STREAM, caseOpenedEvents, connectForever, lastSeq, storedIds } from './support/publishing.js';

let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let workDir: string;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connectForever(server.url);
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  workDir = await mkdtemp(join(tmpdir(), 'lienganh-publisher-'));
});

afterAll(async () => {
  await nc?.close();
  await server?.dispose();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** A publisher on a fresh outbox, with short timeouts so that an outage is noticed quickly. */
async function openPublisher(name: string): Promise<{ publisher: JetStreamEventPublisher; outbox: DurableOutbox; close(): Promise<void> }> {
  const outbox = await DurableOutbox.open(join(workDir, name));
  const publisher = new JetStreamEventPublisher(nc, outbox, { ackTimeoutMs: 500, retryBackoffMs: [50, 100, 200, 400] });
  publisher.start();
  return {
    publisher,
    outbox,
    async close() {
      await publisher.close();
      await outbox.close();
    },
  };
}

async function storedSources(after: number): Promise<string[]> {
  const sources: string[] = [];
  for (let seq = after + 1; seq <= (await lastSeq(jsm)); seq++) {
    const message = await jsm.streams.getMessage(AGENCY_STREAM, { seq });
    if (message) sources.push(decodeNatsMessage(message.header, message.data).source);
  }
  return sources;
}

describe('JetStreamEventPublisher', () => {
  it('publishes straight to the stream while NATS is up, in order', async () => {
    const { publisher, close } = await openPublisher('direct');
    const before = await lastSeq(jsm);
    const events = caseOpenedEvents('direct', 20);
    await Promise.all(events.map((event) => publisher.publish([event])));
    expect(publisher.pending).toBe(0);
    expect(await storedIds(jsm, before)).toEqual(events.map((event) => event.id));
    await close();
  });

  it('accepts 100 events with the server stopped and stores all of them, once and in order, after the restart', async () => {
    const { publisher, close } = await openPublisher('outage');
    const before = await lastSeq(jsm);
    await server.stop();

    const events = caseOpenedEvents('outage', 100);
    await Promise.all(events.map((event) => publisher.publish([event])));
    expect(publisher.pending).toBe(100);

    await server.restart();
    // Events published while the outbox drains queue behind it instead of overtaking it.
    const late = caseOpenedEvents('outage', 20, 100);
    await publisher.publish(late.slice(0, 10));
    await publisher.whenDrained(20_000);
    await publisher.publish(late.slice(10));

    expect(await storedIds(jsm, before)).toEqual([...events, ...late].map((event) => event.id));
    await close();
  });

  it('stores an event id once, however often and by whichever path it is published', async () => {
    const { publisher, close } = await openPublisher('dedup');
    const before = await lastSeq(jsm);
    const [event] = caseOpenedEvents('dedup', 1);
    await publisher.publish([event!]);
    await publisher.publish([event!]);

    await server.stop();
    await publisher.publish([event!]); // to the outbox
    expect(publisher.pending).toBe(1);
    await server.restart();
    await publisher.whenDrained(20_000);

    expect(await storedIds(jsm, before)).toEqual([event!.id]);
    await close();
  });

  it('stores the same id from two units twice, also from the outbox, and tells every acknowledgement by eventKey', async () => {
    const outbox = await DurableOutbox.open(join(workDir, 'identity'));
    const acks: string[] = [];
    const publisher = new JetStreamEventPublisher(nc, outbox, { ackTimeoutMs: 500, retryBackoffMs: [50, 100, 200, 400], onAcknowledged: (key, duplicate) => acks.push(`${key}${duplicate ? ' duplicate' : ''}`) });
    const before = await lastSeq(jsm);
    const [event] = caseOpenedEvents('identity', 1);
    const unitA = { ...event!, source: '/pcmd/police/001' };
    const unitB = { ...event!, source: '/pcmd/police/002' };
    // An entry an earlier version left in the outbox, with the bare id as its message id.
    const legacy = encodeBinary(unitB);
    await outbox.append([{ subject: policeCaseOpened.subject, headers: { ...legacy.headers, [MSG_ID_HEADER]: unitB.id }, data: legacy.data }]);
    publisher.start();
    await publisher.whenDrained(20_000);
    await publisher.publish([unitA]);
    await publisher.publish([unitB]);

    expect(await storedSources(before)).toEqual(['/pcmd/police/002', '/pcmd/police/001']);
    expect(acks).toEqual([eventKey(unitB), eventKey(unitA), `${eventKey(unitB)} duplicate`]);
    await publisher.close();
    await outbox.close();
  });

  it('on close, leaves what it could not send on disk for the next publisher on the same directory', async () => {
    let { publisher, outbox, close } = await openPublisher('handover');
    const before = await lastSeq(jsm);
    await server.stop();
    const events = caseOpenedEvents('handover', 10);
    await publisher.publish(events);
    await close();
    await expect(publisher.publish(events)).rejects.toThrow(PublisherClosedError);
    expect(outbox.size).toBe(10);

    await server.restart();
    ({ publisher, close } = await openPublisher('handover'));
    expect(publisher.pending).toBe(10);
    await publisher.whenDrained(20_000);
    expect(await storedIds(jsm, before)).toEqual(events.map((event) => event.id));
    await close();
  });

  it('falls back to the outbox when no stream answers, and retries until one does', async () => {
    const { publisher, close } = await openPublisher('no-stream');
    await jsm.streams.delete(AGENCY_STREAM);
    const events = caseOpenedEvents('no-stream', 5);
    await publisher.publish(events);
    expect(publisher.pending).toBe(5);

    await ensureStreams(jsm);
    await publisher.whenDrained(20_000);
    expect(await storedIds(jsm, 0)).toEqual(events.map((event) => event.id));
    await close();
  });

  it('does not accept an event the catalog does not know', async () => {
    const { publisher, close } = await openPublisher('unknown');
    const [event] = caseOpenedEvents('unknown', 1);
    await expect(publisher.publish([{ ...event!, type: 'vn.pcmd.police.nothing.v1' }])).rejects.toThrow(ContractError);
    expect(publisher.pending).toBe(0);
    await close();
  });
});
