import { buildEvent, decodeNatsMessage, encodeBinary, eventKey, policeCaseOpened, policeReferralMade, STREAMS, type BusEvent } from '@lienganh/contracts';
import {
  DEAD_LETTER_STREAM,
  DeadLetterHeaders,
  JetStreamEventConsumer,
  type ConsumerLogger,
  type EventConsumerOptions,
  type EventHandler,
} from '../src/consuming/event-consumer.js';
import { NatsServer } from '../src/nats/nats-server.js';
import { ensureStreams } from '../src/nats/streams.js';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { createHash } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The durable consumer against a real nats-server: retries, dead letters, concurrency, shutdown, restarts. */

const STREAM = STREAMS.agencyEvents.name;
let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const running: JetStreamEventConsumer[] = [];

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
});

afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

beforeEach(async () => {
  // Each test reads the streams from the start (DeliverPolicy.All): begin them empty.
  await jsm.streams.purge(STREAM);
  await jsm.streams.purge(DEAD_LETTER_STREAM);
  await jsm.streams.purge(STREAMS.refusals.name);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
});

const logs: string[] = [];
const logger: ConsumerLogger = { warn: (m) => logs.push(m), error: (m) => logs.push(m) };

async function startConsumer(options: Partial<EventConsumerOptions> & { name: string }, handler: EventHandler): Promise<JetStreamEventConsumer> {
  const consumer = new JetStreamEventConsumer(nc, { stream: STREAM, backoff: { initialMs: 20, maxMs: 100 }, logger, ...options }, handler);
  running.push(consumer);
  await consumer.start();
  return consumer;
}

let counter = 0;
function referral(): BusEvent {
  counter += 1;
  return buildEvent(policeReferralMade, policeReferralMade.example, { id: `referral-${counter}` });
}

async function publish(event: BusEvent, subject = policeReferralMade.subject): Promise<number> {
  const { headers, data } = encodeBinary(event);
  const h = natsHeaders();
  for (const [name, value] of Object.entries(headers)) h.set(name, value);
  return (await js.publish(subject, data, { headers: h })).seq;
}

/** Polls a condition until it holds or the deadline passes: no fixed sleeps. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs.slice(-10).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const deadLetters = async () => (await jsm.streams.info(DEAD_LETTER_STREAM)).state.messages;
const settled = (name: string) => async () => {
  const info = await jsm.consumers.info(STREAM, name);
  return info.num_pending === 0 && info.num_ack_pending === 0;
};

/** A gate each handler call waits on, opened by the test. */
function gates() {
  const waiting: (() => void)[] = [];
  return {
    waiting,
    wait: () => new Promise<void>((resolve) => waiting.push(resolve)),
    openAll: () => waiting.splice(0).forEach((open) => open()),
  };
}

