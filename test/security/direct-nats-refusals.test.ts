import { createHash } from 'node:crypto';
import { buildEvent, encodeBinary, eventKey, MSG_ID_HEADER, policeInspectionCompleted, reportingActivityHeld, STREAMS, type BusEvent } from '@lienganh/contracts';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { connectToNats } from '@lienganh/platform';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nkeyAuthenticator, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue 19, the direct NATS path (ADR 0014): a body publishing straight on NATS with its own
 * nkey gets a positive PubAck for an invalid event (JetStream stores what it is given), but
 * within 10 seconds the event is gone from every stream, nothing of it kept but a digest and
 * the reasons, and the body reads on its own subject a refusal naming the field, never the
 * value. A valid event still reaches coordination as before.
 */

const BODY = 'red-cross';
const PHONE = '0912.345.678';
const NAME = 'Nguyen Thi Hoa';

let nats: NatsFixture;
let coordination: RunningCoordinationService;
let body: NatsConnection;
let issued: { natsSeed: string; natsInboxPrefix: string; source: string; natsRefusals: { subject: string; stream: string; consumer: string } };

beforeAll(async () => {
  // The body's try at another body's refusals is refused on purpose (checked at the end).
  nats = await startNatsFixture({ bodies: true, expectPermissionViolations: true });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS });
  const bodies = `${coordination.url}/api/v1/bodies`;
  expect((await postJson(bodies, { code: BODY, title: { vi: 'Hội Chữ thập đỏ thành phố', en: 'City Red Cross' }, kind: 'mass-organisation' }, tokens.secretariat)).status).toBe(201);
  const answer = await postJson(`${bodies}/${BODY}/credentials`, {}, tokens.secretariat);
  expect(answer.status).toBe(201);
  issued = answer.body;
  expect(issued.natsRefusals).toEqual({ subject: `pcmd.refusals.reporting.${BODY}`, stream: 'PCMD_REFUSALS', consumer: `refusals-reporting-${BODY}` });
  // The server learns the new user by a reload: the connection succeeds once it has.
  body = await eventually(
    () =>
      connect({
        servers: nats.server.url,
        authenticator: nkeyAuthenticator(new TextEncoder().encode(issued.natsSeed)),
        inboxPrefix: issued.natsInboxPrefix,
        maxReconnectAttempts: 0,
        timeout: 1_000,
      }).catch(() => undefined),
    5_000,
  );
});

afterAll(async () => {
  await body?.close().catch(() => undefined);
  await coordination?.close();
  await nats?.close();
});

const activity = (id: string, extra: Record<string, unknown> = {}): BusEvent =>
  buildEvent(reportingActivityHeld, { ...reportingActivityHeld.example, activityId: id, organiser: BODY }, { id, source: issued.source, time: '2026-04-02T09:00:00+07:00', ...extra });
const subject = `pcmd.events.reporting.${BODY}.activity.held`;

/** What a body's own system does: binary mode, its own headers, straight to its subject. */
async function publishDirect(headers: Record<string, string>, data: Uint8Array): Promise<{ seq: number; at: number }> {
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  const at = Date.now();
  const ack = await jetstream(body).publish(subject, data, { headers: natsHeadersOf, timeout: 5_000 });
  // The positive PubAck the issue found: JetStream stores first, the backbone refuses after.
  expect(ack.stream).toBe(STREAMS.agencyEvents.name);
  return { seq: ack.seq, at };
}

interface Refusal {
  sequence: number;
  removed: boolean;
  bodySha256: string;
  event: { id?: string; source?: string; type?: string };
  reasons: { path: string; message: string }[];
  message: { vi: string; en: string };
}

/** The body reads its refusals through the one durable consumer its permissions name. */
async function readRefusals(count: number): Promise<{ subject: string; refusal: Refusal; headers: MsgHdrs }[]> {
  const jsm = await jetstreamManager(body);
  const { stream, consumer, subject: refusals } = issued.natsRefusals;
  await jsm.consumers.add(stream, { durable_name: consumer, filter_subject: refusals, ack_policy: AckPolicy.Explicit });
  const reader = await jetstream(body).consumers.get(stream, consumer);
  const read: { subject: string; refusal: Refusal; headers: MsgHdrs }[] = [];
  const deadline = Date.now() + 10_000;
  while (read.length < count && Date.now() < deadline) {
    const message = await reader.next({ expires: 2_000 });
    if (!message) continue;
    read.push({ subject: message.subject, refusal: message.json<Refusal>(), headers: message.headers! });
    message.ack();
  }
  return read;
}

