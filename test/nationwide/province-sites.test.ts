import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, policeInspectionCompleted, sourceFor, STREAMS, type BusEvent } from '@lienganh/contracts';
import { connectToNats, ensureStreams, freePorts, gatherSiteStreams, hubNatsConfig, NatsServer, siteDomain, siteNatsConfig } from '@lienganh/platform';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventually } from '../support/http.js';
import { publishBinary } from '../support/nats.js';

// Issue #24, ADR 0024: two province sites, each its own nats-server in its own JetStream domain,
// leaf nodes of a hub that gathers their agency streams. A site keeps taking events while its link
// is down; once it returns the hub holds every event of every site, each once.

const AGENCY = STREAMS.agencyEvents.name;
const GATHERED = 'PCMD_NATIONAL_EVENTS';

interface Node {
  server: NatsServer;
  nc: NatsConnection;
  jsm: JetStreamManager;
}

const dirs: string[] = [];
const nodes: Node[] = [];
let hub: Node;
let hanoi: Node;
let hcmc: Node;

/** A nats-server from `config` (its store in the configuration), with a connection. */
async function startNode(name: string, config: (storeDir: string) => string): Promise<Node> {
  const dir = mkdtempSync(join(tmpdir(), `lienganh-${name}-`));
  dirs.push(dir);
  const storeDir = join(dir, 'store');
  const file = join(dir, 'server.conf');
  writeFileSync(file, config(storeDir));
  const server = await NatsServer.start({ name, storeDir, storeInConfig: true, args: ['-c', file] });
  const nc = await connectToNats({ servers: server.url, name: `test-${name}`, reconnectForever: true });
  const node = { server, nc, jsm: await jetstreamManager(nc) };
  nodes.push(node);
  return node;
}

beforeAll(async () => {
  const [leafPort] = await freePorts(1);
  hub = await startNode('hub', (storeDir) => hubNatsConfig({ storeDir, leafPort: leafPort! }));
  const site = (province: string) => startNode(`site-${province}`, (storeDir) => siteNatsConfig({ storeDir, domain: siteDomain(province), hubLeafUrls: [`nats-leaf://127.0.0.1:${leafPort}`] }));
  [hanoi, hcmc] = await Promise.all([site('01'), site('79')]);
  // Each site is a whole backbone: its own agency stream, in its own domain.
  await Promise.all([ensureStreams(hanoi.jsm), ensureStreams(hcmc.jsm)]);
  await eventually(async () => {
    await gatherSiteStreams(hub.jsm, GATHERED, [{ domain: siteDomain('01'), stream: AGENCY }, { domain: siteDomain('79'), stream: AGENCY }]);
    return true;
  }, 20_000);
}, 60_000);

afterAll(async () => {
  for (const node of nodes) {
    await node.nc.close().catch(() => undefined);
    await node.server.dispose();
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An inspection by a province's police (its unit: the province's official code), `n` of that province. */
function inspection(province: string, n: number): BusEvent {
  const data = { ...policeInspectionCompleted.example, inspectionId: `kt-${province}-${n}` };
  return buildEvent(policeInspectionCompleted, data, { id: `kt-${province}-${n}`, source: sourceFor('police', province), time: new Date(Date.UTC(2026, 0, 5) + n * 60_000) });
}

async function publish(site: Node, province: string, from: number, to: number): Promise<void> {
  const js = jetstream(site.nc);
  for (let n = from; n < to; n++) await publishBinary(js, inspection(province, n));
}

const messages = async (node: Node, stream: string) => (await node.jsm.streams.info(stream)).state.messages;

/** Every message's id in the hub's gathered stream, read back in order. */
async function gatheredIds(): Promise<string[]> {
  const consumer = await jetstream(hub.nc).consumers.get(GATHERED);
  const ids: string[] = [];
  const total = await messages(hub, GATHERED);
  const read = await consumer.consume();
  for await (const message of read) {
    ids.push(message.headers?.get('ce-id') ?? '');
    if (ids.length === total) break;
  }
  await read.close();
  return ids;
}

it('gathers what each site takes, keeps a site taking events while its link to the hub is down, and has every event once when it returns', async () => {
  await Promise.all([publish(hanoi, '01', 0, 50), publish(hcmc, '79', 0, 50)]);
  await eventually(async () => ((await messages(hub, GATHERED)) === 100 ? true : undefined), 20_000, () => 'the hub gathered the first 100 events');

  // The link cut: the hub stops; both sites go on taking events (acknowledged by their own streams), one re-sent.
  await hub.server.stop();
  await Promise.all([publish(hanoi, '01', 50, 150), publish(hcmc, '79', 50, 80)]);
  await publish(hanoi, '01', 140, 150); // re-sent by an impatient client: stored once (Nats-Msg-Id)
  expect({ hanoi: await messages(hanoi, AGENCY), hcmc: await messages(hcmc, AGENCY) }).toEqual({ hanoi: 150, hcmc: 80 });

  await hub.server.restart();
  await eventually(async () => ((await messages(hub, GATHERED)) === 230 ? true : undefined), 30_000, () => 'the hub gathered what the sites took while it was away');
  const ids = await gatheredIds();
  expect(ids).toHaveLength(230);
  expect(new Set(ids).size).toBe(230);
  expect(ids.filter((id) => id.startsWith('kt-01-'))).toHaveLength(150);
  expect(ids.filter((id) => id.startsWith('kt-79-'))).toHaveLength(80);
}, 90_000);

it('adds a site to the gathered stream without dropping the others', async () => {
  await gatherSiteStreams(hub.jsm, GATHERED, [{ domain: siteDomain('79'), stream: AGENCY }]);
  const sources = (await hub.jsm.streams.info(GATHERED)).config.sources ?? [];
  expect(sources.map((source) => source.external?.api).sort()).toEqual(['$JS.p01.API', '$JS.p79.API']);
  expect(() => siteDomain('1')).toThrow('two digits');
});
