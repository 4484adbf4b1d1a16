import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, policeInspectionCompleted, type BusEvent } from '@lienganh/contracts';
import { NationalUnits } from '@lienganh/coordination';
import { connectToNats, ensureStreams, freePorts, gatherSiteSummaries, hubNatsConfig, NatsCluster, NatsServer, siteDomain, siteNatsConfig, type LeafCredentials } from '@lienganh/platform';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { residentMemory, serviceMain, startServiceProcess, type ServiceProcess } from './child-process.js';
import { BENCH_TOKEN, writeBenchUsers } from './coordination.js';
import { describeMachine, waitFor, type Machine } from './environment.js';
import { toWire, type WireMessage } from './events.js';
import { Figures, type Figure } from './figures.js';
import type { Reporter } from './progress.js';
import { publishRaw } from './raw-jetstream.js';

/**
 * A national year through the partitioned topology (issue #24): a hub cluster of three nodes and
 * one site per province (its own nats-server, a leaf node of the hub, and its own coordination
 * process publishing its board's summary), the hub's coordination serving the national view from
 * the summaries. Each site's agency stream takes the province's share of the year's events.
 *
 * The assumption: every commune of the country does the same work in a year, `events / 3,321`
 * events each (2,000,000: about 602 a commune, inspections, sanctions, referrals, reports and
 * the rest of DOMAIN.md's flows; police inspections stand for them all here, the kind of event
 * the projection spends most on); a province's share is its communes' (the list of 1 July 2025).
 * A run on fewer provinces (`provinces`) takes those provinces' share: the first in code order.
 */
export interface NationalYearOptions {
  /** Sites to run, 1-34 (the provinces first in code order). */
  provinces: number;
  /** Events of the whole country's year (the run takes its provinces' share). */
  events: number;
}

export interface NationalYearResult {
  benchmark: 'lienganh bench --national';
  date: string;
  machine: Machine;
  parameters: { provinces: number; communes: number; countryCommunes: number; countryEvents: number; events: number; eventsPerCommune: number };
  figures: Figure[];
  notes: string[];
}

/** The year the simulated plans and events are of. */
const YEAR_START = Date.parse('2026-01-01T01:00:00Z');
const YEAR_MS = 330 * 86_400_000; // up to late November: before the service's clock wherever this runs in December 2026 or later
const LATENCY_PROBES = 10;
const LOADING_SITES = 2;

interface Site {
  province: string;
  communes: string[];
  events: number;
  server: NatsServer;
  nc: NatsConnection;
  coordination: ServiceProcess;
}

