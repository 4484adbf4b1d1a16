import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { encodeBinary, findEventDefinition, MSG_ID_HEADER, STREAMS, type AgencyService, type BusEvent } from '@lienganh/contracts';
import {
  CoordinationProjection,
  DEMO_PLAN_FILES,
  InMemoryCoordinationStore,
  SlowCoordinationStore,
  startCoordinationService,
  type RunningCoordinationService,
} from '@lienganh/coordination';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { createRecordGenerator } from '../../scripts/cli/src/simulation/record-generator.js';
import { eventually } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

// Coordination over a store that takes its time (and stalls for a while): what it holds in
// memory stays within its bound, the rest waits in JetStream, and once the store answers
// again it catches up to the same read model as an instance over a fast store.

const AGENCY_STREAM = STREAMS.agencyEvents.name;
const AGENCIES: AgencyService[] = ['police', 'labour', 'health', 'culture', 'justice'];
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
/** Live events the slow instance may hold at once (its projector's concurrency). */
const LIMIT = 100;
/** In the stream before the slow instance starts (its catch-up), then live while its store is stalled. */
const BEFORE = 1_500;
const LIVE = 3_500;
const WRITE_LATENCY_MS = 25;

let nats: NatsFixture;
const services: RunningCoordinationService[] = [];

beforeAll(async () => {
  nats = await startNatsFixture();
});
afterAll(async () => {
  for (const service of services) await service.close();
  await nats?.close();
});

/** Simulated 2021 records of the five agencies, interleaved: cases, referrals and reports that refer to each other. */
function simulatedStream(count: number): BusEvent[] {
  const generators = AGENCIES.map((agency) => createRecordGenerator(agency, { seed: 23, count: count / AGENCIES.length }));
  return Array.from({ length: count }, (_, index) => generators[index % generators.length]!.next());
}

async function publish(events: BusEvent[]): Promise<void> {
  for (const event of events) {
    const { headers, data } = encodeBinary(event);
    const natsHeadersOf = natsHeaders();
    for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
    await nats.js.publish(findEventDefinition(event.type)!.subject, data, { headers: natsHeadersOf, msgID: event.id });
  }
}

async function caughtUp(consumer: string): Promise<true | undefined> {
  const info = await nats.jsm.consumers.info(AGENCY_STREAM, consumer);
  return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
}

it('holds at most its bound of events while the store is slow or stalled, and catches up to the read model of a fast store', async () => {
  const fast = await startCoordinationService({ ...nats.identity('coordination'), port: 0, instanceId: 'fast', deadlineTickMs: 0 });
  services.push(fast);
  await fast.plans.import(baDinh);
  const events = simulatedStream(BEFORE + LIVE);
  await publish(events.slice(0, BEFORE));

  // Started over a slow store: its catch-up reads what the stream holds, committing slowly.
  const slowStore = new SlowCoordinationStore(new InMemoryCoordinationStore(), WRITE_LATENCY_MS);
  const slow = await startCoordinationService({ ...nats.identity('coordination'), port: 0, instanceId: 'slow', store: slowStore, projector: { concurrency: LIMIT }, deadlineTickMs: 0 });
  services.push(slow);
  const { projector } = slow;
  expect(projector.maxInFlight).toBe(LIMIT + 1); // the agency stream's handlers and the one of coordination's own stream
  expect(projector.projection.checkpoints.get(AGENCY_STREAM)).toBe(BEFORE);

  // The store stops answering while events keep coming: the projector fills up to its bound and takes no more.
  slowStore.stall();
  await publish(events.slice(BEFORE));
  await eventually(() => (projector.inFlight === LIMIT ? true : undefined), 30_000, () => `(holding ${projector.inFlight})`);
  const stalled = await nats.jsm.consumers.info(AGENCY_STREAM, 'slow-agency-events');
  // Delivered and unacked: the handlers' events, the one the pull loop waits with, and at most two pull batches in the client.
  expect(stalled.num_ack_pending).toBeLessThanOrEqual(LIMIT + 1 + 2 * LIMIT);
  // Everything else waits in the stream, not in memory.
  expect(stalled.num_pending).toBeGreaterThanOrEqual(LIVE - stalled.num_ack_pending);
  expect(projector.inFlight).toBe(LIMIT);

  // The store answers again, slowly: the instance works through the backlog within its bound.
  const commitsBefore = slowStore.commits;
  slowStore.resume();
  await eventually(() => caughtUp('fast-agency-events'), 60_000);
  await eventually(() => caughtUp('slow-agency-events'), 60_000);
  expect(projector.peakInFlight).toBe(LIMIT);
  expect(projector.peakInFlight).toBeLessThanOrEqual(projector.maxInFlight);
  expect(slowStore.commits - commitsBefore).toBeGreaterThanOrEqual(LIVE / LIMIT); // a commit holds at most LIMIT live events

  // The same read model as the fast instance, field for field, in memory and in the store (whose
  // documents come in the order first committed: compared as the read model they restore).
  expect(projector.projection.checkpoints.get(AGENCY_STREAM)).toBe(BEFORE + LIVE);
  expect(projector.projection.snapshot()).toEqual(fast.projector.projection.snapshot());
  expect(CoordinationProjection.restore(await slowStore.load(), projector.projection.cases).snapshot()).toEqual(CoordinationProjection.restore(await fast.projector.store.load(), fast.projector.projection.cases).snapshot());
  const counted = [...fast.projector.projection.state.targets.values()].filter((tracked) => tracked.tally.events > 0);
  expect(counted.length).toBeGreaterThanOrEqual(3);
}, 120_000);
