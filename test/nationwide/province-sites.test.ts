import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, policeInspectionCompleted, sourceFor, STREAMS, type BusEvent } from '@lienganh/contracts';
import { connectToNats, ensureStreams, freePorts, gatherSiteStreams, hubNatsConfig, NatsCluster, NatsServer, siteDomain, siteNatsConfig, type LeafCredentials } from '@lienganh/platform';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventually } from '../support/http.js';
import { LinkProxy, UNREACHABLE_LEAF_ADDRESS } from '../support/link-proxy.js';
import { publishBinary } from '../support/nats.js';

// Issue #24, ADR 0024: two province sites, each its own nats-server in its own JetStream domain,
// leaf nodes of a hub cluster of three (signed in with credentials of their own) that gathers
// their agency streams. A site keeps taking
// events while its link is cut; once it returns (and with a hub node killed meanwhile) the hub
// holds every event of every site, each once.

const AGENCY = STREAMS.agencyEvents.name;
const GATHERED = 'PCMD_NATIONAL_EVENTS';
const PROVINCES = ['01', '79'] as const; // Hà Nội, Hồ Chí Minh City

interface Site {
  province: string;
  server: NatsServer;
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** Its line to each hub node. */
  links: LinkProxy[];
}

const dirs: string[] = [];
let hub: NatsCluster;
let hubNc: NatsConnection;
let hubJsm: JetStreamManager;
const sites: Site[] = [];

/** Each site's credentials on the hub's leaf port. */
const credentials = (province: string): LeafCredentials => ({ user: `site-${siteDomain(province)}`, password: randomBytes(24).toString('hex') });
const siteCredentials = new Map<string, LeafCredentials>(PROVINCES.map((province) => [province, credentials(province)]));
/** A site the hub does not know: its password is not the one the hub holds. */
const IMPOSTOR = '99';

const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `lienganh-${name}-`));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  const leafPorts = await freePorts(3);
  const configs = leafPorts.map((leafPort, index) => {
    const file = join(tempDir(`hub-${index + 1}`), 'hub.conf');
    writeFileSync(file, hubNatsConfig({ leafPort, advertise: UNREACHABLE_LEAF_ADDRESS, sites: [...siteCredentials.values(), { user: `site-${siteDomain(IMPOSTOR)}`, password: randomBytes(24).toString('hex') }] }), { mode: 0o600 });
    return file;
  });
  hub = await NatsCluster.start({ size: 3, nodeArgs: (index) => ['-c', configs[index]!] });
  hubNc = await connectToNats({ servers: hub.servers, name: 'test-hub', reconnectForever: true });
  hubJsm = await jetstreamManager(hubNc);
  for (const province of [...PROVINCES, IMPOSTOR]) {
    const links = await Promise.all(leafPorts.map((port) => LinkProxy.open(port)));
    const dir = tempDir(`site-${province}`);
    const storeDir = join(dir, 'store');
    const file = join(dir, 'site.conf');
    writeFileSync(file, siteNatsConfig({ storeDir, domain: siteDomain(province), hubLeafUrls: links.map((link) => link.url), credentials: siteCredentials.get(province) ?? credentials(province) }), { mode: 0o600 });
    const server = await NatsServer.start({ name: `site-${province}`, storeDir, storeInConfig: true, args: ['-c', file] });
    const nc = await connectToNats({ servers: server.url, name: `test-site-${province}`, reconnectForever: true });
    const jsm = await jetstreamManager(nc);
    // Each site is a whole backbone: its own agency stream, in its own domain.
    await ensureStreams(jsm);
    sites.push({ province, server, nc, jsm, links });
  }
  // Until the sites' leaf connections are up, the hub cannot reach their streams.
  await eventually(async () => {
    await gatherSiteStreams(hubJsm, GATHERED, PROVINCES.map((province) => ({ domain: siteDomain(province), stream: AGENCY })), { replicas: 3 });
    return true;
  }, 30_000);
}, 90_000);