export async function runNationalYear(options: NationalYearOptions, reporter: Reporter): Promise<NationalYearResult> {
  const figures = new Figures();
  const machine = describeMachine();
  const communesOf = communesByProvince();
  const countryCommunes = [...communesOf.values()].reduce((sum, communes) => sum + communes.length, 0);
  const provinces = [...communesOf.keys()].sort().slice(0, options.provinces);
  const share = (province: string) => Math.round((options.events * communesOf.get(province)!.length) / countryCommunes);
  const total = provinces.reduce((sum, province) => sum + share(province), 0);
  reporter.step(`national year: ${provinces.length} provinces (${provinces.map(siteDomain).join(', ')}), ${total.toLocaleString('en')} events of the country's ${options.events.toLocaleString('en')}`);

  const dir = mkdtempSync(join(tmpdir(), 'lienganh-bench-national-'));
  const usersFile = writeBenchUsers(dir);
  const credentials = new Map<string, LeafCredentials>(provinces.map((province) => [province, { user: `site-${siteDomain(province)}`, password: randomBytes(24).toString('hex') }]));
  const leafPorts = await freePorts(3);
  const hubConfigs = leafPorts.map((leafPort, index) => {
    const file = join(dir, `hub-${index + 1}.conf`);
    writeFileSync(file, hubNatsConfig({ leafPort, sites: [...credentials.values()] }), { mode: 0o600 });
    return file;
  });
  const sites: Site[] = [];
  let hub: NatsCluster | undefined;
  let hubNc: NatsConnection | undefined;
  let national: ServiceProcess | undefined;
  /** What runs now: a failure says where it happened. */
  let phase = 'starting the hub';
  const coordinationEnv = (extra: Record<string, string>) => ({ COORDINATION_PORT: '0', DEADLINE_TICK_MS: '0', MONGODB_URI: '', LIENGANH_USERS_FILE: usersFile, ...extra });
  try {
    reporter.step('hub: a cluster of three nats-servers (domain hub), its streams with three replicas, the national instance');
    hub = await NatsCluster.start({ size: 3, clusterName: `lienganh-bench-hub-${process.pid}`, nodeArgs: (index) => ['-c', hubConfigs[index]!] });
    hubNc = await connectToNats({ servers: hub.servers, name: 'lienganh-bench-hub', reconnectForever: true });
    const hubJsm = await jetstreamManager(hubNc);
    await ensureStreams(hubJsm, { replicas: 3 });
    await gatherSiteSummaries(hubJsm, provinces, { replicas: 3 });
    national = await startServiceProcess(serviceMain('@lienganh/coordination'), coordinationEnv({ NATS_URL: hub.servers.join(','), LIENGANH_NATIONAL: 'on', COORDINATION_INSTANCE_ID: 'national' }), 120_000);

    phase = 'starting the sites';
    reporter.step(`sites: a nats-server (leaf node) and a coordination process for each of ${provinces.length} provinces, each with its province's plan`);
    const startBar = reporter.bar('starting sites', provinces.length);
    const siteStart = performance.now();
    for (const province of provinces) {
      const siteDir = join(dir, `site-${province}`);
      const storeDir = join(siteDir, 'store');
      const file = join(dir, `site-${province}.conf`);
      writeFileSync(file, siteNatsConfig({ storeDir, domain: siteDomain(province), hubLeafUrls: leafPorts.map((port) => `nats-leaf://127.0.0.1:${port}`), credentials: credentials.get(province)! }), { mode: 0o600 });
      const server = await NatsServer.start({ name: `lienganh-bench-site-${province}`, storeDir, storeInConfig: true, args: ['-c', file] });
      const nc = await connectToNats({ servers: server.url, name: `lienganh-bench-site-${province}`, reconnectForever: true });
      await ensureStreams(await jetstreamManager(nc));
      const coordination = await startServiceProcess(serviceMain('@lienganh/coordination'), coordinationEnv({ NATS_URL: server.url, LIENGANH_SITE: siteDomain(province), COORDINATION_INSTANCE_ID: `site-${province}` }), 120_000);
      sites.push({ province, communes: communesOf.get(province)!, events: share(province), server, nc, coordination });
      await importPlan(coordination.url, provincePlan(province));
      startBar.update(sites.length);
    }
    startBar.stop();
    figures.add('national.sites.start_seconds', 'sites started (nats-server, coordination, plan imported), all of them', (performance.now() - siteStart) / 1000, 's');

    phase = 'loading the year';
    reporter.step(`loading the year: ${total.toLocaleString('en')} events into the sites' own streams, ${LOADING_SITES} sites at a time, while every site projects`);
    const bar = reporter.bar('events', total);
    const loaded = new Map<string, number>();
    const loadStart = performance.now();
    // A few sites at a time: 34 at once on two cores left publishes unacknowledged past their timeout.
    const waiting = [...sites];
    await Promise.all(
      Array.from({ length: LOADING_SITES }, async () => {
        for (let site = waiting.shift(); site; site = waiting.shift()) {
          await publishRaw(jetstream(site.nc), siteEvents(site), {
            window: 2_000,
            onProgress: (done) => {
              loaded.set(site!.province, done);
              bar.update([...loaded.values()].reduce((sum, count) => sum + count, 0));
            },
          });
          if (!reporter.tty) reporter.step(`${siteDomain(site.province)}: ${site.events.toLocaleString('en')} events stored (${Math.round((performance.now() - loadStart) / 1000)} s)`);
        }
      }),
    );
    bar.stop();
    const loadSeconds = (performance.now() - loadStart) / 1000;
    figures.add('national.events', 'events of the year, into the sites', total, 'events');
    figures.add('national.load.rate', 'events taken by the sites (published and stored)', total / loadSeconds, 'events/s');
    phase = 'waiting for the national view to count every event';
    reporter.step(`${phase}`);
    await waitFor('the national view to count every event', async () => (await nationalTotal(national!.url)) >= total, 3_600_000, 500);
    const caughtUp = (performance.now() - loadStart) / 1000;
    // Summaries replace each other: a count past the events published would be one counted twice.
    const counted = await nationalTotal(national.url);
    if (counted !== total) throw new Error(`the national view counts ${counted} events, the sites took ${total}`);
    figures.add('national.counted', 'events the national view counts (each once: the same as taken)', counted, 'events');
    figures.add('national.year.seconds', 'the year, from the first event published until the national view counts them all', caughtUp, 's');
    figures.add('national.year.rate', 'the year through the topology (sites projecting, summaries, hub)', total / caughtUp, 'events/s');

    phase = 'measuring the national view latency';
    reporter.step(`national view latency: ${LATENCY_PROBES} single events, each at another site, until the national view counts it`);
    const latencies: number[] = [];
    for (let probe = 0; probe < LATENCY_PROBES; probe++) {
      const site = sites[probe % sites.length]!;
      const before = await nationalTotal(national.url);
      const started = performance.now();
      await publishRaw(jetstream(site.nc), [toWire(inspection(site, site.events + probe, `probe`))]);
      await waitFor('the probe in the national view', async () => (await nationalTotal(national!.url)) === before + 1, 60_000, 10);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    figures.add('national.latency.p50', 'national view latency, event published at a site → counted in GET /api/v1/national (p50)', latencies[Math.floor(latencies.length / 2)]!, 'ms');
    figures.add('national.latency.max', `national view latency (max of ${LATENCY_PROBES})`, latencies[latencies.length - 1]!, 'ms');
    const reads: number[] = [];
    for (let read = 0; read < 20; read++) {
      const started = performance.now();
      await nationalTotal(national.url);
      reads.push(performance.now() - started);
    }
    reads.sort((a, b) => a - b);
    figures.add('national.read.p50', `GET /api/v1/national with ${sites.length} sites' summaries (p50 of 20)`, reads[10]!, 'ms');

    phase = 'reading the memory of each instance';
    const siteMemory = sites.map((site) => residentMemory(site.coordination.pid));
    const siteNats = sites.map((site) => residentMemory(site.server.pid!));
    const largest = sites.reduce((top, site) => (site.events > top.events ? site : top), sites[0]!);
    figures.add('national.site.rss.max', `site coordination RSS, largest (${siteDomain(largest.province)}: ${largest.communes.length} communes, ${largest.events.toLocaleString('en')} events)`, residentMemory(largest.coordination.pid).currentMiB, 'MiB');
    figures.add('national.site.rss.mean', 'site coordination RSS, mean over the sites', mean(siteMemory.map((memory) => memory.currentMiB)), 'MiB');
    figures.add('national.site.peak.max', 'site coordination peak RSS (VmHWM), largest over the sites', Math.max(...siteMemory.map((memory) => memory.peakMiB)), 'MiB');
    figures.add('national.site.nats.rss.mean', 'site nats-server RSS, mean', mean(siteNats.map((memory) => memory.currentMiB)), 'MiB');
    figures.add('national.hub.rss', 'national coordination RSS (the summaries only)', residentMemory(national.pid).currentMiB, 'MiB');
    figures.add('national.hub.nats.rss.mean', 'hub nats-server RSS, mean of the three nodes', mean(hub.nodes.map((node) => residentMemory(node.pid!).currentMiB)), 'MiB');
    return {
      benchmark: 'lienganh bench --national',
      date: new Date().toISOString(),
      machine,
      parameters: { provinces: provinces.length, communes: sites.reduce((sum, site) => sum + site.communes.length, 0), countryCommunes, countryEvents: options.events, events: total, eventsPerCommune: options.events / countryCommunes },
      figures: figures.list,
      notes: [
        `Assumption: every commune of the country does the same work in a year, ${Math.round(options.events / countryCommunes)} events each (${options.events.toLocaleString('en')} for the ${countryCommunes.toLocaleString('en')} communes of the list of 1 July 2025); a province takes its communes' share. Police inspections stand for every kind of event.`,
        'Topology on this machine: a hub cluster of three nats-servers (domain hub, streams with three replicas), one nats-server per province as a leaf node of the hub (domain p<code>), one coordination process per site publishing its summary (LIENGANH_SITE) at most every second, the hub gathering the summaries (PCMD_NATIONAL_SUMMARY) and a coordination process there serving GET /api/v1/national (LIENGANH_NATIONAL=on).',
        'Latency: a single event published at a site until the national view counts it; it includes the site summary interval (1 s) by design.',
        'RSS from /proc/<pid>/status after the year and the probes: each coordination is its own process, in-memory store with snapshots.',
      ],
    };
  } catch (error) {
    throw new Error(`${phase}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await national?.stop();
    for (const site of sites) {
      await site.coordination.stop();
      await site.nc.close().catch(() => undefined);
      await site.server.dispose();
    }
    await hubNc?.close().catch(() => undefined);
    await hub?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Province code → its communes, wards and special zones (the list of 1 July 2025). */
function communesByProvince(): Map<string, string[]> {
  const communes = new Map<string, string[]>();
  for (const unit of NationalUnits.load().find('2026-01-01', { level: 'commune' })) {
    const list = communes.get(unit.parent!) ?? [];
    list.push(unit.code);
    communes.set(unit.parent!, list);
  }
  return communes;
}

/** The province's plan: its area by official code (the import adds its communes), one target carried up to the national programme. */
function provincePlan(province: string): unknown {
  return {
    id: `kh-${province}-2026`,
    number: `${province}/KH-UBND`,
    issuedOn: '2026-01-10',
    issuingBody: 'ubnd-tinh',
    level: 'province',
    area: province,
    period: { start: '2026-01-01', end: '2026-12-31' },
    title: { vi: `Kế hoạch phòng, chống mại dâm năm 2026 (${province})`, en: `Prostitution prevention plan 2026 (${province})` },
    bodies: [{ code: 'ubnd-tinh', name: { vi: 'UBND tỉnh', en: "Province People's Committee" } }],
    implements: 'CT-QG-2026',
    targets: [{ id: 'kt-tinh', title: { vi: 'Kiểm tra cơ sở kinh doanh', en: 'Inspections of businesses' }, agency: 'police', measure: { kind: 'count', eventType: policeInspectionCompleted.type }, goal: { min: 1_000 }, carriesUp: 'qg-kiem-tra' }],
    tasks: [],
  };
}

async function importPlan(url: string, plan: unknown): Promise<void> {
  const response = await fetch(`${url}/api/v1/plans`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` }, body: JSON.stringify(plan) });
  if (response.status !== 201) throw new Error(`plan import: HTTP ${response.status} ${await response.text()}`);
}

