import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, catalog, STREAMS, type AgencyService, type BusEvent, type EventDefinition } from '@lienganh/contracts';
import { cultureService } from '@lienganh/culture';
import { healthService } from '@lienganh/health';
import { justiceService } from '@lienganh/justice';
import { labourService } from '@lienganh/labour';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

// What people's data and a hostile or broken client may send to the ingestion edge: every such
// request gets a clear 4xx, nothing is published, and the service keeps serving.

const DEFINITIONS = { labour: labourService, police: policeService, health: healthService, culture: cultureService, justice: justiceService };
const AGENCIES = Object.keys(DEFINITIONS) as AgencyService[];
const keys = Object.fromEntries(AGENCIES.map((agency) => [agency, `${agency}-hostile-test-key-0123456789`])) as Record<AgencyService, string>;

let nats: NatsFixture;
let dataDir: string;
const services = new Map<AgencyService, RunningAgencyService>();

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-hostile-'));
  for (const agency of AGENCIES) services.set(agency, await startAgencyService(DEFINITIONS[agency], { ...nats.identity(agency), port: 0, dataDir, keys }));
});
afterAll(async () => {
  for (const service of services.values()) await service.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const stored = async () => (await nats.jsm.streams.info(STREAMS.agencyEvents.name)).state.messages;

async function send(agency: AgencyService, body: string | Uint8Array<ArrayBuffer>, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const response = await fetch(`${services.get(agency)!.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${keys[agency]}` },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** A valid event of the agency's, as its system posts it (no source, no subject). */
function validEvent(definition: EventDefinition, id: string = crypto.randomUUID()): Record<string, unknown> {
  const { source: _source, subject: _subject, ...event } = buildEvent(definition, definition.example, { id, time: '2021-05-04T09:00:00+07:00' }) as BusEvent;
  return event;
}

describe('personal data has no place on the bus', () => {
  const PERSONAL = { fullName: 'Nguyễn Thị B', phoneNumber: '0912345678', nationalId: '001190012345' };

  it.each(AGENCIES)('%s: a record carrying a name, a phone number or a national ID is refused with 400 naming the field, and nothing is published', async (agency) => {
    const before = await stored();
    for (const definition of catalog.filter((entry) => entry.agency === agency)) {
      for (const [field, value] of Object.entries(PERSONAL)) {
        const event = validEvent(definition);
        const response = await send(agency, JSON.stringify({ ...event, data: { ...(event.data as object), [field]: value } }));
        expect({ type: definition.type, field, status: response.status }).toEqual({ type: definition.type, field, status: 400 });
        expect(JSON.parse(response.text).issues).toContainEqual({ path: `data.${field}`, message: 'unknown field (not in the schema)' });
        expect(response.text).not.toContain(String(value)); // never echoed back
      }
    }
    expect(await stored()).toBe(before);
  });
});

describe('malformed requests', () => {
  const police = policeService.agency;
  const inspectionType = catalog.find((entry) => entry.type === 'vn.pcmd.police.inspection.completed.v1')!;

  const cases: [string, () => Promise<{ status: number; text: string }>, number][] = [
    ['invalid JSON', () => send(police, '{"specversion": "1.0", "id": '), 400],
    ['a 10 MB body', () => send(police, JSON.stringify({ ...validEvent(inspectionType), padding: 'x'.repeat(10 * 1024 * 1024) })), 413],
    ['a wrong content type', () => send(police, JSON.stringify(validEvent(inspectionType)), 'text/plain'), 415],
    ['invalid UTF-8', () => send(police, Uint8Array.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 400],
    ['a CloudEvent without an id', () => { const { id: _id, ...event } = validEvent(inspectionType); return send(police, JSON.stringify(event)); }, 400],
    ['a header injection attempt in the id', () => send(police, JSON.stringify({ ...validEvent(inspectionType), id: 'kt-1\r\nNats-Msg-Id: other' })), 400],
    ['a batch of 1,001 events', () => send(police, JSON.stringify(Array.from({ length: 1_001 }, () => validEvent(inspectionType)))), 400],
    ['another agency\u2019s type', () => send(police, JSON.stringify(validEvent(catalog.find((entry) => entry.agency === 'labour')!))), 400],
  ];

  it('answers with security headers and without naming its framework', async () => {
    const response = await fetch(`${services.get(police)!.url}/healthz`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it.each(cases)('%s gets a clear 4xx and publishes nothing', async (_name, request, expected) => {
    const before = await stored();
    const response = await request();
    expect(response.status).toBe(expected);
    const body = JSON.parse(response.text);
    expect(typeof body.error).toBe('string');
    expect(typeof body.message).toBe('string');
    expect(response.text).not.toMatch(/\n\s+at /); // no stack trace
    expect(await stored()).toBe(before);
  });

  it('answers 200 generated malformed requests without a 5xx, publishes only what it accepted, and keeps serving', async () => {
    let seed = 20_211_138;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const junk = [null, true, 42, -1, 1e308, '', ' ', '\u0000', '💥', 'x'.repeat(5_000), [], {}, [[[[[]]]]], { $where: '1' }, '<script>alert(1)</script>', "'; DROP TABLE--"];
    const mutations: ((event: Record<string, unknown>) => unknown)[] = [
      (event) => ({ ...event, [pick(['id', 'type', 'time', 'specversion', 'data'])]: pick(junk) }),
      (event) => ({ ...event, data: { ...(event.data as object), [pick(['inspectionId', 'areaCode', 'business', 'outcome', 'violations'])]: pick(junk) } }),
      (event) => { const copy = { ...event }; delete copy[pick(['id', 'type', 'time', 'specversion', 'data'])]; return copy; },
      (event) => ({ ...event, [`extra${Math.floor(random() * 100)}`]: pick(junk) }),
      (event) => pick(junk),
      (event) => [event, pick(junk)],
      (event) => ({ ...event, type: pick(catalog).type }),
    ];
    const before = await stored();
    const statuses = new Map<number, number>();
    for (let n = 0; n < 200; n++) {
      const body = pick(mutations)(validEvent(inspectionType, `kt-fuzz-${n}`));
      const response = await send(police, JSON.stringify(body) ?? 'null');
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect({ n, body: response.status >= 500 ? response.text : 'no 5xx' }).toEqual({ n, body: 'no 5xx' });
    }
    // A mutation may leave a valid event (an empty violation list, an extension attribute): that one is taken.
    const accepted = statuses.get(202) ?? 0;
    expect([...statuses.keys()].every((status) => status === 202 || (status >= 400 && status < 500))).toBe(true);
    expect(accepted).toBeLessThan(40);
    await eventually(async () => ((await stored()) === before + accepted ? true : undefined), 5_000);
    // Still serving: a valid event is taken.
    expect((await send(police, JSON.stringify(validEvent(inspectionType)))).status).toBe(202);
  });
});
