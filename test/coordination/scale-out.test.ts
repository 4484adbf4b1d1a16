import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { encodeBinary, MSG_ID_HEADER, natsSubjectOf, STREAMS, type AgencyService, type BusEvent } from '@lienganh/contracts';
import { replayEvents } from '@lienganh/platform';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { createRecordGenerator } from '../../scripts/cli/src/simulation/record-generator.js';
import { eventually } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { getAs, TEST_USERS } from '../support/users.js';

/**
 * Scale-out (issue #8): several coordination instances run at once, each a full replica of
 * the read models through its own consumers, one of them (the holder of the `leader` lease)
 * raising and delivering alerts. Fed the same 10,000 events, two instances and a third that
 * reads them all at its start show the same read models, and no alert is raised twice,
 * also when the lease moves from one instance to the other halfway.
 */

const AGENCY_STREAM = STREAMS.agencyEvents.name;
const COORDINATION_STREAM = STREAMS.coordinationEvents.name;
const AGENCIES: AgencyService[] = ['police', 'labour', 'health', 'culture', 'justice'];
const EVENTS = 10_000;
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));

/** Every instance reads this clock; the test moves it. */
const clock = { current: new Date('2021-07-15T09:00:00+07:00'), now: () => clock.current };

/** 10,000 simulated 2021 records of the five agencies, interleaved: cases, referrals and reports that refer to each other. */
function simulatedStream(): BusEvent[] {
  const generators = AGENCIES.map((agency) => createRecordGenerator(agency, { seed: 23, count: EVENTS / AGENCIES.length }));
  return Array.from({ length: EVENTS }, (_, index) => generators[index % generators.length]!.next());
}

let nats: NatsFixture;
const running = new Set<RunningCoordinationService>();

/**
 * Long enough that a leader whose event loop is held up projecting a chunk beside two other
 * instances (a loaded CI machine) still renews in time: a lapse would hand the lease over mid-test.
 */
const LEASE_TTL_MS = 10_000;

/** An in-process instance with its own id; alerts only when `tick()` is called. */
async function startInstance(instanceId: string): Promise<RunningCoordinationService> {
  const service = await startCoordinationService({ ...nats.identity('coordination'), port: 0, instanceId, clock, deadlineTickMs: 0, leaseTtlMs: LEASE_TTL_MS, users: TEST_USERS });
  running.add(service);
  return service;
}

async function closeInstance(service: RunningCoordinationService): Promise<void> {
  running.delete(service);
  await service.close();
}

beforeAll(async () => {
  nats = await startNatsFixture();
});
afterAll(async () => {
  for (const service of running) await service.close();
  await nats?.close();
});

/** Published as the agencies' services publish (message id = event id), 250 at a time. */
async function publish(events: BusEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += 250) {
    await Promise.all(
      events.slice(start, start + 250).map((event) => {
        const { headers, data } = encodeBinary(event);
        const binary = natsHeaders();
        for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) binary.set(name, value);
        return nats.js.publish(natsSubjectOf(event), data, { headers: binary, msgID: event.id });
      }),
    );
  }
}

/** Whether an instance's consumers have had every event of both streams handled and acked (acks follow commits). */
async function caughtUp(service: RunningCoordinationService): Promise<true | undefined> {
  for (const [stream, consumer] of [
    [AGENCY_STREAM, `${service.instanceId}-agency-events`],
    [COORDINATION_STREAM, `${service.instanceId}-own-events`],
  ] as const) {
    const info = await nats.jsm.consumers.info(stream, consumer);
    if (info.num_pending > 0 || info.num_ack_pending > 0) return undefined;
  }
  return true;
}

const allCaughtUp = () => Promise.all([...running].map((service) => eventually(() => caughtUp(service), 60_000)));

/** What the committee sees on one instance, without the moment it was computed. */
async function boardOf(service: RunningCoordinationService) {
  const [overview, tasks, alerts] = await Promise.all(['committee/overview', 'tasks', 'alerts'].map((path) => getAs(`${service.url}/api/v1/${path}`)));
  for (const answer of [overview, tasks, alerts]) expect(answer!.status).toBe(200);
  const { generatedAt: _generatedAt, ...rest } = overview!.body;
  return { overview: rest, tasks: tasks!.body, alerts: alerts!.body };
}