/** Every message of every stream on the server (the operator reads them all): subject, headers and body as text. */
async function everyStoredMessage(jsm: JetStreamManager): Promise<{ stream: string; seq: number; text: string }[]> {
  const found: { stream: string; seq: number; text: string }[] = [];
  for await (const { config, state } of jsm.streams.list()) {
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(config.name, { seq }).catch(() => null);
      if (!message) continue;
      const headers = message.header ? message.header.keys().flatMap((key) => [key, ...message.header.values(key)]) : [];
      found.push({ stream: config.name, seq, text: [message.subject, ...headers, new TextDecoder().decode(message.data)].join('\n') });
    }
  }
  return found;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

it('refuses an invalid direct event and one with a header outside the binding: a refusal names the field, and within 10 s nothing of them is stored anywhere', async () => {
  // A phone number in a field: a valid event but for data.planId.
  const withPhone = encodeBinary(activity('hd-cto-0001'));
  const phoneBody = new TextEncoder().encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(withPhone.data)), planId: PHONE }));
  // A person's name in a header of its own, on an otherwise valid event.
  const named = encodeBinary(activity('hd-cto-0002'));
  const first = await publishDirect(withPhone.headers, phoneBody);
  const second = await publishDirect({ ...named.headers, 'X-Person-Name': NAME }, named.data);

  const refusals = await readRefusals(2);
  expect(refusals).toHaveLength(2);
  const bySeq = new Map(refusals.map((entry) => [entry.refusal.sequence, entry]));
  const phoneRefusal = bySeq.get(first.seq)!;
  const nameRefusal = bySeq.get(second.seq)!;
  expect(phoneRefusal.subject).toBe(`pcmd.refusals.reporting.${BODY}`);
  expect(phoneRefusal.headers.get('ce-type')).toBe('vn.pcmd.refusal.event.refused.v1');
  expect(phoneRefusal.refusal).toMatchObject({
    removed: true,
    bodySha256: sha256(phoneBody),
    event: { id: 'hd-cto-0001', source: `/pcmd/reporting/${BODY}`, type: reportingActivityHeld.type },
    reasons: [{ path: 'data.planId', message: expect.stringContaining('phone number') }],
  });
  expect(phoneRefusal.refusal.message.vi).toContain('bị từ chối');
  expect(nameRefusal.refusal).toMatchObject({
    removed: true,
    bodySha256: sha256(named.data),
    event: { id: 'hd-cto-0002' },
    reasons: [{ path: 'headers.X-Person-Name', message: expect.stringContaining('not a header of the CloudEvents NATS binding') }],
  });
  for (const { refusal } of refusals) expect(JSON.stringify(refusal)).not.toMatch(/0912|Nguyen|Hoa/);

  // Within 10 seconds of the publish: no stream holds the bodies or the planted values.
  const planted = [PHONE, NAME, new TextDecoder().decode(phoneBody), new TextDecoder().decode(named.data)];
  const leftovers = await eventually(async () => {
    const stored = await everyStoredMessage(nats.jsm);
    const found = stored.filter(({ text }) => planted.some((value) => text.includes(value)));
    return found.length === 0 ? stored : undefined;
  }, Math.max(0, 10_000 - (Date.now() - first.at)));
  expect(Date.now() - first.at).toBeLessThan(10_000);
  // The scan reads every stream: coordination's record of the body's registration is there.
  expect(leftovers.some(({ stream, text }) => stream === STREAMS.coordinationEvents.name && text.includes(BODY))).toBe(true);
  // What is kept: a record per message in the dead-letter stream, with the digest and the reasons.
  const letters = leftovers.filter(({ stream }) => stream === STREAMS.deadLetter.name);
  expect(letters.filter(({ text }) => text.includes(sha256(phoneBody)))).toHaveLength(1);
  expect(letters.filter(({ text }) => text.includes(sha256(named.data)))).toHaveLength(1);
  for (const seq of [first.seq, second.seq]) expect(await nats.jsm.streams.getMessage(STREAMS.agencyEvents.name, { seq }).catch(() => null)).toBeNull();
});

