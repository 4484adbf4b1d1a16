import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildAsyncApiDocument,
  buildEvent,
  cultureInspectionCompleted,
  decodeNatsMessage,
  encodeBinary,
  eventKey,
  getEventDefinition,
  MSG_ID_HEADER,
  policeInspectionCompleted,
  policeReferralMade,
  STREAMS,
  type BusEvent,
} from '@lienganh/contracts';
import { cultureService } from '@lienganh/culture';
import { labourService } from '@lienganh/labour';
import { connectToNats, DEAD_LETTER_STREAM, DeadLetterHeaders, startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

/**
 * Issue #17, defects 1 and 11 (ADR 0010, rules 1 and 11), against a real nats-server with the
 * production permissions: an event is its source + id, everywhere an event is taken, stored or
 * applied; a re-send is stored once, another body under the same identity is a 409; dates
 * outside 2000-01-01 .. a day ahead are refused at ingestion and dead-lettered by consumers.
 */

const keys = { police: 'police-identity-key-0123456789', culture: 'culture-identity-key-0123456789', labour: 'labour-identity-key-0123456789' };
const STREAM = STREAMS.agencyEvents.name;
const TIME = '2021-05-04T09:30:00+07:00';

let nats: NatsFixture;
let dataDir: string;
let police: RunningAgencyService;
let culture: RunningAgencyService;
let labour: RunningAgencyService;
/** A police system that publishes on NATS itself, as its own NATS identity, following the AsyncAPI document. */
let direct: NatsConnection;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-identity-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  culture = await startAgencyService(cultureService, { ...nats.identity('culture'), port: 0, dataDir, keys });
  labour = await startAgencyService(labourService, { ...nats.identity('labour'), port: 0, dataDir, keys });
  direct = await connectToNats({ servers: nats.server.url, name: 'police-direct', identity: 'police', seed: nats.keys.police.seed, reconnectForever: false });
});
afterAll(async () => {
  await direct?.close();
  await labour?.close();
  await culture?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (service: RunningAgencyService, body: unknown, key: string) => postJson(`${service.url}/api/v1/events`, body, key);

function inspection(id: string, options: { source?: string; outcome?: 'compliant' | 'closed-down'; time?: string } = {}): BusEvent {
  const data = { ...policeInspectionCompleted.example, outcome: options.outcome ?? 'compliant', violations: [] };
  const event = buildEvent(policeInspectionCompleted, data, { id, time: TIME, ...(options.source ? { source: options.source } : {}) });
  return { ...event, time: options.time ?? TIME }; // as a system may send it: buildEvent refuses a time before 2000
}

function referral(id: string, referralId: string, source: string, time = TIME): BusEvent {
  return { ...buildEvent(policeReferralMade, { ...policeReferralMade.example, referralId }, { id, source, time: TIME }), time };
}

/** Every event the agency stream holds, with its stream sequence. */
async function stored(): Promise<BusEvent[]> {
  const { state } = await nats.jsm.streams.info(STREAM);
  const events: BusEvent[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await nats.jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
    if (message) events.push(decodeNatsMessage(message.header, message.data));
  }
  return events;
}
const storedWithId = async (id: string) => (await stored()).filter((event) => event.id === id).map((event) => `${event.source} ${event.id}`);
const messageCount = async () => (await nats.jsm.streams.info(STREAM)).state.messages;

async function inbox(): Promise<{ referralId: string; status: string }[]> {
  const response = await fetch(`${labour.url}/api/v1/referrals`, { headers: { authorization: `Bearer ${keys.labour}` } });
  return ((await response.json()) as { referrals: { referralId: string; status: string }[] }).referrals;
}
const inInbox = async (...referralIds: string[]) => {
  const ids = new Set((await inbox()).map((item) => item.referralId));
  return referralIds.every((id) => ids.has(id)) ? true : undefined;
};

/** The Nats-Msg-Id the AsyncAPI document tells a direct producer to send: base64url(SHA-256("<source> <id>")). */
const documentedMsgId = (event: BusEvent) => createHash('sha256').update(`${event.source} ${event.id}`, 'utf8').digest('base64url');

/** Publishes as the police system's own NATS identity, in binary mode, with the documented message id. */
async function publishDirectly(event: BusEvent): Promise<{ seq: number; duplicate: boolean }> {
  const { headers, data } = encodeBinary(event);
  const binary = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) binary.set(name, value);
  return jetstream(direct).publish(getEventDefinition(event.type).subject, data, { headers: binary, msgID: documentedMsgId(event) });
}

describe('defect 1: the identity of an event is its source + id', () => {
  it('stores and counts id 1001 from two agencies and from two units of one agency, posted within the duplicate window', async () => {
    const fromUnitA = referral('1001', 'cg-identity-a', '/pcmd/police/001');
    const fromUnitB = referral('1001', 'cg-identity-b', '/pcmd/police/002');
    const fromCulture = buildEvent(cultureInspectionCompleted, cultureInspectionCompleted.example, { id: '1001', time: TIME });
    expect(await post(police, fromUnitA, keys.police)).toEqual({ status: 202, body: { accepted: ['1001'] } });
    expect(await post(police, fromUnitB, keys.police)).toEqual({ status: 202, body: { accepted: ['1001'] } });
    expect(await post(culture, fromCulture, keys.culture)).toEqual({ status: 202, body: { accepted: ['1001'] } });

    expect((await storedWithId('1001')).sort()).toEqual(['/pcmd/culture 1001', '/pcmd/police/001 1001', '/pcmd/police/002 1001']);
    // Both units' referrals count: labour's inbox (a consumer, idempotent on source + id) holds both.
    await eventually(() => inInbox('cg-identity-a', 'cg-identity-b'));
  });

  it('stores a direct NATS producer’s re-send once, and two sources’ same id twice, with the documented Nats-Msg-Id', async () => {
    // What the AsyncAPI document (docs/events/asyncapi.yaml) tells a producer to put in Nats-Msg-Id.
    const headersDoc = buildAsyncApiDocument().components.schemas['cloudevent-binary-headers'] as { properties: Record<string, { description: string }> };
    expect(headersDoc.properties[MSG_ID_HEADER]!.description).toMatch(/SHA-256 of the UTF-8 string "<ce-source> <ce-id>"/);
    const fromUnitA = referral('2002', 'cg-direct-a', '/pcmd/police/001');
    const fromUnitB = referral('2002', 'cg-direct-b', '/pcmd/police/002');
    expect(documentedMsgId(fromUnitA)).toBe(eventKey(fromUnitA));

    expect((await publishDirectly(fromUnitA)).duplicate).toBe(false);
    expect((await publishDirectly(fromUnitA)).duplicate).toBe(true);
    expect((await publishDirectly(fromUnitB)).duplicate).toBe(false);

    expect((await storedWithId('2002')).sort()).toEqual(['/pcmd/police/001 2002', '/pcmd/police/002 2002']);
    await eventually(() => inInbox('cg-direct-a', 'cg-direct-b'));
    // What the services publish carries the same message id.
    await post(police, referral('2003', 'cg-direct-c', '/pcmd/police/001'), keys.police);
    const message = await nats.jsm.streams.getMessage(STREAM, { last_by_subj: policeReferralMade.subject });
    expect(message!.header.get(MSG_ID_HEADER)).toBe(documentedMsgId(referral('2003', 'cg-direct-c', '/pcmd/police/001')));
  });

  it('answers 409 conflicting-duplicate to the same source + id with another body, storing nothing of the request; an identical re-post is 202 and stored once', async () => {
    const original = inspection('kt-3003');
    expect((await post(police, original, keys.police)).status).toBe(202);
    const before = await messageCount();
    expect(await post(police, original, keys.police)).toEqual({ status: 202, body: { accepted: ['kt-3003'] } });
    expect(await messageCount()).toBe(before);

    const changed = inspection('kt-3003', { outcome: 'closed-down' });
    const conflict = await post(police, changed, keys.police);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      error: 'conflicting-duplicate',
      message: expect.stringContaining('"kt-3003"'),
      issues: [{ path: 'id', message: expect.stringContaining('"kt-3003" from /pcmd/police') }],
    });
    // A batch is all or nothing: its new event is not published either.
    const batch = await post(police, [inspection('kt-3004'), changed], keys.police);
    expect(batch.status).toBe(409);
    expect(batch.body.error).toBe('conflicting-duplicate');
    expect(batch.body.issues).toEqual([{ path: '[1].id', message: expect.stringContaining('"kt-3003"') }]);
    expect(await messageCount()).toBe(before);
    expect(await storedWithId('kt-3004')).toEqual([]);

    // The stored body is the first one; the same id from another unit is another event.
    expect((await stored()).filter((event) => event.id === 'kt-3003').map((event) => (event.data as { outcome: string }).outcome)).toEqual(['compliant']);
    expect((await post(police, inspection('kt-3003', { source: '/pcmd/police/002', outcome: 'closed-down' }), keys.police)).status).toBe(202);
    expect((await storedWithId('kt-3003')).sort()).toEqual(['/pcmd/police kt-3003', '/pcmd/police/002 kt-3003']);
  });
});

