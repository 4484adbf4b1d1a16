import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, NATIONAL_SUMMARY_STREAM, policeInspectionCompleted, type BusEvent } from '@lienganh/contracts';
import { startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { connectToNats, ensureStreams, freePorts, gatherSiteSummaries, hubNatsConfig, NatsCluster, NatsServer, siteDomain, siteNatsConfig, type LeafCredentials } from '@lienganh/platform';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { LinkProxy, UNREACHABLE_LEAF_ADDRESS } from '../support/link-proxy.js';
import { publishBinary } from '../support/nats.js';
import { getAs, TEST_USERS, tokens } from '../support/users.js';

// Issue #24, acceptance 3: three province sites, each its own nats-server (a leaf node of a hub
// cluster of three, in its own JetStream domain) and its own coordination instance, which
// publishes its board's summary; the hub gathers the summaries and its coordination instance
// serves the national view from them. One site's link is cut for a minute while every site takes
// events; a hub node is killed meanwhile. The national view then equals the sum of the sites'
// boards, every event counted once.

/** Province (official code) → a commune of it where its police inspect. */
const PROVINCES = { '11': '03127', '12': '03390', '46': '19753' } as const; // Điện Biên, Lai Châu, Huế
type Province = keyof typeof PROVINCES;
const CUT_MS = 60_000;
const NOW = new Date('2026-06-15T09:00:00+07:00');

interface Site {
  province: Province;
  server: NatsServer;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  links: LinkProxy[];
  coordination: RunningCoordinationService;
  /** Events published so far (ids `kt-<province>-0` to `-<published - 1>`). */
  published: number;
}

const dirs: string[] = [];
let hub: NatsCluster;
let hubNc: NatsConnection;
let hubJsm: JetStreamManager;
let national: RunningCoordinationService;
/** The sites' load, stopped before anything closes when a test fails half-way. */
let traffic: { stop(): Promise<void> } | undefined;
const sites = new Map<Province, Site>();

const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `lienganh-${name}-`));
  dirs.push(dir);
  return dir;
};

const provincePlan = (province: Province) => ({
  id: `kh-${province}-2026`,
  number: `${province}/KH-UBND`,
  issuedOn: '2026-01-10',
  issuingBody: 'ubnd-tinh',
  level: 'province',
  area: province,
  period: { start: '2026-01-01', end: '2026-12-31' },
  title: { vi: `Kế hoạch phòng, chống mại dâm năm 2026 (${province})`, en: `Prostitution prevention plan 2026 (${province})` },
  bodies: [{ code: 'ubnd-tinh', name: { vi: 'UBND tỉnh', en: "Province People's Committee" } }],
  // The national programme's target each province's carries up to: the national view adds them.
  implements: 'CT-QG-2026',
  targets: [{ id: 'kt-tinh', title: { vi: 'Kiểm tra 1.000 lượt cơ sở', en: '1,000 inspections' }, agency: 'police', measure: { kind: 'count', eventType: policeInspectionCompleted.type }, goal: { min: 1_000 }, carriesUp: 'qg-kiem-tra' }],
  tasks: [],
});

function inspection(province: Province, n: number): BusEvent {
  const data = { ...policeInspectionCompleted.example, inspectionId: `kt-${province}-${n}`, areaCode: PROVINCES[province], business: { businessId: `b-${province}-${n}`, kind: 'karaoke' as const } };
  return buildEvent(policeInspectionCompleted, data, { id: `kt-${province}-${n}`, time: new Date(Date.parse('2026-03-01T00:00:00Z') + n * 1_000) });
}

beforeAll(async () => {
  const leafPorts = await freePorts(3);
  const credentials = new Map<Province, LeafCredentials>(Object.keys(PROVINCES).map((province) => [province as Province, { user: `site-${siteDomain(province)}`, password: randomBytes(24).toString('hex') }]));
  const configs = leafPorts.map((leafPort, index) => {
    const file = join(tempDir(`hub-${index + 1}`), 'hub.conf');
    writeFileSync(file, hubNatsConfig({ leafPort, advertise: UNREACHABLE_LEAF_ADDRESS, sites: [...credentials.values()] }), { mode: 0o600 });
    return file;
  });
  hub = await NatsCluster.start({ size: 3, nodeArgs: (index) => ['-c', configs[index]!] });
  hubNc = await connectToNats({ servers: hub.servers, name: 'test-hub', reconnectForever: true });
  hubJsm = await jetstreamManager(hubNc);
  // The hub's own backbone, three replicas: its coordination instance outlives a node.
  await eventually(async () => {
    await ensureStreams(hubJsm, { replicas: 3 });
    return true;
  }, 30_000);
  for (const province of Object.keys(PROVINCES) as Province[]) {
    const links = await Promise.all(leafPorts.map((port) => LinkProxy.open(port)));
    const dir = tempDir(`site-${province}`);
    const storeDir = join(dir, 'store');
    const file = join(dir, 'site.conf');
    writeFileSync(file, siteNatsConfig({ storeDir, domain: siteDomain(province), hubLeafUrls: links.map((link) => link.url), credentials: credentials.get(province)! }), { mode: 0o600 });
    const server = await NatsServer.start({ name: `site-${province}`, storeDir, storeInConfig: true, args: ['-c', file] });
    const nc = await connectToNats({ servers: server.url, name: `test-site-${province}`, reconnectForever: true });
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm);
    const coordination = await startCoordinationService({ natsUrl: server.url, port: 0, site: siteDomain(province), summaryIntervalMs: 200, users: TEST_USERS, deadlineTickMs: 0, clock: { now: () => NOW } });
    expect((await postJson(`${coordination.url}/api/v1/plans`, provincePlan(province), tokens.secretariat)).status).toBe(201);
    sites.set(province, { province, server, nc, js: jetstream(nc), jsm, links, coordination, published: 0 });
  }
  await eventually(async () => {
    await gatherSiteSummaries(hubJsm, Object.keys(PROVINCES), { replicas: 3 });
    return true;
  }, 30_000);
  national = await startCoordinationService({ natsUrl: hub.servers.join(','), port: 0, national: true, users: TEST_USERS, deadlineTickMs: 0, clock: { now: () => NOW }, projector: { ackWaitMs: 2_000, pullExpiresMs: 1_000 } });
}, 120_000);

