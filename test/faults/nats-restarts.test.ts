import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildEvent, policeInspectionCompleted, STREAMS, type BusEvent } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { startAgencyService, type RunningAgencyService } from '@lienganh/platform';
import { policeService } from '@lienganh/police';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { asUser, TEST_USERS, tokens } from '../support/users.js';

// A steady stream of ingests while nats-server is restarted twice: every accepted event is
// counted once on the board, none is lost, none is doubled.

const keys = { police: 'police-fault-test-key-0123456789' };
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const TARGET = 'kh-ba-dinh-2021/ct-kiem-tra-hanh-chinh-400';
const TOTAL = 600;

let nats: NatsFixture;
let police: RunningAgencyService;
let coordination: RunningCoordinationService;
let dataDir: string;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-faults-'));
  police = await startAgencyService(policeService, { ...nats.identity('police'), port: 0, dataDir, keys });
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
});
afterAll(async () => {
  await coordination?.close();
  await police?.close();
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function inspection(n: number): Omit<BusEvent, 'source' | 'subject'> {
  const data = { ...policeInspectionCompleted.example, inspectionId: `kt-fault-${n}`, areaCode: 'hn-ba-dinh-kim-ma' };
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, data, { id: `kt-fault-${n}`, time: new Date(Date.UTC(2021, 1, 1) + n * 60_000) });
  return event;
}

it('counts every accepted event exactly once when nats-server restarts twice mid-stream', async () => {
  const accepted: string[] = [];
  let restarting: Promise<void> = Promise.resolve();
  for (let n = 0; n < TOTAL; n++) {
    // Restarted while the posts go on: the police outbox holds what cannot be published meanwhile.
    if (n === 200 || n === 400) restarting = restarting.then(() => nats.server.restart());
    const response = await postJson(`${police.url}/api/v1/events`, inspection(n), keys.police);
    expect(response.status).toBe(202);
    accepted.push(...response.body.accepted);
  }
  await restarting;
  // Some events re-sent by an impatient client during the faults: stored or counted once.
  for (let n = 190; n < 210; n++) expect((await postJson(`${police.url}/api/v1/events`, inspection(n), keys.police)).status).toBe(202);

  await eventually(async () => ((await nats.jsm.streams.info(STREAMS.agencyEvents.name)).state.messages === TOTAL ? true : undefined), 30_000);
  const tally = await eventually(() => {
    const current = coordination.projector.projection.state.targets.get(TARGET)!.tally;
    return current.numeratorCount >= TOTAL ? current : undefined;
  }, 30_000);
  expect(new Set(accepted).size).toBe(TOTAL);
  expect(tally.numeratorCount).toBe(TOTAL);
  expect(tally.events).toBe(TOTAL);
  const overview = (await (await fetch(`${coordination.url}/api/v1/committee/overview`, { headers: asUser() })).json()) as { targets: { id: string; achieved: number }[] };
  expect(overview.targets.find((target) => target.id === 'ct-kiem-tra-hanh-chinh-400')!.achieved).toBe(TOTAL);
}, 90_000);
