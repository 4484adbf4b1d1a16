import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { encodeBinary, findEventDefinition, MSG_ID_HEADER, policeInspectionCompleted, STREAMS, type AgencyService, type BusEvent } from '@lienganh/contracts';
import { DeadLetterHeaders } from '@lienganh/platform';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { createRecordGenerator } from '../../scripts/cli/src/simulation/record-generator.js';
import { startServiceProcess } from '../support/service-process.js';
import { eventually } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { asUser, TEST_USERS, writeUsersFile } from '../support/users.js';

const AGENCY_STREAM = STREAMS.agencyEvents.name;
const AGENCIES: AgencyService[] = ['police', 'labour', 'health', 'culture', 'justice'];
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));

/** 5,000 simulated 2021 records of the five agencies, interleaved: cases, referrals and reports that refer to each other. */
function simulatedStream(): BusEvent[] {
  const generators = AGENCIES.map((agency) => createRecordGenerator(agency, { seed: 11, count: 1_000 }));
  return Array.from({ length: 5_000 }, (_, index) => generators[index % generators.length]!.next());
}

/** The coordination service as its own process, the way it runs in production. */
async function startCoordinationProcess(natsUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const started = await startServiceProcess('services/coordination/dist/main.js', { ...nats.identityEnv('coordination'), NATS_URL: natsUrl, COORDINATION_PORT: '0', MONGODB_URI: '', DEADLINE_TICK_MS: '0', LIENGANH_USERS_FILE: usersFile });
  children.push(started.child);
  return started;
}

let nats: NatsFixture;
let usersDir: string;
let usersFile: string;
const children: ChildProcess[] = [];
const services: RunningCoordinationService[] = [];

beforeAll(async () => {
  nats = await startNatsFixture();
  usersDir = mkdtempSync(join(tmpdir(), 'lienganh-crash-users-'));
  usersFile = writeUsersFile(usersDir);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const service of services) await service.close();
  await nats?.close();
  rmSync(usersDir, { recursive: true, force: true });
});

/** A message no consumer can decode, on a police subject: it must go to the dead-letter stream and count for nothing. */
const POISON_AT = 2_500;
const publishPoison = () => nats.js.publish(policeInspectionCompleted.subject, new TextEncoder().encode('{"not": "a cloud event"'), { msgID: 'poison-1' });

async function publish(events: BusEvent[], msgIdPrefix = '', poisonAt = -1): Promise<void> {
  for (const [index, event] of events.entries()) {
    if (index === poisonAt) await publishPoison();
    const { headers, data } = encodeBinary(event);
    const natsHeadersOf = natsHeaders();
    for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
    await nats.js.publish(findEventDefinition(event.type)!.subject, data, { headers: natsHeadersOf, msgID: `${msgIdPrefix}${event.id}` });
  }
}

/** Whether a durable consumer has delivered every event of the stream and had each acknowledged (acks follow commits). */
async function caughtUp(consumer: string): Promise<true | undefined> {
  const info = await nats.jsm.consumers.info(AGENCY_STREAM, consumer);
  return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
}

/** What the committee and the board show, without the moment it was computed. */
async function boardOf(url: string) {
  const [overview, tasks] = await Promise.all([fetch(`${url}/api/v1/committee/overview`, { headers: asUser() }).then((r) => r.json() as any), fetch(`${url}/api/v1/tasks`, { headers: asUser() }).then((r) => r.json())]);
  const { generatedAt: _generatedAt, ...rest } = overview;
  return { ...rest, tasks };
}

it('gives the same numbers after a SIGKILL mid-stream and a restart as an uninterrupted run; a poison message is dead-lettered; re-sent events change nothing; a rebuild equals the live model', async () => {
  // The uninterrupted run: an in-process instance with its own durable consumers.
  const reference = await startCoordinationService({ ...nats.identity('coordination'), port: 0, consumerPrefix: 'reference', deadlineTickMs: 0, users: TEST_USERS });
  services.push(reference);
  await reference.plans.import(baDinh);

  let crashed = await startCoordinationProcess(nats.server.url);
  const events = simulatedStream();
  const publishing = publish(events, '', POISON_AT);
  // Kill it while it is in the middle: some events applied, many still to come.
  await eventually(async () => ((await nats.jsm.consumers.info(AGENCY_STREAM, 'coordination-agency-events')).ack_floor.stream_seq >= 1_000 ? true : undefined), 30_000);
  const exited = new Promise((resolve) => crashed.child.once('exit', resolve));
  crashed.child.kill('SIGKILL');
  await exited;
  const streamWhenKilled = (await nats.jsm.streams.info(AGENCY_STREAM)).state.messages;
  await publishing;
  expect(streamWhenKilled).toBeLessThan(5_001);

  crashed = await startCoordinationProcess(nats.server.url);
  await eventually(() => caughtUp('reference-agency-events'), 30_000);
  await eventually(() => caughtUp('coordination-agency-events'), 30_000);
  const uninterrupted = await boardOf(reference.url);
  const restarted = await boardOf(crashed.url);
  expect(restarted).toEqual(uninterrupted);
  const achieved = uninterrupted.targets.map((target: { achieved: number }) => target.achieved);
  expect(achieved.filter((value: number) => value > 0).length).toBeGreaterThanOrEqual(3);
  expect(uninterrupted.plans[0].referrals.made).toBeGreaterThan(0);

  // The poison message went to the dead-letter stream, with why, once (whichever consumer refused it
  // first: the uninterrupted one, which read it live, or the refusal gate), and is gone from the stream (ADR 0014).
  const { first_seq: firstLetter, messages: letters } = (await nats.jsm.streams.info(STREAMS.deadLetter.name)).state;
  expect(letters).toBe(1);
  const deadLetter = await nats.jsm.streams.getMessage(STREAMS.deadLetter.name, { seq: firstLetter });
  expect(deadLetter!.subject).toMatch(/^pcmd\.dead-letter\.(reference-agency-events|coordination-refusal-gate)$/);
  expect(deadLetter!.header.get(DeadLetterHeaders.reason)).toMatch(/undecodable/);
  expect(deadLetter!.string()).not.toContain('{"not": "a cloud event"');

  // Re-sent after the duplicate window (new message ids): the stream stores them again, coordination counts them once.
  const resent = events.filter((_, index) => index % 10 === 3);
  expect(resent).toHaveLength(500);
  await publish(resent, 'resent-');
  expect((await nats.jsm.streams.info(AGENCY_STREAM)).state.messages).toBe(5_500); // the poison message removed
  await eventually(() => caughtUp('reference-agency-events'), 30_000);
  await eventually(() => caughtUp('coordination-agency-events'), 30_000);
  expect(await boardOf(reference.url)).toEqual(uninterrupted);
  expect(await boardOf(crashed.url)).toEqual(uninterrupted);

  // A rebuild from an empty store equals the incrementally built read model, field for field.
  const rebuilt = await startCoordinationService({ ...nats.identity('coordination'), port: 0, consumerPrefix: 'rebuild', deadlineTickMs: 0, users: TEST_USERS });
  services.push(rebuilt);
  expect(rebuilt.projector.projection.snapshot()).toEqual(reference.projector.projection.snapshot());
  expect(await rebuilt.projector.store.load()).toEqual(await reference.projector.store.load());
  expect(await boardOf(rebuilt.url)).toEqual(uninterrupted);
}, 120_000);