describe('JetStreamEventConsumer', () => {
  it('dead-letters a message whose handler keeps failing, after maxDeliveries, while the others are processed', async () => {
    const bad = referral();
    const goods = [referral(), referral(), referral(), referral()];
    const badSeq = await publish(bad);
    for (const event of goods) await publish(event);

    const calls: string[] = [];
    const handled = new Set<string>();
    await startConsumer({ name: 'always-fails', filterSubject: policeReferralMade.subject, maxDeliveries: 3, backoff: { initialMs: 100, maxMs: 400 } }, async (event, context) => {
      calls.push(`${event.id}#${context.deliveryCount}`);
      if (event.id === bad.id) throw new Error('projection rejected the event');
      handled.add(event.id);
    });

    await waitFor('the good events and one dead letter', async () => handled.size === goods.length && (await deadLetters()) === 1);
    expect(calls.filter((call) => call.startsWith(`${bad.id}#`))).toEqual([`${bad.id}#1`, `${bad.id}#2`, `${bad.id}#3`]);
    // The others did not wait for the failing one's retries.
    expect(calls.indexOf(`${goods[0]!.id}#1`)).toBeLessThan(calls.indexOf(`${bad.id}#2`));

    const stored = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { last_by_subj: 'pcmd.dead-letter.always-fails' });
    expect(stored).not.toBeNull();
    const header = stored!.header;
    expect(header.get(DeadLetterHeaders.reason)).toBe('handler failed: Error: projection rejected the event');
    expect(header.get(DeadLetterHeaders.consumer)).toBe('always-fails');
    expect(header.get(DeadLetterHeaders.originalSubject)).toBe(policeReferralMade.subject);
    expect(header.get(DeadLetterHeaders.originalSequence)).toBe(String(badSeq));
    expect(header.get(DeadLetterHeaders.originalStream)).toBe(STREAM);
    expect(header.get(DeadLetterHeaders.deliveries)).toBe('3');
    expect(header.get(DeadLetterHeaders.originalMsgId)).toBe(eventKey(bad));
    // Same data and ce- headers (the Lienganh-* ones are the dead-letter stream's, outside the binding).
    const binding = Object.fromEntries(header.keys().filter((key) => /^(ce-|content-type$)/i.test(key)).map((key) => [key, header.get(key)]));
    expect(decodeNatsMessage(binding, stored!.data)).toEqual(bad);

    // Terminated, not redelivered again.
    await waitFor('the consumer to settle', settled('always-fails'));
  });

  it('dead-letters an undecodable (poison) message at once, without calling the handler', async () => {
    await js.publish(policeCaseOpened.subject, 'not a cloud event'); // no ce- headers at all
    const invalid = encodeBinary(buildEvent(policeCaseOpened, policeCaseOpened.example));
    const h = natsHeaders();
    for (const [name, value] of Object.entries(invalid.headers)) h.set(name, value);
    await js.publish(policeCaseOpened.subject, JSON.stringify({ caseId: 'x', phone: '0912345678' }), { headers: h }); // fails the schema
    const good = buildEvent(policeCaseOpened, policeCaseOpened.example, { id: 'case-good' });
    await publish(good, policeCaseOpened.subject);

    const seen: string[] = [];
    await startConsumer({ name: 'poison', filterSubject: 'pcmd.events.police.>', maxDeliveries: 5 }, async (event) => {
      seen.push(event.id);
    });

    await waitFor('two dead letters and the good event', async () => seen.length === 1 && (await deadLetters()) === 2);
    expect(seen).toEqual(['case-good']);
    const firstSeq = (await jsm.streams.info(DEAD_LETTER_STREAM)).state.first_seq;
    for (const seq of [firstSeq, firstSeq + 1]) {
      const stored = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq });
      expect(stored!.subject).toBe('pcmd.dead-letter.poison');
      expect(stored!.header.get(DeadLetterHeaders.deliveries)).toBe('1');
      expect(stored!.header.get(DeadLetterHeaders.reason)).toMatch(/^undecodable message: /);
    }
    // Never the body (ADR 0014): the reasons and its SHA-256.
    const first = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: firstSeq });
    expect(first!.json()).toMatchObject({ bodySha256: sha256('not a cloud event'), bodyBytes: 17, removed: false, reasons: [{ path: 'headers', message: expect.stringContaining('not a CloudEvent') }] });
    expect(first!.string()).not.toContain('not a cloud event');
    expect(first!.header.get(DeadLetterHeaders.reason)).toContain('not a CloudEvent');
    expect(first!.header.get(DeadLetterHeaders.bodySha256)).toBe(sha256('not a cloud event'));
    const second = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: firstSeq + 1 });
    // The reason names the offending field, never its value (it may be personal data).
    expect(second!.header.get(DeadLetterHeaders.reason)).toContain('data.phone');
    expect(second!.header.get(DeadLetterHeaders.reason)).not.toContain('0912345678');
    expect(second!.string()).not.toContain('0912345678');
    // Only the identity attributes that passed their checks; no other header of the original.
    expect(second!.header.get('ce-id')).toBe(invalid.headers['ce-id']);
    expect(second!.header.get('ce-type')).toBe(policeCaseOpened.type);
    expect(second!.header.get('ce-subject')).toBe('');
    expect(second!.header.get('ce-time')).toBe('');
    await waitFor('the consumer to settle', settled('poison'));
  });

  it('dead-letters an event dated before 2000 or more than a day after the stream stored it, naming time, without calling the handler', async () => {
    // What a producer publishing on NATS directly may send (ADR 0010, rule 11); a service's own publisher is checked at ingestion.
    const event = (id: string, time: string) => ({ ...buildEvent(policeCaseOpened, policeCaseOpened.example, { id }), time });
    await publish(event('case-9999', '9999-12-31T23:59:59Z'), policeCaseOpened.subject);
    await publish(event('case-1999', '1999-12-31T23:59:59Z'), policeCaseOpened.subject);
    await publish(event('case-tomorrow', new Date(Date.now() + 25 * 3_600_000).toISOString()), policeCaseOpened.subject);
    await publish(event('case-soon', new Date(Date.now() + 23 * 3_600_000).toISOString()), policeCaseOpened.subject);
    await publish(event('case-2000', '2000-01-01T00:00:00Z'), policeCaseOpened.subject);

    const seen: string[] = [];
    await startConsumer({ name: 'time-range', filterSubject: 'pcmd.events.police.>', maxDeliveries: 5 }, async (handled) => {
      seen.push(handled.id);
    });

    await waitFor('two events handled and three dead letters', async () => seen.length === 2 && (await deadLetters()) === 3);
    expect(seen).toEqual(['case-soon', 'case-2000']);
    const firstSeq = (await jsm.streams.info(DEAD_LETTER_STREAM)).state.first_seq;
    const reasons: string[] = [];
    for (const seq of [firstSeq, firstSeq + 1, firstSeq + 2]) {
      const stored = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq });
      reasons.push(`${stored!.header.get('ce-id')}: ${stored!.header.get(DeadLetterHeaders.reason)}`);
    }
    expect(reasons).toEqual([
      expect.stringMatching(/^case-9999: rejected: time: must not be more than 24 hours after the receiving service's clock/),
      'case-1999: undecodable message: time: must be 2000-01-01T00:00:00Z or later (events before 2000 are refused)',
      expect.stringMatching(/^case-tomorrow: rejected: time: must not be more than 24 hours after/),
    ]);
    await waitFor('the consumer to settle', settled('time-range'));
  });

  it('refuses, without calling the handler, an event whose type, source and subject name different producers, or whose subject has tokens of its own', async () => {
    await publish(buildEvent(policeCaseOpened, policeCaseOpened.example, { id: 'case-labour-source', source: '/pcmd/labour' }), policeCaseOpened.subject);
    await publish(buildEvent(policeCaseOpened, policeCaseOpened.example, { id: 'case-extra-token' }), `${policeCaseOpened.subject}.x`);
    await publish(buildEvent(policeCaseOpened, policeCaseOpened.example, { id: 'case-fine' }), policeCaseOpened.subject);
    const seen: string[] = [];
    await startConsumer({ name: 'provenance', filterSubject: 'pcmd.events.police.>' }, async (event) => void seen.push(event.id));
    await waitFor('one event handled and two dead letters', async () => seen.length === 1 && (await deadLetters()) === 2);
    expect(seen).toEqual(['case-fine']);
    const firstSeq = (await jsm.streams.info(DEAD_LETTER_STREAM)).state.first_seq;
    const reasons = [];
    for (const seq of [firstSeq, firstSeq + 1]) reasons.push((await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq }))!.json<{ reasons: { path: string }[] }>().reasons[0]!.path);
    expect(reasons).toEqual(['source', 'subject']);
  });

  it('with removeRefused: tells the producer and removes what it refuses from the stream, once, however many consumers refuse it', async () => {
    const withPhone = encodeBinary(buildEvent(policeCaseOpened, policeCaseOpened.example, { id: 'case-phone' }));
    const phoneHeaders = natsHeaders();
    for (const [name, value] of Object.entries(withPhone.headers)) phoneHeaders.set(name, value);
    const phoneSeq = (await js.publish(policeCaseOpened.subject, JSON.stringify({ ...policeCaseOpened.example, phone: '0912345678' }), { headers: phoneHeaders })).seq;
    const named = encodeBinary(buildEvent(policeCaseOpened, policeCaseOpened.example, { id: 'case-named' }));
    const namedHeaders = natsHeaders();
    for (const [name, value] of Object.entries(named.headers)) namedHeaders.set(name, value);
    namedHeaders.set('X-Person-Name', 'Nguyen Thi Hoa');
    const namedSeq = (await js.publish(policeCaseOpened.subject, named.data, { headers: namedHeaders })).seq;
    const goodSeq = await publish(buildEvent(policeCaseOpened, policeCaseOpened.example, { id: 'case-kept' }), policeCaseOpened.subject);

    // Two gates on the same messages (two replicas' consumers): each refuses, removes, tells.
    const seen: string[] = [];
    for (const name of ['gate-a', 'gate-b']) await startConsumer({ name, filterSubject: 'pcmd.events.police.>', removeRefused: true }, async (event) => void seen.push(event.id));
    const gone = async (seq: number) => (await jsm.streams.getMessage(STREAM, { seq }).catch(() => null)) === null;
    await waitFor('both refused messages gone from the stream', async () => (await gone(phoneSeq)) && (await gone(namedSeq)) && seen.length === 2);
    await waitFor('both gates settled', async () => (await settled('gate-a')()) && (await settled('gate-b')()));
    expect(await gone(goodSeq)).toBe(false);
    expect(seen).toEqual(['case-kept', 'case-kept']);

    // One refusal and one dead-letter record per message, whichever gate was first.
    expect((await jsm.streams.info(STREAMS.refusals.name)).state.messages).toBe(2);

    expect(await deadLetters()).toBe(2);
    const refusals = [];
    const firstRefusal = (await jsm.streams.info(STREAMS.refusals.name)).state.first_seq;
    for (const seq of [firstRefusal, firstRefusal + 1]) {
      const stored = await jsm.streams.getMessage(STREAMS.refusals.name, { seq });
      expect(stored!.subject).toBe('pcmd.refusals.police');
      expect(stored!.header.get('ce-type')).toBe('vn.pcmd.refusal.event.refused.v1');
      expect(stored!.string()).not.toMatch(/0912345678|Hoa/);
      refusals.push(stored!.json<{ sequence: number; removed: boolean; event: { id?: string }; reasons: { path: string }[] }>());
    }
    expect(refusals.map(({ sequence, removed, event, reasons }) => ({ sequence, removed, id: event.id, paths: reasons.map((reason) => reason.path) })).sort((a, b) => a.sequence - b.sequence)).toEqual([
      { sequence: phoneSeq, removed: true, id: 'case-phone', paths: ['data.phone'] },
      { sequence: namedSeq, removed: true, id: 'case-named', paths: ['headers.X-Person-Name'] },
    ]);
  });

  it('never runs more than `concurrency` handlers at once', async () => {
    const total = 10;
    for (let i = 0; i < total; i++) await publish(referral());
    const gate = gates();
    let active = 0;
    let maxActive = 0;
    let done = 0;
    await startConsumer({ name: 'bounded', concurrency: 3, pullBatch: 6 }, async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await gate.wait();
      active -= 1;
      done += 1;
    });

    while (done < total) {
      const expected = Math.min(3, total - done);
      await waitFor(`${expected} handlers in flight`, () => gate.waiting.length === expected);
      // Give the client every chance to hand out a fourth message before releasing.
      await nc.flush();
      expect(active).toBeLessThanOrEqual(3);
      const finished = done + expected;
      gate.openAll();
      await waitFor('the released handlers to finish', () => done === finished);
    }
    expect(maxActive).toBe(3);
    await waitFor('all acked', settled('bounded'));
  });

  it('stops gracefully: stops pulling, waits for the handlers in flight, and acks them', async () => {
    const first = referral();
    const second = referral();
    await publish(first);
    const lastSeq = await publish(second);
    const gate = gates();
    const order: string[] = [];
    const consumer = await startConsumer({ name: 'graceful', concurrency: 2 }, async (event) => {
      await gate.wait();
      order.push(`handled ${event.id}`);
    });
    await waitFor('both handlers in flight', () => gate.waiting.length === 2);

    const stopped = consumer.stop().then(() => order.push('stopped'));
    await nc.flush();
    expect(order).toEqual([]); // still waiting for the handlers
    gate.openAll();
    await stopped;
    expect(order.slice(-1)).toEqual(['stopped']);
    expect(order).toHaveLength(3);

    await waitFor('the acks to be applied', async () => {
      const info = await jsm.consumers.info(STREAM, 'graceful');
      return info.num_ack_pending === 0 && info.ack_floor.stream_seq === lastSeq;
    });
    // Nothing pulls any more: a new event stays pending for the next start.
    await publish(referral());
    await nc.flush();
    const info = await jsm.consumers.info(STREAM, 'graceful');
    expect(info.num_pending).toBe(1);
    expect(info.num_ack_pending).toBe(0);
  });

  it('keeps consuming across a nats-server restart', async () => {
    const handled: string[] = [];
    await startConsumer({ name: 'survivor', pullExpiresMs: 2_000 }, async (event) => {
      handled.push(event.id);
    });
    const before = referral();
    await publish(before);
    await waitFor('the event before the restart', () => handled.includes(before.id));

    const reconnected = (async () => {
      for await (const status of nc.status()) if (status.type === 'reconnect') return;
    })();
    await server.restart();
    await reconnected;
    const after = referral();
    await publish(after);
    await waitFor('the event after the restart', () => handled.includes(after.id), 20_000);
    await waitFor('all acked', settled('survivor'));
  });

  it('recreates its durable consumer when it is deleted under it', async () => {
    const handled: string[] = [];
    await startConsumer({ name: 'recreated' }, async (event) => {
      handled.push(event.id);
    });
    await jsm.consumers.delete(STREAM, 'recreated');
    const event = referral();
    await publish(event);
    await waitFor('the event after the deletion', () => handled.includes(event.id), 20_000);
  });

  it('updates an existing durable consumer instead of failing', async () => {
    const first = await startConsumer({ name: 'reused', ackWaitMs: 10_000 }, async () => undefined);
    await first.stop();
    await startConsumer({ name: 'reused', ackWaitMs: 20_000, maxAckPending: 50 }, async () => undefined);
    const info = await jsm.consumers.info(STREAM, 'reused');
    expect(info.config.ack_wait).toBe(20_000 * 1_000_000);
    expect(info.config.max_ack_pending).toBe(50);
  });
});