/** Ticks every running instance; the alert ids each raised. */
async function tickAll(raised: Map<string, string[]>): Promise<void> {
  for (const service of running) {
    const ids = (await service.deadlines.tick()).map((decision) => decision.id);
    raised.set(service.instanceId, [...(raised.get(service.instanceId) ?? []), ...ids]);
  }
}

it('two instances fed 10,000 events show the same read models as a third that reads them at its start; alerts are raised once, also across a change of leader', async () => {
  const alpha = await startInstance('alpha');
  const beta = await startInstance('beta');
  // The first to start holds the lease; the other keeps its read models and waits.
  expect(alpha.leadership.leads).toBe(true);
  expect(beta.leadership.leads).toBe(false);

  await alpha.plans.import(baDinh);
  await eventually(() => (beta.projector.projection.state.plans.has(baDinh.id) ? true : undefined), 10_000);

  const events = simulatedStream();
  const raised = new Map<string, string[]>();
  // First half, alpha leading: each chunk, then a tick of every instance.
  for (let start = 0; start < EVENTS / 2; start += 1_000) {
    await publish(events.slice(start, start + 1_000));
    await allCaughtUp(); // a tick sees the chunk's deadlines, however slowly the machine projects
    await tickAll(raised);
  }
  expect(raised.get('alpha')!.length).toBeGreaterThan(0);
  expect(raised.get('beta')).toEqual([]);

  // Alpha closes: it releases the lease, and beta leads once it has read what alpha raised.
  await closeInstance(alpha);
  await eventually(() => (beta.leadership.leads ? true : undefined), 2 * LEASE_TTL_MS); // at beta's next attempt, a third of the TTL
  // The same id again, fresh (an in-memory store is rebuilt from the streams): now a standby.
  const alphaAgain = await startInstance('alpha');
  expect(alphaAgain.leadership.leads).toBe(false);

  // Second half, half a year later: more deadlines pass; beta raises, alpha does not.
  clock.current = new Date('2021-12-31T09:00:00+07:00');
  const alphaBefore = raised.get('alpha')!.length;
  for (let start = EVENTS / 2; start < EVENTS; start += 1_000) {
    await publish(events.slice(start, start + 1_000));
    await allCaughtUp(); // a tick sees the chunk's deadlines, however slowly the machine projects
    await tickAll(raised);
  }
  expect(raised.get('alpha')!.length).toBe(alphaBefore);
  expect(raised.get('beta')!.length).toBeGreaterThan(0);

  // Until a tick raises nothing new, with every instance caught up before it.
  for (;;) {
    await allCaughtUp();
    const before = raised.get('beta')!.length;
    await tickAll(raised);
    if (raised.get('beta')!.length === before) break;
  }
  expect((await nats.jsm.streams.info(AGENCY_STREAM)).state.messages).toBe(EVENTS);

  // A third instance, started after everything: it reads both streams at its start.
  const single = await startInstance('single');
  await allCaughtUp();
  const reference = single.projector.projection.snapshot();
  expect(reference.tallies.filter((tally) => tally.numeratorCount > 0).length).toBeGreaterThanOrEqual(3);
  expect(reference.referrals.length).toBeGreaterThan(0);
  expect(alphaAgain.projector.projection.snapshot()).toEqual(reference);
  expect(beta.projector.projection.snapshot()).toEqual(reference);
  expect(await alphaAgain.projector.store.load()).toEqual(await single.projector.store.load());
  expect(await beta.projector.store.load()).toEqual(await single.projector.store.load());
  // Reads can go to any instance behind a load balancer: the same board everywhere.
  const board = await boardOf(single);
  expect(await boardOf(alphaAgain)).toEqual(board);
  expect(await boardOf(beta)).toEqual(board);

  // Each alert raised once: by one instance, once on coordination's stream, once in every read model.
  const everyRaised = [...raised.values()].flat();
  expect(new Set(everyRaised).size).toBe(everyRaised.length);
  const onStream: string[] = [];
  await replayEvents(nats.nc, COORDINATION_STREAM, 'pcmd.events.coordination.deadline.>', (event) => onStream.push(event.id));
  expect(onStream.sort()).toEqual([...everyRaised].sort());
  expect(reference.alerts.map((alert) => alert.id).sort()).toEqual([...everyRaised].sort());
}, 240_000);
