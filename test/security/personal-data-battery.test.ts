import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildEvent, catalog, encodeBinary, MSG_ID_HEADER, natsSubjectOf, type BusEvent, type EventDefinition } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, InMemoryCoordinationStore, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { cultureService } from '@lienganh/culture';
import { healthService } from '@lienganh/health';
import { justiceService } from '@lienganh/justice';
import { labourService } from '@lienganh/labour';
import { connectToNats, createLogger, startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { startReportingService, type RunningReportingService } from '@lienganh/reporting';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

/**
 * Issue 19's battery: hundreds of attempts, as an attacker and a careless agency system would
 * make them, to get a phone number, an ID number, an email, a date of birth or a name through
 * every string field and envelope attribute of every event type an agency or a body sends, and
 * through headers of their own: over HTTP (structured, binary, batch) and straight over NATS
 * with each producer's own credentials. Then every stream, the read model, the API answers, the
 * services' outboxes and logs are scanned for every planted value: none may be found.
 */

/** A planted value: as text (labels, titles), as a code (identifiers, units), and what a scan looks for. */
interface Plant {
  kind: string;
  text: string;
  code: string;
  needles: string[];
}

const PLANTS: Plant[] = [
  { kind: 'phone', text: '0912 345 678', code: '0912345678', needles: ['0912 345 678', '912345678'] },
  { kind: 'phone +84', text: '+84 987 654 321', code: '84987654321', needles: ['987 654 321', '987654321'] },
  { kind: 'CCCD', text: 'CCCD 001 203 012345', code: '001203012345', needles: ['001 203 012345', '001203012345'] },
  { kind: 'CMND', text: 'CMND 023456789', code: '023456789', needles: ['023456789'] },
  { kind: 'email', text: 'hoa.nguyen@example.com', code: 'hoa.nguyen@example.com', needles: ['hoa.nguyen@'] },
  { kind: 'name', text: 'Nguyễn Thị Hoa', code: 'nguyen-thi-hoa', needles: ['nguyễn thị hoa', 'nguyen thi hoa', 'nguyen-thi-hoa'] },
  { kind: 'name', text: 'Trần Văn Nam', code: 'tran-van-nam', needles: ['trần văn nam', 'tran van nam', 'tran-van-nam'] },
  { kind: 'date of birth', text: 'sinh ngày 15/08/1998', code: '15-08-1998', needles: ['15/08/1998', '15-08-1998'] },
];

const AGENCIES = { police: policeService, labour: labourService, health: healthService, culture: cultureService, justice: justiceService } as const;
type Agency = keyof typeof AGENCIES;
const KEYS: Record<Agency, string> = { police: 'police-battery-key-0123456789', labour: 'labour-battery-key-0123456789', health: 'health-battery-key-0123456789', culture: 'culture-battery-key-0123456789', justice: 'justice-battery-key-0123456789' };
const BODY = 'red-cross';
const MODES = ['structured', 'binary', 'batch', 'nats'] as const;
type Mode = (typeof MODES)[number];

let nats: NatsFixture;
let dataDir: string;
const store = new InMemoryCoordinationStore();
const logs: string[] = [];
const logTo = { write: (line: string) => void logs.push(line) };
const agencies = new Map<Agency, RunningAgencyService>();
let reporting: RunningReportingService;
let coordination: RunningCoordinationService;
const producers = new Map<string, NatsConnection>();
let body: { httpKey: string; natsSeed: string; natsInboxPrefix: string; source: string };

beforeAll(async () => {
  nats = await startNatsFixture({ bodies: true });
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-battery-'));
  for (const agency of Object.keys(AGENCIES)) {
    const { natsUrl, natsSeed } = nats.identity(agency as Agency);
    producers.set(agency, await connectToNats({ servers: natsUrl, name: `battery-${agency}`, identity: agency as Agency, seed: natsSeed, reconnectForever: false }));
  }
  for (const [index, [agency, definition]] of Object.entries(AGENCIES).entries()) {
    agencies.set(agency as Agency, await startAgencyService(definition, {
      ...nats.identity(agency as Agency),
      port: 0,
      dataDir,
      keys: KEYS,
      pseudonymKey: Buffer.alloc(32, index + 1),
      logger: createLogger(agency, 'info', logTo),
      rateLimit: false,
    }));
  }
  reporting = await startReportingService({ ...nats.identity('reporting'), port: 0, dataDir, logger: createLogger('reporting', 'info', logTo), rateLimit: false });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, store, deadlineTickMs: 0, users: TEST_USERS, logger: createLogger('coordination', 'info', logTo), rateLimit: false });
  expect((await postJson(`${coordination.url}/api/v1/plans`, parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8')), tokens.secretariat)).status).toBe(201);
  const bodies = `${coordination.url}/api/v1/bodies`;
  expect((await postJson(bodies, { code: BODY, title: { vi: 'Hội Chữ thập đỏ thành phố', en: 'City Red Cross' }, kind: 'mass-organisation' }, tokens.secretariat)).status).toBe(201);
  const issued = await postJson(`${bodies}/${BODY}/credentials`, {}, tokens.secretariat);
  expect(issued.status).toBe(201);
  body = issued.body;
  // The server learns the body's NATS user by a reload.
  const bodyConnection = () =>
    connect({ servers: nats.server.url, name: 'battery-red-cross', authenticator: nkeyAuthenticator(new TextEncoder().encode(body.natsSeed)), inboxPrefix: body.natsInboxPrefix, maxReconnectAttempts: 0, timeout: 1_000 });
  producers.set('reporting', await eventually(() => bodyConnection().catch(() => undefined), 5_000));
}, 120_000);

afterAll(async () => {
  for (const nc of producers.values()) await nc.close();
  await coordination?.close();
  await reporting?.close();
  for (const service of agencies.values()) await service.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The event types producers send (not coordination's own). */
const sendable = catalog.filter((definition) => definition.agency !== 'coordination');

/** A valid event of `definition` from its producer, dated within the demo plan. */
function validEvent(definition: EventDefinition, n: number): BusEvent {
  const source = definition.agency === 'reporting' ? body.source : `/pcmd/${definition.agency}`;
  const data = definition.agency === 'reporting' ? reportingData(definition) : definition.example;
  return buildEvent(definition, data as never, { id: `battery-${n}`, source, time: '2021-05-04T09:30:00+07:00' });
}

/** The examples of bodies' types name the body that held them: here, ours. */
function reportingData(definition: EventDefinition): unknown {
  const example = { ...(definition.example as Record<string, unknown>) };
  for (const field of ['organiser', 'reportingBody', 'body']) if (field in example) example[field] = BODY;
  return example;
}

/** Every string leaf of a value: its path and its value. */
function stringLeaves(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringLeaves(item, [...path, index]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  return [];
}

function withValue(target: unknown, path: (string | number)[], value: string): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(target) ? [...target] : { ...(target as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[head!] = withValue(copy[head!], rest, value);
  return copy;
}

/** Identifiers and codes take the code form; labels and titles the text form. */
const plantFor = (plant: Plant, original: string) => (/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/.test(original) ? plant.code : plant.text);

interface Attempt {
  definition: EventDefinition;
  mode: Mode;
  /** The event as sent (may be invalid), or, for a header attempt, valid. */
  event: Record<string, unknown>;
  /** Headers of the producer's own: HTTP or NATS. */
  headers?: Record<string, string>;
  /** A token after the type's own NATS subject (NATS only). */
  subjectSuffix?: string;
  where: string;
}

function attempts(): Attempt[] {
  const list: Attempt[] = [];
  let n = 0;
  let turn = 0;
  const next = () => ({ plant: PLANTS[turn % PLANTS.length]!, mode: MODES[turn++ % MODES.length]! });
  for (const definition of sendable) {
    const base = validEvent(definition, ++n) as unknown as Record<string, unknown>;
    // Every string of the data, and the attributes a producer chooses.
    const leaves = [...stringLeaves(base.data, ['data']), ...['id', 'subject', 'tracestate'].map((name) => ({ path: [name], value: String(base[name] ?? 'x') }))];
    for (const leaf of leaves) {
      const { plant, mode } = next();
      list.push({ definition, mode, event: withValue({ ...base, id: `battery-${++n}` }, leaf.path, plantFor(plant, leaf.value)) as Record<string, unknown>, where: leaf.path.join('.') });
    }
    // The unit in source.
    {
      const { plant, mode } = next();
      const unit = definition.agency === 'reporting' ? `${body.source}/${plant.code}` : `/pcmd/${definition.agency}/${plant.code}`;
      list.push({ definition, mode, event: { ...base, id: `battery-${++n}`, source: unit }, where: 'source' });
    }
    // Headers of its own on a valid event, over HTTP and NATS.
    for (const mode of ['structured', 'binary', 'nats'] as const) {
      const plant = next().plant;
      list.push({ definition, mode, event: { ...base, id: `battery-${++n}` }, headers: { 'X-Person-Name': plant.text.normalize('NFD').replace(/\p{M}/gu, ''), 'X-Phone': PLANTS[0]!.code }, where: 'header X-Person-Name' });
    }
    // A token of its own after the NATS subject.
    list.push({ definition, mode: 'nats', event: { ...base, id: `battery-${++n}` }, subjectSuffix: next().plant.code.replace(/[.@]/g, '-'), where: 'NATS subject' });
  }
  return list;
}

const httpTarget = (definition: EventDefinition) =>
  definition.agency === 'reporting' ? { url: reporting.url, key: body.httpKey } : { url: agencies.get(definition.agency as Agency)!.url, key: KEYS[definition.agency as Agency] };

/** Sends one attempt as its mode says; the HTTP status, or 0 for a NATS publish the server stored. */
async function send(attempt: Attempt): Promise<number> {
  const { definition, event, mode } = attempt;
  if (mode === 'nats') {
    const producer = producers.get(definition.agency)!;
    const headers = natsHeaders();
    const { source: _source, ...attributes } = event;
    const encoded = encodeBinary({ ...attributes, source: event.source } as unknown as BusEvent);
    for (const [name, value] of Object.entries(encoded.headers)) if (name !== MSG_ID_HEADER) headers.set(name, value);
    for (const [name, value] of Object.entries(attempt.headers ?? {})) headers.set(name, value);
    let subject = natsSubjectOf({ type: definition.type, source: definition.agency === 'reporting' ? body.source : `/pcmd/${definition.agency}` });
    if (attempt.subjectSuffix) subject = `${subject}.${attempt.subjectSuffix}`;
    await jetstream(producer).publish(subject, encoded.data, { headers, timeout: 5_000 });
    return 0;
  }
  const { url, key } = httpTarget(definition);
  const { source: _source, ...withoutSource } = event;
  // Over HTTP the source comes from the key; a unit of its own is named in `source`.
  const sent = attempt.where === 'source' ? event : withoutSource;
  let headers: Record<string, string> = { authorization: `Bearer ${key}`, ...(attempt.headers ?? {}) };
  let payload: string;
  if (mode === 'binary') {
    const { data, ...attributes } = sent;
    for (const [name, value] of Object.entries(attributes)) if (name !== 'datacontenttype') headers[`ce-${name}`] = String(value);
    headers = { ...headers, 'content-type': 'application/json' };
    payload = JSON.stringify(data);
  } else if (mode === 'batch') {
    // All or nothing: a valid event beside the planted one.
    const valid = { ...withoutSource, id: `${String(event.id)}-pair`, data: validEvent(definition, 0).data };
    headers = { ...headers, 'content-type': 'application/cloudevents-batch+json' };
    payload = JSON.stringify([valid, sent]);
  } else {
    headers = { ...headers, 'content-type': 'application/cloudevents+json' };
    payload = JSON.stringify(sent);
  }
  const response = await fetch(`${url}/api/v1/events`, { method: 'POST', headers, body: payload });
  await response.arrayBuffer();
  return response.status;
}

const normalised = (text: string) => text.normalize('NFC').toLowerCase();

/** Where any planted value is found in `text`: one line per finding, never empty when one is. */
function findings(where: string, text: string): string[] {
  const haystack = normalised(text);
  return PLANTS.flatMap((plant) =>
    plant.needles
      .filter((needle) => haystack.includes(normalised(needle)))
      .map((needle) => {
        const at = haystack.indexOf(normalised(needle));
        return `${where}: ${plant.kind} "${needle}" in …${haystack.slice(Math.max(0, at - 80), at + 40).replace(/\s+/g, ' ')}…`;
      }),
  );
}

async function scanStreams(jsm: JetStreamManager): Promise<string[]> {
  const found: string[] = [];
  for await (const { config, state } of jsm.streams.list()) {
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(config.name, { seq }).catch(() => null);
      if (!message) continue;
      const headers = message.header ? message.header.keys().flatMap((key) => [key, ...message.header.values(key)]) : [];
      found.push(...findings(`stream ${config.name} #${seq}`, [message.subject, ...headers, new TextDecoder().decode(message.data)].join('\n')));
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

it('lets no phone number, ID number, email, date of birth or name through any field, attribute, header or subject, over HTTP or NATS', async () => {
  const list = attempts();
  const answers = new Map<string, number>();
  for (const attempt of list) {
    const status = await send(attempt);
    const key = `${attempt.mode} ${status === 0 ? 'stored by JetStream' : status}`;
    answers.set(key, (answers.get(key) ?? 0) + 1);
  }
  expect(list.length).toBeGreaterThanOrEqual(300);
  // Every HTTP attempt with a planted value in the event is refused; headers of its own are simply not kept.
  // What came straight over NATS is removed by the refusal gate: wait until the agency stream holds none.
  // (Past 20 s, the scan below says what is left.)
  const removedBy = Date.now() + 20_000;
  while ((await scanStreams(nats.jsm)).length > 0 && Date.now() < removedBy) await new Promise((done) => setTimeout(done, 200));
  await eventually(async () => {
    const info = await nats.jsm.consumers.info('PCMD_AGENCY_EVENTS', 'coordination-agency-events');
    return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
  }, 20_000);

  const found: string[] = [];
  found.push(...(await scanStreams(nats.jsm)));
  found.push(...findings('read model (store)', JSON.stringify(await store.load())));
  const api = [
    '/api/v1/committee/overview',
    '/api/v1/tasks',
    '/api/v1/alerts',
    '/api/v1/alerts/log',
    '/api/v1/bodies',
    '/api/v1/audit',
    '/api/v1/reports/periodic?period=2021-Q2&plan=kh-ba-dinh-2021&format=json',
    '/api/v1/targets/ct-kiem-tra-hanh-chinh-400?plan=kh-ba-dinh-2021',
  ];
  for (const path of api) {
    const response = await fetch(`${coordination.url}${path}`, { headers: { authorization: `Bearer ${tokens.secretariat}` } });
    found.push(...findings(`GET ${path} (${response.status})`, await response.text()));
  }
  for (const [agency, path] of [['labour', '/api/v1/referrals'], ['health', '/api/v1/referrals'], ['justice', '/api/v1/cases']] as const) {
    const response = await fetch(`${agencies.get(agency)!.url}${path}`, { headers: { authorization: `Bearer ${KEYS[agency]}` } });
    found.push(...findings(`GET ${agency} ${path} (${response.status})`, await response.text()));
  }
  for (const file of filesUnder(dataDir)) found.push(...findings(`file ${file.slice(dataDir.length)}`, readFileSync(file, 'latin1') + readFileSync(file, 'utf8')));
  found.push(...findings('logs', logs.join('')));

  console.log(`${list.length} attempts to plant personal data (${JSON.stringify(Object.fromEntries(answers))}); planted values found afterwards: ${found.length}`);
  expect(found).toEqual([]);
  // The scan would have seen them: each plant is found where it is written, the logs name what was refused.
  for (const plant of PLANTS) expect(findings('self-check', `… ${plant.text} … ${plant.code} …`)).not.toEqual([]);
  expect(logs.join('')).toContain('event refused');
  expect(answers.get('structured 202')).toBeGreaterThan(0);
}, 300_000);