describe('defect 11: dates outside 2000-01-01 .. a day ahead of the receiving service', () => {
  it.each(['0000-01-01T00:00:00Z', '1999-12-31T23:59:59Z', '1999-12-31T23:59:59+00:30', '9999-12-31T23:59:59Z'])('refuses time %s with a 400 naming time, storing nothing', async (time) => {
    const before = await messageCount();
    const response = await post(police, [inspection('kt-ok'), inspection('kt-dated', { time })], keys.police);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid-event');
    expect(response.body.issues).toEqual([{ path: '[1].time', message: expect.stringMatching(/^must (be 2000-01-01T00:00:00Z or later|not be more than 24 hours after the receiving service's clock)/) }]);
    expect(await messageCount()).toBe(before);
  });

  it('reads the service’s own clock for the future bound, and takes an old but valid event', async () => {
    const clock = { now: () => new Date('2021-06-01T00:00:00Z') };
    const lagging = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir: mkdtempSync(join(dataDir, 'lagging-')), keys, clock });
    try {
      const ahead = await postJson(`${lagging.url}/api/v1/events`, inspection('kt-ahead', { time: '2021-06-02T00:00:01Z' }), keys.police);
      expect(ahead.status).toBe(400);
      expect(ahead.body.issues).toEqual([{ path: 'time', message: expect.stringContaining("24 hours after the receiving service's clock (2021-06-01T00:00:00.000Z)") }]);
      expect((await postJson(`${lagging.url}/api/v1/events`, inspection('kt-day', { time: '2021-06-02T00:00:00Z' }), keys.police)).status).toBe(202);
      expect((await postJson(`${lagging.url}/api/v1/events`, inspection('kt-2000', { time: '2000-01-01T00:00:00Z' }), keys.police)).status).toBe(202);
    } finally {
      await lagging.close();
    }
  });

  it('dead-letters, with the reason, a far-future event a producer published on NATS directly, instead of taking it', async () => {
    const future = referral('kt-future', 'cg-future', '/pcmd/police/001', '9999-12-31T23:59:59Z');
    const { seq } = await publishDirectly(future);
    const afterIt = referral('kt-after-future', 'cg-after-future', '/pcmd/police/001');
    await publishDirectly(afterIt);

    const deadLetterSubject = 'pcmd.dead-letter.labour-referrals-from-police';
    const deadLetter = await eventually(async () => {
      const message = await nats.jsm.streams.getMessage(DEAD_LETTER_STREAM, { last_by_subj: deadLetterSubject }).catch(() => null);
      return message?.header.get('ce-id') === 'kt-future' ? message : undefined;
    });
    expect(deadLetter.header.get(DeadLetterHeaders.originalSequence)).toBe(String(seq));
    expect(deadLetter.header.get(DeadLetterHeaders.reason)).toMatch(/^rejected: time: must not be more than 24 hours after the receiving service's clock/);
    // The events after it are taken; it is not.
    await eventually(() => inInbox('cg-after-future'));
    expect((await inbox()).map((item) => item.referralId)).not.toContain('cg-future');
  });
});