it('refuses a valid event on a subject with a token of its own (a phone number after the type’s subject), naming subject, and removes it', async () => {
  const event = activity('hd-cto-0004');
  const { headers, data } = encodeBinary(event);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  const { seq } = await jetstream(body).publish(`${subject}.0912345678`, data, { headers: natsHeadersOf, timeout: 5_000 });
  const [refused] = await readRefusals(1);
  expect(refused!.refusal).toMatchObject({ sequence: seq, removed: true, reasons: [{ path: 'subject', message: `subject must be ${subject}, the subject of type ${reportingActivityHeld.type}` }] });
  expect(JSON.stringify(refused!.refusal)).not.toContain('0912345678');
  await eventually(async () => ((await everyStoredMessage(nats.jsm)).some(({ text }) => text.includes('0912345678')) ? undefined : true), 10_000);
});

it('still takes a valid direct event: it stays in the stream and reaches coordination', async () => {
  const valid = activity('hd-cto-0003');
  const { headers, data } = encodeBinary(valid);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  const { seq } = await jetstream(body).publish(subject, data, { headers: natsHeadersOf, msgID: eventKey(valid), timeout: 5_000 });
  await eventually(() => ((coordination.projector.projection.checkpoints.get(STREAMS.agencyEvents.name) ?? 0) >= seq ? true : undefined), 10_000);
  // The gate has looked at it too, and left it.
  await eventually(async () => ((await nats.jsm.consumers.info(STREAMS.agencyEvents.name, 'coordination-refusal-gate')).ack_floor.stream_seq >= seq ? true : undefined), 10_000);
  const stored = await nats.jsm.streams.getMessage(STREAMS.agencyEvents.name, { seq });
  expect(stored!.header.get('ce-id')).toBe('hd-cto-0003');
  const letters = (await everyStoredMessage(nats.jsm)).filter(({ stream, text }) => stream === STREAMS.deadLetter.name && text.includes('hd-cto-0003'));
  expect(letters).toEqual([]);
});

it('tells an agency publishing with its own NATS identity, on pcmd.refusals.<agency>', async () => {
  const police = await connectToNats({ servers: nats.server.url, name: 'police-direct', identity: 'police', seed: nats.keys.police.seed, reconnectForever: false });
  try {
    const event = buildEvent(policeInspectionCompleted, policeInspectionCompleted.example, { id: 'kt-truc-tiep-1', time: '2026-04-02T09:00:00+07:00' });
    const { headers, data } = encodeBinary(event);
    const natsHeadersOf = natsHeaders();
    for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
    natsHeadersOf.set('X-Owner-Phone', '+84 912 345 678');
    const { seq } = await jetstream(police).publish(policeInspectionCompleted.subject, data, { headers: natsHeadersOf, timeout: 5_000 });
    const jsm = await jetstreamManager(police);
    await jsm.consumers.add(STREAMS.refusals.name, { durable_name: 'refusals-police', filter_subject: 'pcmd.refusals.police', ack_policy: AckPolicy.Explicit });
    const message = await (await jetstream(police).consumers.get(STREAMS.refusals.name, 'refusals-police')).next({ expires: 10_000 });
    expect(message!.json<Refusal>()).toMatchObject({ sequence: seq, removed: true, event: { id: 'kt-truc-tiep-1' }, reasons: [{ path: 'headers.X-Owner-Phone' }] });
    expect(message!.string()).not.toContain('912');
    message!.ack();
    await eventually(async () => ((await nats.jsm.streams.getMessage(STREAMS.agencyEvents.name, { seq }).catch(() => null)) === null ? true : undefined), 10_000);
  } finally {
    await police.close();
  }
});

it('lets a body read only its own refusals', async () => {
  const jsm = await jetstreamManager(body);
  await expect(
    jsm.consumers.add(STREAMS.refusals.name, { durable_name: 'refusals-reporting-womens-union', filter_subject: 'pcmd.refusals.reporting.womens-union', ack_policy: AckPolicy.Explicit }),
  ).rejects.toThrow();
  await expect(jsm.consumers.add(STREAMS.refusals.name, { durable_name: issued.natsRefusals.consumer, filter_subject: 'pcmd.refusals.>', ack_policy: AckPolicy.Explicit })).rejects.toThrow();
  const refused = nats.permissionViolations();
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.filter((line) => !line.includes('CONSUMER.CREATE.PCMD_REFUSALS'))).toEqual([]);
});