afterAll(async () => {
  await traffic?.stop();
  await national?.close().catch(() => undefined);
  for (const site of sites.values()) {
    await site.coordination.close().catch(() => undefined);
    await site.nc.close().catch(() => undefined);
    await site.server.dispose();
    await Promise.all(site.links.map((link) => link.close()));
  }
  await hubNc?.close().catch(() => undefined);
  await hub?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every site takes events, one at a time each, until `stop` says so. */
function load(): { stop(): Promise<void> } {
  let running = true;
  const loops = [...sites.values()].map(async (site) => {
    while (running) {
      await publishBinary(site.js, inspection(site.province, site.published));
      site.published++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

interface Figures {
  achieved: number;
  events: number;
}
/** A site's own board: its province target (a count: as many events as it achieved). */
async function siteBoard(site: Site): Promise<number> {
  const { body } = await getAs(`${site.coordination.url}/api/v1/committee/overview`, tokens.secretariat);
  return body.targets.find((entry: { id: string }) => entry.id === 'kt-tinh').achieved;
}
/** The national view, and per province what it holds of the site. */
async function nationalView(): Promise<{ body: any; of: (province: Province) => Figures | undefined }> {
  const { status, body } = await getAs(`${national.url}/api/v1/national`, tokens.secretariat);
  expect(status).toBe(200);
  return {
    body,
    of: (province) => {
      const target = body.sites.find((entry: { province: string }) => entry.province === province)?.summary?.plans[0]?.targets[0];
      return target ? { achieved: target.achieved, events: target.events } : undefined;
    },
  };
}
const settled = (condition: () => Promise<boolean>, what: string) => eventually(async () => ((await condition()) ? true : undefined), 60_000, () => what);

it("keeps a site's board moving while its link is cut for a minute under load, and then the national view is the sum of the sites' boards, each event once, a hub node killed meanwhile", async () => {
  const cutOff = sites.get('12')!;
  const others = [sites.get('11')!, sites.get('46')!];
  traffic = load();
  await settled(async () => {
    const view = await nationalView();
    return [...sites.values()].every((site) => (view.of(site.province)?.achieved ?? 0) > 0);
  }, 'every site in the national view');

  cutOff.links.forEach((link) => link.cut());
  const cutAt = Date.now();
  const frozen = (await nationalView()).of('12')!;
  const before = { local: await siteBoard(cutOff), others: await Promise.all(others.map(async (site) => (await nationalView()).of(site.province)!.achieved)) };
  // Half-way through the cut, the hub node leading the gathered summaries goes.
  await new Promise((resolve) => setTimeout(resolve, CUT_MS / 2));
  await hub.kill(hub.indexOf((await hubJsm.streams.info(NATIONAL_SUMMARY_STREAM)).cluster!.leader!));
  // The site re-sends a batch it already sent (a client retrying): stored once, counted once.
  for (let n = 0; n < 20; n++) await publishBinary(cutOff.js, inspection('12', n));
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, CUT_MS - (Date.now() - cutAt))));

  // Cut off, the site's own board kept moving; the national view still has it as it was, and the others moving.
  const during = await nationalView();
  expect(await siteBoard(cutOff)).toBeGreaterThan(before.local + 100);
  expect(during.of('12')!.achieved).toBeLessThanOrEqual(frozen.achieved + 50); // what was in flight when the line went
  others.forEach((site, index) => expect(during.of(site.province)!.achieved).toBeGreaterThan(before.others[index]! + 100));

  cutOff.links.forEach((link) => link.restore());
  await traffic.stop();
  // Every site's board has counted each event it took once; the national view has caught up with each.
  await settled(async () => {
    const view = await nationalView();
    for (const site of sites.values()) {
      const board = await siteBoard(site);
      const held = view.of(site.province);
      if (board !== site.published || held?.achieved !== board || held.events !== board) return false;
    }
    return true;
  }, 'the national view equal to every site board, each event once');
  const { body } = await nationalView();
  const published = [...sites.values()].reduce((sum, site) => sum + site.published, 0);
  expect(body.totals).toEqual([
    {
      key: 'qg-kiem-tra',
      measure: 'count',
      title: { vi: 'Kiểm tra 1.000 lượt cơ sở', en: '1,000 inspections' },
      achieved: published,
      events: published,
      sites: (['11', '12', '46'] as const).map((province) => ({ site: `p${province}`, planId: `kh-${province}-2026`, targetId: 'kt-tinh', achieved: sites.get(province)!.published })),
    },
  ]);
  expect(cutOff.published).toBeGreaterThan(1_000);
}, 240_000);

it('serves the national view only on the national instance, and at a site says so', async () => {
  const atSite = await getAs(`${sites.get('11')!.coordination.url}/api/v1/national`, tokens.secretariat);
  expect(atSite.status).toBe(404);
  expect(atSite.body.message).toContain('LIENGANH_NATIONAL');
  expect((await getAs(`${national.url}/api/v1/national`, tokens.committee)).status).toBe(200);
});
