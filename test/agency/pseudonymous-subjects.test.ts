import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildEvent,
  decodeNatsMessage,
  EXAMPLE_SUBJECT_REF,
  labourReferralMade,
  policeReferralMade,
  policeSanctionIssued,
  STREAMS,
  subjectRefOf,
  type EventDefinition,
} from '@lienganh/contracts';
import { createLogger, startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { labourService } from '@lienganh/labour';
import { policeService } from '@lienganh/police';
import type { StoredMsg } from '@nats-io/jetstream';
import { repoRoot } from '../support/cli.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { startServiceProcess } from '../support/service-process.js';
import { eventually, postJson } from '../support/http.js';

/**
 * The agency service is the edge that pseudonymises: its agency's systems may send their own
 * record key in place of a subject reference, and only `sr_` + HMAC(the service's key, record
 * key) reaches the stream. The key and the record key stay in the service.
 */

const keys = { police: 'police-test-key-0123456789', labour: 'labour-test-key-0123456789' };
const policeKey = randomBytes(32);
const labourKey = randomBytes(32);
const stream = STREAMS.agencyEvents.name;

let nats: NatsFixture;
let police: RunningAgencyService;
let keyless: RunningAgencyService;
let labour: RunningAgencyService;
const dataDirs: string[] = [];
/** Every log line of the police service, at the most verbose level. */
const policeLog: string[] = [];

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lienganh-pseudonym-'));
  dataDirs.push(dir);
  return dir;
};

