import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, decodeNatsMessage, policeInspectionCompleted, STREAMS } from '@lienganh/contracts';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { startServiceProcess } from '../support/service-process.js';
import { eventually } from '../support/http.js';

/**
 * The outbox made unwritable under a running police service, during a load with NATS down,
 * then writable again. Tests run as root, where chmod stops nothing and an open file handle
 * keeps writing into a directory renamed away; what does stop a root process's writes is its
 * file-size limit: `prlimit --fsize` set on the running process at the outbox segment's current
 * size makes every further append fail with EFBIG (a write across it stores part of its bytes,
 * as a full disk does), and lifting the limit makes the disk writable again.
 */

const KEY = 'police-outbox-fault-key-0123456789';
const stream = STREAMS.agencyEvents.name;
let nats: NatsFixture;
let dataDir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-outbox-fault-'));
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const limitFileSize = (pid: number, bytes: number | 'unlimited') => execFileSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:unlimited`]);

async function readyz(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: await response.json() };
}

it('answers 503 with Retry-After while its outbox cannot write, recovers without a restart, and publishes every event it answered 202 to exactly once', async () => {
  const police = await startServiceProcess('services/police/dist/main.js', {
    ...nats.identityEnv('police'),
    POLICE_PORT: '0',
    DATA_DIR: dataDir,
    LIENGANH_AGENCY_KEYS: JSON.stringify({ police: KEY }),
    LIENGANH_RATE_LIMIT: 'off',
  });
  child = police.child;
  const pid = child.pid!;
  const before = (await nats.jsm.streams.info(stream)).state.last_seq;

  await nats.server.stop();
  await eventually(async () => {
    const { status, body } = await readyz(police.url);
    return status === 200 && body.degraded === 'bus' ? true : undefined;
  }, 10_000);

  // The load: four clients posting one event at a time until told to stop.
  const answers = new Map<string, number>();
  const refusals: { retryAfter: string | null; body: any }[] = [];
  let phase: 'before' | 'fault' | 'after' = 'before';
  const acceptedAfterRecovery = { count: 0 };
  let stop = false;
  let next = 0;
  const client = async () => {
    while (!stop) {
      const id = `outbox-fault-${next++}`;
      const event = buildEvent(policeInspectionCompleted, policeInspectionCompleted.example, { id });
      const response = await fetch(`${police.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify(event),
      });
      const body = await response.json();
      answers.set(id, response.status);
      if (response.status === 503) refusals.push({ retryAfter: response.headers.get('retry-after'), body });
      if (response.status === 202 && phase === 'after') acceptedAfterRecovery.count++;
    }
  };
  const load = Promise.all([client(), client(), client(), client()]);
  const count = (status: number) => [...answers.values()].filter((answer) => answer === status).length;

  try {
    await eventually(() => (count(202) >= 50 ? true : undefined), 20_000);

    // Unwritable: the segment may not grow past its size now.
    const outboxDir = join(dataDir, 'outbox', 'police');
    const segment = readdirSync(outboxDir).filter((name) => name.endsWith('.seg')).sort().at(-1)!;
    limitFileSize(pid, statSync(join(outboxDir, segment)).size);
    phase = 'fault';
    const refusedBefore = refusals.length;
    await eventually(() => (refusals.length >= refusedBefore + 20 ? true : undefined), 20_000);
    const notReady = await eventually(async () => {
      const answer = await readyz(police.url);
      return answer.status === 503 ? answer : undefined;
    }, 10_000);
    expect(notReady.body).toMatchObject({ error: 'not-ready', reason: 'outbox-unavailable', detail: { outbox: 'cannot-write', bus: 'unreachable' } });

    // Writable again: the service repairs its outbox by itself.
    limitFileSize(pid, 'unlimited');
    phase = 'after';
    await eventually(async () => {
      const { status, body } = await readyz(police.url);
      return status === 200 && body.degraded === 'bus' ? true : undefined;
    }, 20_000);
    await eventually(() => (acceptedAfterRecovery.count >= 50 ? true : undefined), 20_000);
  } finally {
    stop = true;
    await load;
  }

  expect(child.exitCode).toBeNull(); // recovered in the same process, no restart
  expect([...new Set(answers.values())].sort()).toEqual([202, 503]);
  for (const refusal of refusals) {
    expect(refusal.body).toMatchObject({ error: 'outbox-unavailable', message: expect.any(String) });
    expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
  }
  const metrics = await (await fetch(`${police.url}/metrics`)).text();
  const failures = /^lienganh_outbox_write_failures_total\{[^}]*operation="append"[^}]*\} (\S+)$/m.exec(metrics);
  expect(Number(failures?.[1])).toBeGreaterThanOrEqual(1);

  // NATS back: the outbox drains; every 202 is in the stream once, no 503 is.
  const accepted = [...answers].filter(([, status]) => status === 202).map(([id]) => id);
  await nats.server.restart();
  await eventually(async () => {
    const { status, body } = await readyz(police.url);
    return status === 200 && body.degraded === undefined && body.detail.outboxPending === 0 ? true : undefined;
  }, 30_000);
  // Read through the test's own connection, which may still be reconnecting (a timeout is "not yet").
  const stored = await eventually(async () => {
    const last = (await nats.jsm.streams.info(stream)).state.last_seq;
    const ids: string[] = [];
    for (let seq = before + 1; seq <= last; seq++) {
      const message = await nats.jsm.streams.getMessage(stream, { seq });
      if (message) ids.push(decodeNatsMessage(message.header, message.data).id);
    }
    return ids;
  }, 30_000);
  expect(stored.length).toBe(new Set(stored).size);
  expect([...stored].sort()).toEqual([...accepted].sort());
  expect(child.pid).toBe(pid);
}, 120_000);
