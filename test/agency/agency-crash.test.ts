import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, decodeNatsMessage, policeInspectionCompleted, STREAMS } from '@lienganh/contracts';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { startServiceProcess } from '../support/service-process.js';
import { eventually, postJson } from '../support/http.js';

/** The police service as its own process, the way it runs in production. */
const startPoliceProcess = (natsUrl: string, dataDir: string) =>
  startServiceProcess('services/police/dist/main.js', { ...nats.identityEnv('police'), NATS_URL: natsUrl, POLICE_PORT: '0', DATA_DIR: dataDir, LIENGANH_AGENCY_KEYS: JSON.stringify({ police: KEY }) });

const KEY = 'police-crash-test-key-0123456789';
let nats: NatsFixture;
let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  nats = await startNatsFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'lienganh-crash-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await nats?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('publishes after a restart what it answered 202 to before it was killed (SIGKILL) unpublished', async () => {
  const first = await startPoliceProcess(nats.server.url, dataDir);
  children.push(first.child);
  await nats.server.stop(); // nothing can be published: accepted events wait in the outbox

  const sent = Array.from({ length: 20 }, () => buildEvent(policeInspectionCompleted, policeInspectionCompleted.example));
  for (const event of sent) expect((await postJson(`${first.url}/api/v1/events`, event, KEY)).status).toBe(202);
  const killed = new Promise((resolve) => first.child.once('exit', resolve));
  first.child.kill('SIGKILL');
  await killed;

  await nats.server.restart();
  const second = await startPoliceProcess(nats.server.url, dataDir);
  children.push(second.child);

  const stream = STREAMS.agencyEvents.name;
  await eventually(async () => ((await nats.jsm.streams.info(stream)).state.messages === sent.length ? true : undefined), 20_000);
  const ids: string[] = [];
  for (let seq = 1; seq <= sent.length; seq++) {
    const message = await nats.jsm.streams.getMessage(stream, { seq });
    ids.push(decodeNatsMessage(message!.header, message!.data).id);
  }
  expect(ids).toEqual(sent.map((event) => event.id));
  second.child.kill('SIGTERM');
});