beforeAll(async () => {
  nats = await startNatsFixture();
  const logger = createLogger('police', 'trace', { write: (line: string) => void policeLog.push(line) });
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir: tempDir(), keys, pseudonymKey: policeKey, logger });
  keyless = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir: tempDir(), keys });
  labour = await startAgencyService(labourService, { ...nats.identity('labour'), port: 0, dataDir: tempDir(), keys, pseudonymKey: labourKey });
});
afterAll(async () => {
  await police?.close();
  await keyless?.close();
  await labour?.close();
  await nats?.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** An event as an agency system posts it (no source, no subject), `subjectRef` as given. */
function record(definition: EventDefinition, subjectRef: unknown) {
  const { source: _source, subject: _subject, ...event } = buildEvent(definition, definition.example, { id: randomUUID() });
  const entity = definition.subjectField;
  return { ...event, data: { ...(definition.example as Record<string, unknown>), [entity]: `${definition.entity}-${randomUUID()}`, subjectRef } };
}

const post = (service: RunningAgencyService, body: unknown, key = keys.police) => postJson(`${service.url}/api/v1/events`, body, key);
const messageCount = async () => (await nats.jsm.streams.info(stream)).state.messages;
const lastOf = async (definition: EventDefinition) => (await nats.jsm.streams.getMessage(stream, { last_by_subj: definition.subject }))!;
const subjectRefIn = (message: StoredMsg) => (decodeNatsMessage(message.header, message.data).data as { subjectRef: string }).subjectRef;

/** All of a stored message, headers and body, as text. */
const rawText = (message: StoredMsg) => [...message.header.keys()].map((name) => `${name}: ${message.header.values(name).join(', ')}`).join('\n') + `\n${message.string()}`;

/** Every file under `dir`, as text. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [readFileSync(join(dir, name), 'utf8')]));

/** The outbox's files as text, each entry's body (kept in base64) decoded beside it. */
const outboxText = (dir: string) =>
  filesUnder(dir)
    .flatMap((text) => text.split('\n'))
    .map((line) => {
      const data = /"data":"([A-Za-z0-9+/=]*)"/.exec(line)?.[1];
      return data === undefined ? line : `${line}\n${Buffer.from(data, 'base64').toString('utf8')}`;
    })
    .join('\n');

describe('subject references made at the agency edge', () => {
  it('stores sr_ + HMAC(service key, record key) for a referral sent with a record key, and the record key nowhere', async () => {
    const recordKey = `HS-2021-${randomUUID().slice(0, 8)}`;
    const sent = record(policeReferralMade, { recordKey });
    expect(await post(police, sent)).toEqual({ status: 202, body: { accepted: [sent.id] } });

    const message = await lastOf(policeReferralMade);
    expect(message.header.get('ce-id')).toBe(sent.id);
    expect(subjectRefIn(message)).toBe(subjectRefOf(policeKey, recordKey));
    expect(rawText(message)).not.toContain(recordKey);
    expect(rawText(message)).toContain(subjectRefOf(policeKey, recordKey));
    // The service logged (at trace level) without it either.
    expect(policeLog.length).toBeGreaterThan(0);
    expect(policeLog.join('\n')).not.toContain(recordKey);

    // Labour's inbox holds the person under that reference.
    const referrals = await eventually(async () => {
      const response = await fetch(`${labour.url}/api/v1/referrals`, { headers: { authorization: `Bearer ${keys.labour}` } });
      const { referrals } = (await response.json()) as { referrals: { referralId: string; subjectRef: string }[] };
      return referrals.some((referral) => referral.referralId === sent.data.referralId) ? referrals : undefined;
    });
    expect(referrals.find((referral) => referral.referralId === sent.data.referralId)!.subjectRef).toBe(subjectRefOf(policeKey, recordKey));
  });

  it("gives one person one reference within an agency (a sanction and two referrals link up), another in another agency", async () => {
    const recordKey = `HS-2021-${randomUUID().slice(0, 8)}`;
    const refs: string[] = [];
    for (const definition of [policeSanctionIssued, policeReferralMade, policeReferralMade]) {
      expect((await post(police, record(definition, { recordKey }))).status).toBe(202);
      refs.push(subjectRefIn(await lastOf(definition)));
    }
    expect(new Set(refs)).toEqual(new Set([subjectRefOf(policeKey, recordKey)]));

    expect((await post(labour, record(labourReferralMade, { recordKey }), keys.labour)).status).toBe(202);
    const labourRef = subjectRefIn(await lastOf(labourReferralMade));
    expect(labourRef).toBe(subjectRefOf(labourKey, recordKey));
    expect(labourRef).not.toBe(refs[0]);
  });

  it('still takes an sr_ reference the agency system made itself, as it is', async () => {
    const sent = record(policeReferralMade, EXAMPLE_SUBJECT_REF);
    expect((await post(police, sent)).status).toBe(202);
    expect(subjectRefIn(await lastOf(policeReferralMade))).toBe(EXAMPLE_SUBJECT_REF);
  });

  it('answers a record key in a bad shape with 400 naming the field, and publishes nothing', async () => {
    const before = await messageCount();
    const response = await post(police, [record(policeReferralMade, { recordKey: 'HS-1' }), record(policeReferralMade, { recordKey: 'HS 2021 0042', name: 'Trần Thị C' })]);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid-event');
    expect(response.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['[1].data.subjectRef.name', '[1].data.subjectRef.recordKey']);
    expect(JSON.stringify(response.body)).not.toContain('HS 2021 0042');
    expect(JSON.stringify(response.body)).not.toContain('Trần');
    expect(await messageCount()).toBe(before);
  });

  it('without a key, the service refuses a record key with 422 and publishes nothing, and takes sr_ references', async () => {
    const recordKey = `HS-2021-${randomUUID().slice(0, 8)}`;
    const before = await messageCount();
    const response = await post(keyless, [record(policeReferralMade, EXAMPLE_SUBJECT_REF), record(policeReferralMade, { recordKey })]);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ error: 'pseudonymisation-unavailable', issues: [{ path: '[1].data.subjectRef.recordKey' }] });
    expect(response.body.issues[0].message).toContain('LIENGANH_PSEUDONYM_KEY_FILE');
    expect(JSON.stringify(response.body)).not.toContain(recordKey);
    expect(await messageCount()).toBe(before);

    expect((await post(keyless, record(policeReferralMade, EXAMPLE_SUBJECT_REF))).status).toBe(202);
    expect((await fetch(`${keyless.url}/healthz`)).status).toBe(200);
  });

  it('with nats-server stopped, keeps only the sr_ in the outbox, and publishes it once NATS is back', async () => {
    const recordKey = `HS-2021-${randomUUID().slice(0, 8)}`;
    const sent = record(policeReferralMade, { recordKey });
    await nats.server.stop();
    try {
      expect((await post(police, sent)).status).toBe(202);
      expect(police.publisher.pending).toBe(1);
      const outbox = outboxText(join(dataDirs[0]!, 'outbox'));
      expect(outbox).toContain(subjectRefOf(policeKey, recordKey));
      expect(outbox).not.toContain(recordKey);
    } finally {
      await nats.server.restart();
    }
    await police.publisher.whenDrained(20_000);
    const message = await eventually(async () => {
      const last = await lastOf(policeReferralMade);
      return last.header.get('ce-id') === sent.id ? last : undefined;
    });
    expect(subjectRefIn(message)).toBe(subjectRefOf(policeKey, recordKey));
    expect(rawText(message)).not.toContain(recordKey);
    expect(policeLog.join('\n')).not.toContain(recordKey);
  });

  it('as its own process, takes its key from LIENGANH_PSEUDONYM_KEY_FILE, and refuses to start with a bad one (exit 2, no stack)', async () => {
    const dir = tempDir();
    const keyFile = join(dir, 'police.key');
    const key = randomBytes(32);
    writeFileSync(keyFile, `${key.toString('hex')}\n`, { mode: 0o600 });
    const env = { ...nats.identityEnv('police'), POLICE_PORT: '0', DATA_DIR: dir, LIENGANH_AGENCY_KEYS: JSON.stringify(keys), LIENGANH_PSEUDONYM_KEY_FILE: keyFile };
    const { child, url } = await startServiceProcess('services/police/dist/main.js', env);
    try {
      const recordKey = `HS-2021-${randomUUID().slice(0, 8)}`;
      const sent = record(policeReferralMade, { recordKey });
      expect((await postJson(`${url}/api/v1/events`, sent, keys.police)).status).toBe(202);
      const message = await eventually(async () => {
        const last = await lastOf(policeReferralMade);
        return last.header.get('ce-id') === sent.id ? last : undefined;
      });
      expect(subjectRefIn(message)).toBe(subjectRefOf(key, recordKey));
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }

    const short = randomBytes(16).toString('base64');
    writeFileSync(keyFile, `${short}\n`);
    const bad = spawn(process.execPath, [join(repoRoot, 'services/police/dist/main.js')], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    bad.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    bad.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => bad.once('exit', resolve));
    expect({ code, output }).toEqual({ code: 2, output: expect.stringContaining('LIENGANH_PSEUDONYM_KEY_FILE') });
    expect(output).toContain('at least 32 random bytes');
    expect(output).not.toContain(short);
    expect(output).not.toMatch(/\n\s+at /);
  }, 60_000);
});