afterAll(async () => {
  await hubNc?.close().catch(() => undefined);
  for (const site of sites) {
    await site.nc.close().catch(() => undefined);
    await site.server.dispose();
    await Promise.all(site.links.map((link) => link.close()));
  }
  await hub?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An inspection by a province's police (its unit: the province's official code), `n` of that province. */
function inspection(province: string, n: number): BusEvent {
  const data = { ...policeInspectionCompleted.example, inspectionId: `kt-${province}-${n}` };
  return buildEvent(policeInspectionCompleted, data, { id: `kt-${province}-${n}`, source: sourceFor('police', province), time: new Date(Date.UTC(2026, 0, 5) + n * 60_000) });
}

async function publish(site: Site, from: number, to: number): Promise<void> {
  const js = jetstream(site.nc);
  for (let n = from; n < to; n++) await publishBinary(js, inspection(site.province, n));
}

const gathered = async () => (await hubJsm.streams.info(GATHERED)).state.messages;
const gatheredReaches = (count: number, what: string) => eventually(async () => ((await gathered()) === count ? true : undefined), 30_000, () => what);

/** Every message's `ce-id` in the hub's gathered stream, read back by sequence. */
async function gatheredIds(): Promise<string[]> {
  const { first_seq: first, last_seq: last } = (await hubJsm.streams.info(GATHERED)).state;
  const ids: string[] = [];
  for (let seq = first; seq <= last; seq++) ids.push((await hubJsm.streams.getMessage(GATHERED, { seq }))?.header.get('ce-id') ?? '');
  return ids;
}

it('gathers what each site takes, keeps a site taking events while its link is cut, and has every event once when it returns, a hub node killed meanwhile', async () => {
  const [hanoi, hcmc] = sites as [Site, Site];
  await Promise.all([publish(hanoi, 0, 50), publish(hcmc, 0, 50)]);
  await gatheredReaches(100, 'the hub gathered the first 100 events');

  // Hà Nội's line is cut: it goes on taking events (acknowledged by its own stream), one batch re-sent; Hồ Chí Minh City is still gathered.
  hanoi.links.forEach((link) => link.cut());
  await Promise.all([publish(hanoi, 50, 150), publish(hcmc, 50, 80)]);
  await publish(hanoi, 140, 150); // re-sent by an impatient client: stored once (Nats-Msg-Id)
  expect({ hanoi: (await hanoi.jsm.streams.info(AGENCY)).state.messages, hcmc: (await hcmc.jsm.streams.info(AGENCY)).state.messages }).toEqual({ hanoi: 150, hcmc: 80 });
  await gatheredReaches(130, 'the hub gathered Hồ Chí Minh City while Hà Nội was cut off');
  // Past a leaf node's reconnect interval (1 s) the line is still cut: nothing of Hà Nội's has come round it.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(await gathered()).toBe(130);

  // The line returns while one hub node is down.
  await hub.kill(hub.indexOf((await hubJsm.streams.info(GATHERED)).cluster!.leader!));
  hanoi.links.forEach((link) => link.restore());
  await gatheredReaches(230, 'the hub gathered what Hà Nội took while cut off');
  const ids = await gatheredIds();
  expect(ids).toHaveLength(230);
  expect(new Set(ids).size).toBe(230);
  expect(ids.filter((id) => id.startsWith('kt-01-'))).toHaveLength(150);
  expect(ids.filter((id) => id.startsWith('kt-79-'))).toHaveLength(80);
}, 120_000);

it('reaches only the sites that signed in with their own credentials', async () => {
  const streamOf = async (province: string) => (await jetstreamManager(hubNc, { domain: siteDomain(province), timeout: 2_000 })).streams.info(AGENCY);
  expect((await streamOf('01')).config.name).toBe(AGENCY);
  await expect(streamOf(IMPOSTOR)).rejects.toThrow();
});

it('adds a site to the gathered stream without dropping the others', async () => {
  await gatherSiteStreams(hubJsm, GATHERED, [{ domain: siteDomain('79'), stream: AGENCY }]);
  const sources = (await hubJsm.streams.info(GATHERED)).config.sources ?? [];
  expect(sources.map((source) => source.external?.api).sort()).toEqual(['$JS.p01.API', '$JS.p79.API']);
  expect(() => siteDomain('1')).toThrow('two digits');
});
