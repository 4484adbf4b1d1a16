import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { buildEvent, encodeBinary, findEventDefinition, MSG_ID_HEADER, policeInspectionCompleted, STREAMS, type AgencyService, type BusEvent } from '@lienganh/contracts';
import { committeeOverview, DEMO_PLAN_FILES, startCoordinationService, storeFromEnv, type RunningCoordinationService } from '@lienganh/coordination';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { createRecordGenerator } from '../../scripts/cli/src/simulation/record-generator.js';
import { runCli } from '../support/cli.js';
import { eventually } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

// `npx lienganh replay` against a real nats-server: the read models it rebuilds from the
// streams are the ones the live coordination service built event by event.

const AGENCIES: AgencyService[] = ['police', 'labour', 'health', 'culture', 'justice'];
const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const EVENTS = 600;

let nats: NatsFixture;
let coordination: RunningCoordinationService;

beforeAll(async () => {
  nats = await startNatsFixture();
  // Without the refusal gate (ADR 0014), which would remove the forged event below: replay must
  // refuse what a stream still holds (stored before the gate ran, or while coordination was down).
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, refusalGate: false });
  await coordination.plans.import(baDinh);
  const generators = AGENCIES.map((agency) => createRecordGenerator(agency, { seed: 5, count: EVENTS / AGENCIES.length }));
  for (let index = 0; index < EVENTS; index++) await publish(generators[index % AGENCIES.length]!.next());
  // A forged one: a police fact on a labour subject, which counts nowhere.
  const forged = buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: 'kt-gia' }, { id: 'kt-gia', time: '2021-05-04T21:00:00+07:00' });
  await publish(forged, 'pcmd.events.labour.inspection.completed');
  await eventually(async () => {
    const info = await nats.jsm.consumers.info(STREAMS.agencyEvents.name, 'coordination-agency-events');
    return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
  }, 30_000);
}, 90_000);
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
});

async function publish(event: BusEvent, subject = findEventDefinition(event.type)!.subject): Promise<void> {
  const { headers, data } = encodeBinary(event);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  await nats.js.publish(subject, data, { headers: natsHeadersOf, msgID: headers[MSG_ID_HEADER] }); // eventKey: source + id
}

/** The CLI as coordination's NATS identity, without a MongoDB from the machine running the tests. */
const replay = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['replay', ...args], { ...nats.identityEnv('coordination'), MONGODB_URI: '', ...env });

/** What the live service shows per target, as the replay summary lists it. */
function liveTargets() {
  const { projection } = coordination.projector;
  return committeeOverview(projection.state, projection.areas, new Date()).map((target) => ({ plan: target.planId, id: target.id, achieved: target.achieved }));
}

async function streamMessages(stream: string): Promise<number> {
  return (await nats.jsm.streams.info(stream)).state.messages;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('npx lienganh replay', () => {
  it('rebuilds the read models in memory from the streams and summarises them as the live service counts them', async () => {
    const { code, stdout, stderr } = await replay(['--nats-url', nats.server.url, '--json']);
    expect(stderr).not.toMatch(/\s+at .*\.(js|ts):\d+/); // no stack trace
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    const coordinationEvents = await streamMessages(STREAMS.coordinationEvents.name);
    expect(summary).toMatchObject({
      servers: [nats.server.url],
      store: 'memory',
      eventsApplied: coordinationEvents + EVENTS,
      refused: 1,
      plans: [{ id: baDinh.id, targets: baDinh.targets.length }],
      alerts: { total: coordination.projector.projection.alerts.size },
    });
    expect(summary.streams).toEqual([
      expect.objectContaining({ stream: STREAMS.coordinationEvents.name, events: coordinationEvents, refused: 0 }),
      expect.objectContaining({ stream: STREAMS.agencyEvents.name, events: EVENTS, refused: 1, lastSeq: EVENTS + 1 }),
    ]);
    const replayed = summary.targets.map(({ plan, id, achieved }: { plan: string; id: string; achieved: number }) => ({ plan, id, achieved }));
    expect(replayed).toEqual(liveTargets());
    expect(replayed.filter((target: { achieved: number }) => target.achieved > 0).length).toBeGreaterThanOrEqual(3);
    // Not a terminal: plain progress lines instead of a bar.
    expect(stderr).toContain(`replay: ${STREAMS.agencyEvents.name}: ${EVENTS + 1}`);
    expect(stderr).not.toContain('Đang dựng lại / replaying [');
  });

  it('prints the summary for people without --json, reading NATS_URL by default', async () => {
    const { code, stdout } = await replay([]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Sự kiện đã áp dụng / events applied: ${(await streamMessages(STREAMS.coordinationEvents.name)) + EVENTS}`);
    expect(stdout).toContain(`Kế hoạch / plans: 1 (${baDinh.id})`);
    expect(stdout).toContain('1 bị từ chối / refused');
  });

  const mongoUri = process.env['MONGODB_URI'];
  (mongoUri ? it : it.skip)('clears the MongoDB store and rebuilds it to what the live service holds (needs MONGODB_URI)', async () => {
    const url = new URL(mongoUri!);
    url.pathname = `/lienganh-replay-${process.pid}`;
    const store = await storeFromEnv({ MONGODB_URI: url.toString() });
    try {
      // Left over from before: a checkpoint past everything would make a catch-up read nothing.
      await store.commit({ checkpoints: { [STREAMS.agencyEvents.name]: 1_000_000 } });
      const { code, stdout } = await replay(['--mongodb-uri', url.toString(), '--json']);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ store: 'mongodb', eventsApplied: (await streamMessages(STREAMS.coordinationEvents.name)) + EVENTS });
      expect(await store.load()).toEqual(await coordination.projector.store.load());
    } finally {
      await store.clear();
      await store.close();
    }
  });

  it('refuses bad flags with a message and exit code 2, before connecting', async () => {
    for (const [args, message] of [
      [['--nats-url', 'http://127.0.0.1:4222'], '--nats-url: phải là / must be nats://host:port'],
      [['--nats-url', 'not a url'], '--nats-url: địa chỉ không hợp lệ / not a URL'],
      [['--mongodb-uri', 'postgres://user:secret@db/x'], '--mongodb-uri: phải bắt đầu bằng / must start with mongodb://'],
      [['--fast'], "unknown option '--fast'"],
    ] as const) {
      const { code, stderr } = await replay([...args]);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toContain(message);
      expect(stderr).not.toContain('secret');
      expect(stderr).not.toMatch(/\s+at .*\.(js|ts):\d+/);
    }
    const seedless = await replay([], { NATS_NKEY_SEED: 'not-a-seed' });
    expect(seedless.code).toBe(2);
    expect(seedless.stderr).toContain('nkey user seed');
    // Five CLI processes, one after the other: 9 s on a quiet machine, past the default 30 s beside other test workers.
  }, 90_000);

  it('says when NATS cannot be reached, and exits 1', async () => {
    const url = `nats://127.0.0.1:${await closedPort()}`;
    const { code, stdout, stderr } = await replay(['--nats-url', url]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`không kết nối được NATS / cannot reach NATS at ${url}`);
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await runCli(['replay', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--nats-url');
    expect(stdout).toContain('--mongodb-uri');
    expect(stdout).toContain('--json');
  });
});
