import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { buildEvent, coordinationPlanPublished, STREAMS, validatePlan, type AgencyService, type BusEvent } from '@lienganh/contracts';
import { createLogger } from '@lienganh/platform';
import { DEMO_PLAN_FILES, InMemoryCoordinationStore, ProjectionSnapshots, snapshotVersion, startCoordinationService, type CoordinationStore, type RunningCoordinationService, type StoredProjection } from '@lienganh/coordination';
import { createRecordGenerator } from '../../scripts/cli/src/simulation/record-generator.js';
import { eventually } from '../support/http.js';
import { publishBinary, startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS } from '../support/users.js';

// Issue #23: a restart loads the latest snapshot of the read model and replays only what came
// after it; the result is the full replay's, field for field. ADR 0022.

const AGENCIES: AgencyService[] = ['police', 'labour', 'health', 'culture', 'justice'];
const baDinh = validatePlan(parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8')));

/** Simulated 2021 records of the five agencies, interleaved: cases, referrals and reports that refer to each other. */
const generators = AGENCIES.map((agency) => createRecordGenerator(agency, { seed: 23, count: 600 }));
const simulated = (count: number): BusEvent[] => Array.from({ length: count }, (_, index) => generators[index % generators.length]!.next());

let nats: NatsFixture;
const running: RunningCoordinationService[] = [];

beforeAll(async () => {
  nats = await startNatsFixture();
  await publishBinary(nats.js, buildEvent(coordinationPlanPublished, baDinh, { id: `plan-published-${baDinh.id}` }));
});
afterAll(async () => {
  for (const service of running) await service.close().catch(() => undefined);
  await nats?.close();
});

/** Coordination in this process, its log lines kept. */
async function start(instanceId: string, snapshots: { everyEvents: number } | false, store?: CoordinationStore): Promise<{ service: RunningCoordinationService; log: string[] }> {
  const log: string[] = [];
  const destination = new Writable({ write: (line, _encoding, done) => (log.push(JSON.parse(String(line)).msg), done()) });
  const service = await startCoordinationService({ ...nats.identity('coordination'), port: 0, instanceId, deadlineTickMs: 0, users: TEST_USERS, snapshots, ...(store ? { store } : {}), logger: createLogger('coordination', 'info', destination) });
  running.push(service);
  return { service, log };
}

async function stop(service: RunningCoordinationService): Promise<void> {
  running.splice(running.indexOf(service), 1);
  await service.close();
}

async function publish(events: BusEvent[]): Promise<void> {
  for (const event of events) await publishBinary(nats.js, event);
}

/** Until the instance's agency consumer has every event of the stream committed (acks follow commits). */
async function settled(instanceId: string): Promise<void> {
  await eventually(async () => {
    const info = await nats.jsm.consumers.info(STREAMS.agencyEvents.name, `${instanceId}-agency-events`);
    return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
  }, 20_000);
}

/** Everything the read models hold (histories, activity and every target's latest events included), and the events applied. */
function readModelOf(service: RunningCoordinationService) {
  const { projection } = service.projector;
  return { ...projection.snapshot(), applied: projection.state.applied.size };
}

const caughtUpOn = (log: string[]) => Number(/caught up on (\d+) events/.exec(log.find((line) => line.includes('caught up on')) ?? '')?.[1]);

it('a restart loads the latest snapshot and replays only the events after it: the read model equals a full replay, field for field', async () => {
  const first = await start('snapshots', { everyEvents: 400 });
  await publish(simulated(1_000));
  await settled('snapshots');
  await eventually(async () => (first.log.some((line) => line.startsWith('coordination: snapshot saved')) ? true : undefined), 10_000);
  await stop(first.service);
  expect(first.log.filter((line) => line.startsWith('coordination: snapshot saved')).length).toBeGreaterThanOrEqual(2);

  // While no instance runs: the tail the next start reads after the snapshot.
  const tail = simulated(500);
  await publish(tail);
  const restarted = await start('snapshots', { everyEvents: 400 });
  expect(restarted.log.some((line) => line.startsWith('coordination: snapshot loaded'))).toBe(true);
  expect(caughtUpOn(restarted.log)).toBe(tail.length);

  const reference = await start('full-replay', false);
  expect(caughtUpOn(reference.log)).toBeGreaterThanOrEqual(1_500);
  const [fromSnapshot, fromReplay] = [readModelOf(restarted.service), readModelOf(reference.service)];
  expect(fromSnapshot.tallies.some((tally) => tally.events! > 0)).toBe(true);
  expect(Object.values(fromSnapshot.recent!).flat().length).toBeGreaterThan(0);
  expect(fromSnapshot.histories!.some((history) => Object.keys(history.days).length > 0)).toBe(true);
  expect(fromSnapshot).toEqual(fromReplay);

  // And live events after the restart go on from there.
  const more = simulated(200);
  await publish(more);
  await Promise.all([settled('snapshots'), settled('full-replay')]);
  expect(readModelOf(restarted.service)).toEqual(readModelOf(reference.service));
  await stop(restarted.service);
  await stop(reference.service);
});

it.each([
  ['of another version', async (shelf: ProjectionSnapshots, checkpoints: Record<string, number>) => shelf.save({ version: 'coordination@0.0.0+snapshot-format.0', checkpoints, body: Buffer.from('{}') }), 'is of version'],
  ['that is no dump of the store', async (shelf: ProjectionSnapshots, checkpoints: Record<string, number>) => shelf.save({ version: snapshotVersion(), checkpoints, body: Buffer.from('{"plans": 3') }), 'snapshot unreadable'],
  [
    'covering more than the streams hold (restored from a backup)',
    async (shelf: ProjectionSnapshots, checkpoints: Record<string, number>) => shelf.save({ version: snapshotVersion(), checkpoints: { ...checkpoints, [STREAMS.agencyEvents.name]: checkpoints[STREAMS.agencyEvents.name]! + 1_000 }, body: Buffer.from('{}') }),
    'restored or recreated',
  ],
])('a snapshot %s is ignored with a log line, and everything is replayed', async (_case, write, reason) => {
  const streams = await Promise.all([STREAMS.agencyEvents.name, STREAMS.coordinationEvents.name].map(async (stream) => [stream, (await nats.jsm.streams.info(stream)).state.last_seq] as const));
  const instanceId = `ignored-${reason.length}`;
  await write(await ProjectionSnapshots.open(nats.nc, instanceId), Object.fromEntries(streams));
  const { service, log } = await start(instanceId, { everyEvents: 100_000 });
  expect(log.find((line) => line.includes('replaying the streams from the start'))).toContain(reason);
  expect(caughtUpOn(log)).toBe(streams.reduce((sum, [, seq]) => sum + seq, 0));
  const reference = await start(`${instanceId}-reference`, false);
  expect(readModelOf(service)).toEqual(readModelOf(reference.service));
  await stop(service);
  await stop(reference.service);
});

/** A store a crash left in the middle of a commit, as MongoDB tells it (`interrupted`) until it is cleared. */
class CutShortStore extends InMemoryCoordinationStore {
  private cutShort = true;
  override async load(): Promise<StoredProjection> {
    const loaded = await super.load();
    return this.cutShort ? { ...loaded, interrupted: true } : loaded;
  }
  override async clear(): Promise<void> {
    this.cutShort = false;
    await super.clear();
  }
}

it('a store whose last commit a crash cut short is cleared with a log line, and the streams replayed (ADR 0023)', async () => {
  const streams = await Promise.all([STREAMS.agencyEvents.name, STREAMS.coordinationEvents.name].map(async (stream) => [stream, (await nats.jsm.streams.info(stream)).state.last_seq] as const));
  const store = new CutShortStore();
  // Half-written: checkpoints at the streams' ends and a tally no event made.
  await store.commit({ checkpoints: Object.fromEntries(streams), plans: [baDinh], tallies: [{ key: `${baDinh.id}/ct-kiem-tra-hanh-chinh-400`, numeratorCount: 999, denominatorCount: 0, numeratorValues: [], denominatorValues: [], events: 999, byArea: {}, appliedAdded: [] }] });
  const { service, log } = await start('cut-short', false, store);
  expect(log.some((line) => line.includes('holds a commit a crash cut short') && line.includes('rebuilding'))).toBe(true);
  expect(caughtUpOn(log)).toBe(streams.reduce((sum, [, seq]) => sum + seq, 0));
  const reference = await start('cut-short-reference', false);
  expect(readModelOf(service)).toEqual(readModelOf(reference.service));
  await stop(service);
  await stop(reference.service);
});
