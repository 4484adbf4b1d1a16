import { fileURLToPath } from 'node:url';
import { buildEvent, encodeBinary, eventKey, MSG_ID_HEADER, policeReferralMade, policeInspectionCompleted, STREAMS, type BusEvent } from '@lienganh/contracts';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { replayEvents } from '../src/consuming/replay.js';
import { connectToNats } from '../src/nats/nats-connection.js';
import { createNatsKeys, natsKeysEnv } from '../src/nats/nats-keys.js';
import { NatsServer } from '../src/nats/nats-server.js';
import { ensureStreams } from '../src/nats/streams.js';

/**
 * Replays at start through a consumer of a fixed name, as an agency's permissions require:
 * against the real server running deploy/nats/server.conf, as labour, whose permissions name
 * `labour-referrals-from-police-replay` and no other replay.
 */

const STREAM = STREAMS.agencyEvents.name;
const REPLAY = 'labour-referrals-from-police-replay';
const keys = createNatsKeys();
let server: NatsServer;
let operator: NatsConnection;
let labour: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  server = await NatsServer.start({ args: ['-c', fileURLToPath(new URL('../../../deploy/nats/server.conf', import.meta.url))], env: natsKeysEnv(keys) });
  operator = await connectToNats({ servers: server.url, name: 'operator', identity: 'operator', seed: keys.operator.seed, reconnectForever: false });
  labour = await connectToNats({ servers: server.url, name: 'labour', identity: 'labour', seed: keys.labour.seed, reconnectForever: false });
  jsm = await jetstreamManager(operator);
  await ensureStreams(jsm);
  // Referrals with other agencies' events between them: the filter picks the referrals only.
  for (let index = 1; index <= 30; index++) {
    await publish(buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: `cg-${index}` }, { id: `cg-${index}` }));
    await publish(buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${index}` }, { id: `kt-${index}` }));
  }
});
afterAll(async () => {
  await labour?.close();
  await operator?.close();
  await server?.dispose();
});

async function publish(event: BusEvent): Promise<void> {
  const { headers, data } = encodeBinary(event);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  await jetstream(operator).publish(findSubject(event), data, { headers: natsHeadersOf, msgID: eventKey(event) });
}
const findSubject = (event: BusEvent) => (event.type === policeReferralMade.type ? policeReferralMade.subject : policeInspectionCompleted.subject);

async function consumerNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const info of jsm.consumers.list(STREAM)) names.push(info.name);
  return names;
}

it('reads every event on its subject, in order, through the named consumer, and removes the consumer afterwards', async () => {
  const ids: string[] = [];
  const count = await replayEvents(labour, STREAM, policeReferralMade.subject, (event) => ids.push(event.id), { consumerName: REPLAY });

  expect(count).toBe(30);
  expect(ids).toEqual(Array.from({ length: 30 }, (_, index) => `cg-${index + 1}`));
  expect(await consumerNames()).not.toContain(REPLAY);
});

it('reads from a checkpoint up to a bound', async () => {
  const seqs: number[] = [];
  await replayEvents(labour, STREAM, policeReferralMade.subject, (_, seq) => seqs.push(seq), { consumerName: REPLAY, fromSeq: 21, toSeq: 40 });

  // Referrals are the odd sequences: 21, 23, … 39.
  expect(seqs).toEqual(Array.from({ length: 10 }, (_, index) => 21 + 2 * index));
});

it('replaces a consumer of the same name that a crashed start left behind', async () => {
  await jsm.consumers.add(STREAM, { name: REPLAY, filter_subject: policeReferralMade.subject, ack_policy: AckPolicy.None, opt_start_seq: 59, deliver_policy: DeliverPolicy.StartSequence });

  expect(await replayEvents(labour, STREAM, policeReferralMade.subject, () => undefined, { consumerName: REPLAY })).toBe(30);
});

it('is refused by the server under a name the permissions do not give the identity', async () => {
  await expect(replayEvents(labour, STREAM, policeReferralMade.subject, () => undefined, { consumerName: 'labour-peek' })).rejects.toThrow(
    /Permissions Violation for Publish to "\$JS\.API\.CONSUMER\.(DELETE|CREATE)\.PCMD_AGENCY_EVENTS\.labour-peek/,
  );
});

it('skips, as the durable consumers dead-letter, an event dated more than a day after the stream stored it', async () => {
  await publish(buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-future' }, { id: 'cg-future', time: '9999-12-31T23:59:59Z' }));
  await publish(buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId: 'cg-31' }, { id: 'cg-31' }));
  const ids: string[] = [];
  expect(await replayEvents(labour, STREAM, policeReferralMade.subject, (event) => ids.push(event.id), { consumerName: REPLAY })).toBe(31);
  expect(ids.slice(-2)).toEqual(['cg-30', 'cg-31']);
});
