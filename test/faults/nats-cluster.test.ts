import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildEvent, eventKey, policeInspectionCompleted, STREAMS, type BusEvent } from '@lienganh/contracts';
import { committeeOverview, DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { replayEvents, startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually, postJson } from '../support/http.js';
import { startNatsClusterFixture, type NatsClusterFixture } from '../support/nats-cluster.js';

// A three-node NATS cluster with every stream replicated on each node. A steady stream of
// ingests; the node leading the agency stream is killed during it and brought back later:
// every accepted event is in the stream once and counted once on the board.

const AGENCY_STREAM = STREAMS.agencyEvents.name;
const keys = { police: 'police-cluster-test-key-0123456789' };
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const TARGET_ID = 'ct-kiem-tra-hanh-chinh-400';
const TARGET = `${baDinh.id}/${TARGET_ID}`;
const TOTAL = 600;
const KILL_AT = 200;
const RESTART_AT = 400;

let nats: NatsClusterFixture;
let police: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsClusterFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-cluster-'));
  // Both name every node (comma-separated NATS_URL) and fail over between them.
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  // A pull or a delivery lost with the killed node is noticed within seconds, not the default 30 s.
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, projector: { ackWaitMs: 3_000, pullExpiresMs: 2_000 } });
  await coordination.plans.import(baDinh);
}, 60_000);
afterAll(async () => {
  await coordination?.close();
  await police?.close();
  await nats?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function inspection(n: number): Omit<BusEvent, 'source' | 'subject'> {
  const data = { ...policeInspectionCompleted.example, inspectionId: `kt-cluster-${n}`, areaCode: 'hn-ba-dinh-kim-ma' };
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, data, { id: `kt-cluster-${n}`, time: new Date(Date.UTC(2021, 1, 1) + n * 60_000) });
  return event;
}

async function streamLeader(): Promise<number> {
  const info = await nats.jsm.streams.info(AGENCY_STREAM);
  return nats.cluster.indexOf(info.cluster!.leader!);
}

it('stores and counts every accepted event exactly once when the node leading the agency stream is killed mid-stream and brought back', async () => {
  const stream = await nats.jsm.streams.info(AGENCY_STREAM);
  expect(stream.config.num_replicas).toBe(3);
  expect(stream.cluster!.replicas).toHaveLength(2);
  const leader = await streamLeader();

  const accepted: string[] = [];
  let fault: Promise<void> = Promise.resolve();
  for (let n = 0; n < TOTAL; n++) {
    // Killed and restarted while the posts go on: the police outbox holds what cannot be published meanwhile.
    if (n === KILL_AT) fault = fault.then(() => nats.cluster.kill(leader));
    if (n === RESTART_AT) fault = fault.then(() => nats.cluster.restart(leader));
    const response = await postJson(`${police.url}/api/v1/events`, inspection(n), keys.police);
    expect(response.status).toBe(202);
    accepted.push(...response.body.accepted);
  }
  await fault;
  expect(new Set(accepted).size).toBe(TOTAL);

  // The stream went on under a new leader and holds every event once.
  await eventually(async () => ((await nats.jsm.streams.info(AGENCY_STREAM)).state.messages === TOTAL ? true : undefined), 60_000);
  const ids: string[] = [];
  await replayEvents(nats.nc, AGENCY_STREAM, undefined, (event) => ids.push(event.id));
  expect(ids).toHaveLength(TOTAL);
  expect(new Set(ids)).toEqual(new Set(accepted));
  // The node that was killed is back among the replicas and has caught up.
  const replicas = await eventually(async () => {
    const { cluster } = await nats.jsm.streams.info(AGENCY_STREAM);
    const all = [cluster!.leader, ...cluster!.replicas!.filter((replica) => replica.current && !replica.lag).map((replica) => replica.name)];
    return all.length === 3 ? all : undefined;
  }, 30_000);
  expect(replicas).toContain(nats.cluster.nodes[leader]!.name);

  // Coordination counted each once: the tally, its contributions in the store, the committee's figure.
  const tally = await eventually(() => {
    const current = coordination.projector.projection.state.targets.get(TARGET)!.tally;
    return current.events >= TOTAL ? current : undefined;
  }, 60_000);
  expect(tally.numeratorCount).toBe(TOTAL);
  // The police service's own source: each event applied once by its key, source + id.
  expect(tally.events).toBe(TOTAL);
  for (const id of accepted) expect(coordination.projector.projection.state.applied.has(eventKey({ source: '/pcmd/police', id }))).toBe(true);
  await eventually(async () => ((await coordination.projector.store.load()).tallies.find((committed) => committed.key === TARGET)?.events === TOTAL ? true : undefined), 10_000);
  const { projection } = coordination.projector;
  const overview = committeeOverview(projection.state, projection.areas, new Date('2021-12-31T12:00:00+07:00'));
  expect(overview.find((target) => target.id === TARGET_ID)!.achieved).toBe(TOTAL);
}, 120_000);
