import {
  buildEvent,
  catalog,
  decodeNatsMessage,
  encodeBinary,
  encodeStructured,
  MSG_ID_HEADER,
  STREAMS,
  type BusEvent,
  type NatsMessageParts,
} from '@lienganh/contracts';
import { AckPolicy } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { CloudEvent } from 'cloudevents';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

/**
 * Every catalog event, in both content modes, through a real JetStream and back:
 * what an agency publishes is what coordination reads.
 */
let nats: NatsFixture;
beforeAll(async () => {
  nats = await startNatsFixture();
});
afterAll(() => nats?.close());

const streamOf = (subject: string) =>
  Object.values(STREAMS).find((stream) => stream.subjects.some((pattern) => subject.startsWith(pattern.slice(0, -1))))!.name;

async function publish(subject: string, parts: NatsMessageParts): Promise<number> {
  const headers = natsHeaders();
  for (const [name, value] of Object.entries(parts.headers)) headers.set(name, value);
  const ack = await nats.js.publish(subject, parts.data, { headers });
  return ack.seq;
}

async function readBack(stream: string, seq: number): Promise<BusEvent> {
  const message = await nats.jsm.streams.getMessage(stream, { seq });
  expect(message).not.toBeNull();
  return decodeNatsMessage(message!.header, message!.data);
}

const events = catalog.map((definition) => [definition.type, buildEvent(definition, definition.example, { time: '2021-06-01T08:00:00+07:00' })] as const);

describe.each(events)('%s', (type, event) => {
  const definition = catalog.find((candidate) => candidate.type === type)!;

  it.each([
    ['binary', encodeBinary],
    ['structured', encodeStructured],
  ] as const)('round-trips in %s mode through JetStream and passes the cloudevents SDK', async (_mode, encode) => {
    const seq = await publish(definition.subject, encode(event));
    const decoded = await readBack(streamOf(definition.subject), seq);
    expect(decoded).toEqual(event);
    expect(new CloudEvent(decoded as never).validate()).toBe(true);
  });
});

it('stores a re-sent event once, and the same id from another source as another event (Nats-Msg-Id = eventKey)', async () => {
  const [, event] = events[0]!;
  const definition = catalog[0]!;
  const resent = { ...event, id: `dup-${event.id}` };
  const first = await nats.js.publish(definition.subject, encodeBinary(resent).data, { msgID: encodeBinary(resent).headers[MSG_ID_HEADER] });
  const second = await nats.js.publish(definition.subject, encodeBinary(resent).data, { msgID: encodeBinary(resent).headers[MSG_ID_HEADER] });
  expect(second.duplicate).toBe(true);
  expect(second.seq).toBe(first.seq);
  const otherUnit = { ...resent, source: `${resent.source}/002` }; // the same agency's unit of Quận Hoàn Kiếm
  const third = await nats.js.publish(definition.subject, encodeBinary(otherUnit).data, { msgID: encodeBinary(otherUnit).headers[MSG_ID_HEADER] });
  expect(third.duplicate).toBe(false);
});

it('delivers binary-mode events to a durable pull consumer with their headers', async () => {
  const definition = catalog.find((candidate) => candidate.type === 'vn.pcmd.police.case.opened.v1')!;
  const stream = STREAMS.agencyEvents.name;
  await nats.jsm.consumers.add(stream, { durable_name: 'roundtrip-check', ack_policy: AckPolicy.Explicit, filter_subject: definition.subject });
  const sent = buildEvent(definition, definition.example);
  await publish(definition.subject, encodeBinary(sent));

  const consumer = await nats.js.consumers.get(stream, 'roundtrip-check');
  const received: BusEvent[] = [];
  const messages = await consumer.fetch({ max_messages: 10, expires: 2_000 });
  for await (const message of messages) {
    received.push(decodeNatsMessage(message.headers, message.data));
    message.ack();
  }
  expect(received.at(-1)).toEqual(sent);
  expect(received.every((event) => event.type === definition.type)).toBe(true);
});
