import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudEvent, emitterFor, httpTransport, Mode } from 'cloudevents';
import { parse as parseYaml } from 'yaml';
import { policeInspectionCompleted, STREAMS } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue 22: an agency's system connects with the `cloudevents` SDK as it comes, in binary mode
 * (its default: attributes in `ce-` headers, the data as the body) or structured mode, and every
 * refusal names the header or attribute and the rule, never the value.
 */

const keys = { police: 'police-sdk-key-0123456789' };
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const target = () => `${coordination.url}/api/v1/targets/ct-kiem-tra-hanh-chinh-400?plan=kh-ba-dinh-2021`;
const stream = STREAMS.agencyEvents.name;

let nats: NatsFixture;
let police: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-sdk-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: { now: () => new Date('2021-06-01T09:00:00+07:00') }, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
}, 120_000);
afterAll(async () => {
  await coordination?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const eventsUrl = () => `${police.url}/api/v1/events`;

/** An inspection in Ba Đình as a police system makes it with the SDK: no subject (the service fills it from the data). */
function inspection(inspectionId: string): CloudEvent<typeof policeInspectionCompleted.example> {
  return new CloudEvent({
    id: inspectionId,
    type: policeInspectionCompleted.type,
    source: '/pcmd/police/001',
    time: '2021-05-20T14:00:00.000Z',
    data: { ...policeInspectionCompleted.example, inspectionId, areaCode: 'hn-ba-dinh-kim-ma' },
  });
}

/**
 * The SDK's own emitter and HTTP transport, unmodified: the bearer key goes in through the options
 * that `emit` hands to the transport (`httpTransport` merges `options.headers` into its request).
 * The transport resolves with the answer's body and headers only, not its status.
 */
async function emit(mode: Mode, event: CloudEvent<unknown>): Promise<unknown> {
  const send = emitterFor(httpTransport(eventsUrl()), { mode });
  const answer = (await send(event, { headers: { authorization: `Bearer ${keys.police}` } })) as { body: string };
  return JSON.parse(answer.body);
}

const achieved = async () => (await getAs(target(), tokens.secretariat)).body.achieved as number;
const messageCount = async () => (await nats.jsm.streams.info(stream)).state.messages;

/** The headers of the SDK's binary mode for an event, with the bearer key: for the hand-made requests below. */
function binaryHeaders(event: CloudEvent<unknown>, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${keys.police}`, 'content-type': 'application/json; charset=utf-8' };
  for (const [name, value] of Object.entries(event.toJSON())) {
    if (name !== 'data' && value !== undefined) headers[`ce-${name}`] = String(value);
  }
  return { ...headers, ...extra };
}

async function postBinary(event: CloudEvent<unknown>, extra: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(eventsUrl(), { method: 'POST', headers: binaryHeaders(event, extra), body: JSON.stringify(event.data) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('the cloudevents SDK, unmodified', () => {
  it('sends an inspection in binary mode and one in structured mode; each is counted once on the board', async () => {
    expect(await achieved()).toBe(0);
    expect(await emit(Mode.BINARY, inspection('kt-sdk-binary-1'))).toEqual({ accepted: ['kt-sdk-binary-1'] });
    await eventually(async () => ((await achieved()) === 1 ? true : undefined), 30_000);
    expect(await emit(Mode.STRUCTURED, inspection('kt-sdk-structured-1'))).toEqual({ accepted: ['kt-sdk-structured-1'] });
    await eventually(async () => ((await achieved()) === 2 ? true : undefined), 30_000);

    // Both sent again (a retry after a lost answer): stored once, counted once.
    const stored = await messageCount();
    expect(await emit(Mode.BINARY, inspection('kt-sdk-binary-1'))).toEqual({ accepted: ['kt-sdk-binary-1'] });
    expect(await emit(Mode.STRUCTURED, inspection('kt-sdk-structured-1'))).toEqual({ accepted: ['kt-sdk-structured-1'] });
    expect(await messageCount()).toBe(stored);
    // A third inspection comes after the re-sends on the stream: once it is counted, they were seen.
    expect(await emit(Mode.BINARY, inspection('kt-sdk-binary-2'))).toEqual({ accepted: ['kt-sdk-binary-2'] });
    await eventually(async () => ((await achieved()) === 3 ? true : undefined), 30_000);
    expect(await achieved()).toBe(3);
  }, 120_000);

  it('stores the binary-mode event with the attributes as sent: the unit in source, the time, the subject from the data', async () => {
    await emit(Mode.BINARY, inspection('kt-sdk-binary-3'));
    const message = await nats.jsm.streams.getMessage(stream, { last_by_subj: policeInspectionCompleted.subject });
    expect(message!.header.get('ce-id')).toBe('kt-sdk-binary-3');
    expect(message!.header.get('ce-source')).toBe('/pcmd/police/001');
    expect(message!.header.get('ce-subject')).toBe('kt-sdk-binary-3');
    expect(message!.header.get('ce-time')).toBe('2021-05-20T14:00:00.000Z');
    expect(message!.header.get('content-type')).toBe('application/json');
    expect(JSON.parse(message!.string())).toEqual(inspection('kt-sdk-binary-3').data);
  });
});

describe('binary mode and media types, by hand', () => {
  it('takes charset=utf-8 in any case, in binary and structured mode', async () => {
    expect((await postBinary(inspection('kt-charset-1'), { 'content-type': 'application/json;charset=UTF-8' })).status).toBe(202);
    const structured = { ...inspection('kt-charset-2').toJSON() };
    const answer = await postJson(eventsUrl(), structured, keys.police, { 'content-type': 'application/cloudevents+json; charset="utf-8"' });
    expect(answer).toEqual({ status: 202, body: { accepted: ['kt-charset-2'] } });
  });

  it('refuses a charset other than UTF-8 with 415 naming it, and stores nothing', async () => {
    const before = await messageCount();
    const answer = await postJson(eventsUrl(), inspection('kt-charset-3').toJSON(), keys.police, { 'content-type': 'application/json; charset=iso-8859-1' });
    expect(answer.status).toBe(415);
    expect(answer.body.error).toBe('unsupported-media-type');
    expect(answer.body.message).toContain('"iso-8859-1"');
    expect(answer.body.message).toMatch(/UTF-8/);
    expect(await messageCount()).toBe(before);
  });

  it('refuses a ce- header that is no attribute of these events, naming the header and never its value', async () => {
    const before = await messageCount();
    const answer = await postBinary(inspection('kt-unknown-header'), { 'ce-person': 'Nguyen Thi Hoa 0912345678' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'headers.ce-person', message: expect.stringMatching(/is not an attribute of these events/) }]);
    expect(JSON.stringify(answer.body)).not.toMatch(/Hoa|0912345678/);
    expect(await messageCount()).toBe(before);
  });

  it('refuses a phone number in ce-subject naming the header and what it looked like, never the number', async () => {
    const before = await messageCount();
    const answer = await postBinary(inspection('kt-phone-subject'), { 'ce-subject': '0912.345.678' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'headers.ce-subject', message: expect.stringMatching(/looks like a phone number/) }]);
    expect(JSON.stringify(answer.body)).not.toMatch(/912/);
    expect(await messageCount()).toBe(before);
  });

  it('refuses a field of the data named like personal data without repeating its name', async () => {
    const event = inspection('kt-phone-key');
    const response = await fetch(eventsUrl(), { method: 'POST', headers: binaryHeaders(event), body: JSON.stringify({ ...event.data, '0912 345 678': 'goi' }) });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text).issues).toEqual([{ path: 'data.[…]', message: 'unknown field (not in the schema)' }]);
    expect(text).not.toMatch(/912/);
  });

  it('refuses a type that is no type without echoing it', async () => {
    const answer = await postBinary(inspection('kt-phone-type'), { 'ce-type': 'vn.pcmd.police.0912345678' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toContainEqual({ path: 'headers.ce-type', message: 'unknown event type (see `lienganh catalog`)' });
    expect(JSON.stringify(answer.body)).not.toMatch(/912/);
  });

  it('stores a binary-mode event sent twice once', async () => {
    const before = await messageCount();
    expect((await postBinary(inspection('kt-twice'))).status).toBe(202);
    expect((await postBinary(inspection('kt-twice'))).status).toBe(202);
    expect(await messageCount()).toBe(before + 1);
  });

  it('names a missing attribute by its header, and the data’s fields by their path', async () => {
    const event = inspection('kt-missing-time');
    const headers = binaryHeaders(event);
    delete headers['ce-time'];
    const response = await fetch(eventsUrl(), { method: 'POST', headers, body: JSON.stringify({ ...event.data, outcome: 'fine' }) });
    expect(response.status).toBe(400);
    const paths = ((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['data.outcome', 'headers.ce-time']);
  });

  it('says what is wrong with an id holding a space, in either mode', async () => {
    const rule = 'must be 1-128 printable ASCII characters without spaces (letters, digits, punctuation such as - _ . :)';
    const binary = await postBinary(inspection('kt-space'), { 'ce-id': 'kt%20space' });
    expect(binary.body.issues).toEqual([{ path: 'headers.ce-id', message: rule }]);
    const structured = await postJson(eventsUrl(), { ...inspection('kt-space').toJSON(), id: 'kt space' }, keys.police);
    expect(structured.body.issues).toEqual([{ path: 'id', message: rule }]);
  });

  it('says so first when the data comes without any attribute (binary mode half done)', async () => {
    const answer = await postJson(eventsUrl(), inspection('kt-data-alone').data, keys.police);
    expect(answer.status).toBe(400);
    expect(answer.body.issues[0]).toEqual({ path: '', message: expect.stringMatching(/no CloudEvent attributes.*binary mode/) });
  });

  it('refuses a ce- header sent twice, naming it', async () => {
    // Two header lines (fetch would join them into one with a comma): node:http sends an array so.
    const event = inspection('kt-twice-header');
    const headers = { ...binaryHeaders(event), 'ce-id': ['kt-twice-header', 'kt-other'] };
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(eventsUrl(), { method: 'POST', headers }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: response.statusCode!, body }));
      });
      request.on('error', reject).end(JSON.stringify(event.data));
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).issues).toEqual([{ path: 'headers.ce-id', message: expect.stringMatching(/more than once/) }]);
  });

  it('refuses ce- headers on a structured request rather than ignoring them', async () => {
    const answer = await postJson(eventsUrl(), inspection('kt-mixed').toJSON(), keys.police, { 'content-type': 'application/cloudevents+json', 'ce-id': 'kt-other' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'headers.ce-id', message: expect.stringMatching(/structured/) }]);
  });

  it('keeps batches as they were: a plain JSON array, and application/cloudevents-batch+json', async () => {
    const batch = [inspection('kt-batch-1').toJSON(), inspection('kt-batch-2').toJSON()];
    expect(await postJson(eventsUrl(), batch, keys.police)).toEqual({ status: 202, body: { accepted: ['kt-batch-1', 'kt-batch-2'] } });
    const typed = await postJson(eventsUrl(), [inspection('kt-batch-3').toJSON()], keys.police, { 'content-type': 'application/cloudevents-batch+json; charset=utf-8' });
    expect(typed).toEqual({ status: 202, body: { accepted: ['kt-batch-3'] } });
    const notAnArray = await postJson(eventsUrl(), inspection('kt-batch-4').toJSON(), keys.police, { 'content-type': 'application/cloudevents-batch+json' });
    expect(notAnArray.status).toBe(400);
    expect(notAnArray.body.issues).toEqual([{ path: '', message: expect.stringMatching(/must be a JSON array/) }]);
  });
});