function inspection(site: Site, index: number, prefix = 'nam'): BusEvent {
  const id = `kt-${prefix}-${site.province}-${index}`;
  const data = { inspectionId: id, areaCode: site.communes[index % site.communes.length]!, business: { businessId: `b-${site.province}-${index % 5_000}`, kind: 'karaoke' as const }, outcome: 'compliant' as const, violations: [] };
  return buildEvent(policeInspectionCompleted, data, { id, time: new Date(YEAR_START + Math.floor((index / Math.max(site.events, 1)) * YEAR_MS)) });
}

function* siteEvents(site: Site): Generator<WireMessage> {
  for (let index = 0; index < site.events; index++) yield toWire(inspection(site, index));
}

/** What the national view counts: the sum of the national programme's target over the sites. */
async function nationalTotal(url: string): Promise<number> {
  const response = await readAgain(() => fetch(`${url}/api/v1/national`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } }));
  if (!response.ok) throw new Error(`GET /api/v1/national: HTTP ${response.status}`);
  const view = (await response.json()) as { totals: { key: string; events: number }[] };
  return view.totals.find((entry) => entry.key === 'qg-kiem-tra')?.events ?? 0;
}

/** A read asked again when its connection failed (a kept-alive socket the loaded server closed as it was reused). */
async function readAgain<T>(read: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof TypeError)) throw error;
    }
  }
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
