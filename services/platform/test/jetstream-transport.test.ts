import 'reflect-metadata';
import {
  buildEvent,
  encodeBinary,
  getEventDefinition,
  policeBusinessRegistered,
  policeCaseOpened,
  policeReferralMade,
  STREAMS,
  type BusEvent,
} from '@lienganh/contracts';
import { DEAD_LETTER_STREAM, DeadLetterHeaders } from '../src/consuming/event-consumer.js';
import {
  EventPatternMismatchError,
  JetStreamClientProxy,
  JetStreamContext,
  JetStreamTransport,
  RequestResponseNotSupportedError,
  type PublishEvents,
} from '../src/consuming/jetstream.transport.js';
import { NatsServer } from '../src/nats/nats-server.js';
import { ensureStreams } from '../src/nats/streams.js';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, RpcException } from '@nestjs/microservices';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';

/** The NestJS custom transport over a real nats-server: @EventPattern handlers fed by JetStream. */

const STREAM = STREAMS.agencyEvents.name;
const CONSUMER = 'nest-police';
let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url, reconnect: true, maxReconnectAttempts: -1 });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
});

afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

const received: { event: BusEvent; subject: string; deliveryCount: number; consumer: string }[] = [];

// `<string>` picks Nest 12's untyped overload: the typed one would demand `unknown` for @Ctx().
@Controller()
class ReferralController {
  @EventPattern<string>(policeReferralMade.type)
  async onReferral(@Payload() event: BusEvent, @Ctx() context: JetStreamContext): Promise<void> {
    received.push({ event, subject: context.getSubject(), deliveryCount: context.getDeliveryCount(), consumer: context.getConsumer() });
  }

  @EventPattern<string>(policeCaseOpened.type)
  async onCase(): Promise<void> {
    throw new RpcException('case register is read-only');
  }
}

@Module({ controllers: [ReferralController] })
class ReferralModule {}

/** What the platform's publisher does, in short: binary mode onto the event's subject. */
const publishToJetStream: PublishEvents = async (events) => {
  for (const event of events) {
    const { headers, data } = encodeBinary(event);
    const h = natsHeaders();
    for (const [name, value] of Object.entries(headers)) h.set(name, value);
    await js.publish(getEventDefinition(event.type).subject, data, { headers: h });
  }
};

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('JetStreamTransport', () => {
  let app: INestMicroservice;

  beforeAll(async () => {
    app = await NestFactory.createMicroservice(ReferralModule, {
      logger: false,
      strategy: new JetStreamTransport({
        connection: nc,
        consumers: [{ stream: STREAM, name: CONSUMER, filterSubject: 'pcmd.events.police.>', maxDeliveries: 2, backoff: { initialMs: 10, maxMs: 20 } }],
      }),
    });
    await app.listen();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('hands an event published in binary mode to its @EventPattern handler', async () => {
    const event = buildEvent(policeReferralMade, policeReferralMade.example, { id: 'nest-referral-1' });
    const { headers, data } = encodeBinary(event);
    const h = natsHeaders();
    for (const [name, value] of Object.entries(headers)) h.set(name, value);
    await js.publish(policeReferralMade.subject, data, { headers: h });

    await waitFor('the handler', () => received.some((entry) => entry.event.id === event.id));
    const entry = received.find((candidate) => candidate.event.id === event.id)!;
    expect(entry.event).toEqual(event);
    expect(entry).toMatchObject({ subject: policeReferralMade.subject, deliveryCount: 1, consumer: CONSUMER });
  });

  it('acks and ignores an event type no handler is registered for', async () => {
    const event = buildEvent(policeBusinessRegistered, policeBusinessRegistered.example, { id: 'nest-unhandled-1' });
    const { headers, data } = encodeBinary(event);
    const h = natsHeaders();
    for (const [name, value] of Object.entries(headers)) h.set(name, value);
    const { seq } = await js.publish(policeBusinessRegistered.subject, data, { headers: h });
    await waitFor('the consumer to ack it', async () => {
      const info = await jsm.consumers.info(STREAM, CONSUMER);
      return info.num_ack_pending === 0 && info.ack_floor.stream_seq >= seq;
    });
    expect(received.some((entry) => entry.event.id === event.id)).toBe(false);
  });

  it('retries a failing handler and then dead-letters the event with the RpcException as reason', async () => {
    const event = buildEvent(policeCaseOpened, policeCaseOpened.example, { id: 'nest-case-1' });
    await publishToJetStream([event]);
    const subject = `pcmd.dead-letter.${CONSUMER}`;
    await waitFor('the dead letter', async () => (await jsm.streams.info(DEAD_LETTER_STREAM)).state.messages > 0);
    const stored = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { last_by_subj: subject });
    expect(stored!.header.get('ce-id')).toBe(event.id);
    expect(stored!.header.get(DeadLetterHeaders.reason)).toBe('handler failed: case register is read-only');
    expect(stored!.header.get(DeadLetterHeaders.deliveries)).toBe('2');
  });

  it('receives what JetStreamClientProxy.emit publishes through the injected function', async () => {
    const published: BusEvent[] = [];
    const client = new JetStreamClientProxy({
      publish: async (events) => {
        published.push(...events);
        await publishToJetStream(events);
      },
    });
    const event = buildEvent(policeReferralMade, policeReferralMade.example, { id: 'nest-emitted-1' });
    await lastValueFrom(client.emit(event.type, event), { defaultValue: undefined });
    expect(published).toEqual([event]);
    await waitFor('the handler', () => received.some((entry) => entry.event.id === event.id));
    await client.close();
  });
});

describe('JetStreamClientProxy', () => {
  const event = buildEvent(policeReferralMade, policeReferralMade.example, { id: 'client-1' });

  it('publishes the event through the injected function and completes once it resolves', async () => {
    const calls: BusEvent[][] = [];
    const client = new JetStreamClientProxy({ publish: async (events) => void calls.push(events) });
    await lastValueFrom(client.emit(event.type, event), { defaultValue: undefined });
    expect(calls).toEqual([[event]]);
  });

  it('fails the emit when publishing fails', async () => {
    const client = new JetStreamClientProxy({ publish: () => Promise.reject(new Error('outbox full')) });
    await expect(lastValueFrom(client.emit(event.type, event))).rejects.toThrow('outbox full');
  });

  it('rejects a pattern that is not the event type, and request/response', async () => {
    const client = new JetStreamClientProxy({ publish: async () => undefined });
    await expect(lastValueFrom(client.emit('vn.pcmd.police.case.opened.v1', event))).rejects.toThrow(EventPatternMismatchError);
    await expect(lastValueFrom(client.send(event.type, event))).rejects.toThrow(RequestResponseNotSupportedError);
  });
});
