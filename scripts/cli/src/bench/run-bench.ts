import type { RunningCoordinationService } from '@lienganh/coordination';
import { measureBaseline } from './baseline.js';
import { loadAgencyEvents, publishPlans } from './bulk-load.js';
import { baDinhPlan, startCoordination } from './coordination.js';
import { measureDeadlineScan } from './deadline-scan.js';
import { BenchEnvironment, describeMachine, type Machine } from './environment.js';
import { Figures, type Figure, type GoalResult } from './figures.js';
import { generatePlans, TASKS_PER_PLAN } from './generated-plans.js';
import { BATCH_CLIENTS, INGEST_BATCH, measureIngest, SINGLE_CLIENTS, startPoliceProcess, type AgencyUnderTest } from './ingest.js';
import { measureLatency } from './latency.js';
import { measureMemory } from './memory.js';
import { benchMongoStore, clearBenchMongo, MONGODB_SKIPPED, mongoUri } from './mongodb.js';
import { measureLiveConsume, measureProjection } from './projection.js';
import { Reporter } from './progress.js';
import { PUBLISH_WINDOW } from './raw-jetstream.js';
import { measureReplay } from './replay.js';

export interface BenchOptions {
  quick: boolean;
  /** Events per throughput measurement (baseline, ingest, projection). */
  events: number;
  /** Offered rate of the end-to-end latency measurement, events/s. */
  rate: number;
}

export interface BenchResult {
  benchmark: 'lienganh bench';
  date: string;
  mode: 'quick' | 'full';
  machine: Machine;
  parameters: {
    events: number;
    rate: number;
    e2eSeconds: number;
    replay: number[];
    memoryEvents: number;
    generatedPlans: number;
    deadlines: number;
    ingestBatch: number;
    batchClients: number;
    singleClients: number;
    publishWindow: number;
  };
  figures: Figure[];
  goals: GoalResult[];
  notes: string[];
}

const GENERATED_PLANS = 10;
const DEADLINES = 100_000;

/** Runs every measurement of issue #9 in order, on one nats-server of its own; stops everything it started. */
export async function runBench(options: BenchOptions, tty: boolean): Promise<BenchResult> {
  const reporter = new Reporter(tty);
  const figures = new Figures();
  const replaySizes = options.quick ? [10_000] : [100_000, 1_000_000];
  const e2eSeconds = options.quick ? 3 : 30;
  const mongo = mongoUri();
  const parameters: BenchResult['parameters'] = {
    events: options.events,
    rate: options.rate,
    e2eSeconds,
    replay: replaySizes,
    memoryEvents: replaySizes[replaySizes.length - 1]!,
    generatedPlans: GENERATED_PLANS,
    deadlines: DEADLINES,
    ingestBatch: INGEST_BATCH,
    batchClients: BATCH_CLIENTS,
    singleClients: SINGLE_CLIENTS,
    publishWindow: PUBLISH_WINDOW,
  };
  const machine = describeMachine();
  reporter.step(`${options.quick ? 'quick' : 'full'} run on ${machine.cores} cores, Node ${machine.node}, nats-server ${machine.natsServer}`);
  const plan = baDinhPlan();
  // First: it needs no server, and a heap still full of a million replayed events would slow it.
  await measureDeadlineScan(plan, figures, reporter, DEADLINES);

  reporter.step('starting a nats-server of its own (free port, temporary store)');
  const env = await BenchEnvironment.start();
  let police: AgencyUnderTest | undefined;
  let coordination: RunningCoordinationService | undefined;
  const closeCoordination = async () => {
    await coordination?.close();
    coordination = undefined;
  };
  try {
    const baseline = await measureBaseline(env, figures, reporter, options.events);

    police = await startPoliceProcess(env);
    await measureIngest(env, police, figures, reporter, options.events, baseline);

    const liveConsumeRate = await measureLiveConsume(env, figures, reporter, options.events);
    coordination = await startCoordination(env.url);
    await coordination.plans.import(plan);
    await measureProjection(env, figures, reporter, options.events, { liveConsumeRate, consumeRate: baseline.consumeRate }, { figure: 'projection', label: 'projection', consumer: 'coordination-agency-events' });
    await closeCoordination();
    await env.purgeAgencyEvents();

    coordination = await startCoordination(env.url, { consumerPrefix: 'bench-e2e' });
    await measureLatency(env, coordination, plan, police, figures, reporter, { rate: options.rate, seconds: e2eSeconds, consumer: 'bench-e2e-agency-events' });
    await closeCoordination();
    await police.close();
    police = undefined;
    await env.purgeAgencyEvents();

    if (mongo) {
      coordination = await startCoordination(env.url, { consumerPrefix: 'bench-mongo', store: await benchMongoStore(mongo) });
      await measureProjection(env, figures, reporter, options.events, { liveConsumeRate, consumeRate: baseline.consumeRate }, { figure: 'mongodb.projection', label: 'projection (MongoDB store)', consumer: 'bench-mongo-agency-events' });
      await closeCoordination();
      await env.purgeAgencyEvents();
    } else {
      figures.skip('mongodb.projection.rate', 'projection (MongoDB store): events into the read models (live)', 'events/s', MONGODB_SKIPPED);
      figures.skip('mongodb.projection.ratio', 'projection (MongoDB store) vs raw consume (live, the same load)', '%', MONGODB_SKIPPED);
      figures.skip('mongodb.projection.ratio_at_rest', 'projection (MongoDB store) vs raw consume of a full stream, nothing else running', '%', MONGODB_SKIPPED);
      reporter.step(`MongoDB: skipped, ${MONGODB_SKIPPED}`);
    }

    let loaded = 0;
    for (const [position, size] of replaySizes.entries()) {
      reporter.step(`replay: loading the agency stream to ${size} events (raw publishing, not timed)`);
      await loadAgencyEvents(env, reporter, { from: loaded, to: size, total: replaySizes[replaySizes.length - 1]! });
      loaded = size;
      const name = `replay.${sizeName(size)}`;
      await measureReplay(env, plan, figures, reporter, size, { figure: name, label: `replay of ${sizeName(size)} (memory store)` });
      if (position > 0) continue;
      if (mongo) {
        await measureReplay(env, plan, figures, reporter, size, { figure: `mongodb.${name}`, label: `replay of ${sizeName(size)} (MongoDB store)`, store: () => benchMongoStore(mongo) });
      } else {
        figures.skip(`mongodb.${name}.rate`, `replay of ${sizeName(size)} (MongoDB store): events/s, start → listening`, 'events/s', MONGODB_SKIPPED);
        figures.skip(`mongodb.${name}.seconds`, `replay of ${sizeName(size)} (MongoDB store): start → listening`, 's', MONGODB_SKIPPED);
      }
    }
    if (mongo) await clearBenchMongo(mongo);

    const generated = generatePlans(plan, GENERATED_PLANS);
    await publishPlans(env, generated);
    await measureMemory(env, figures, reporter, { events: loaded, tasks: GENERATED_PLANS * TASKS_PER_PLAN + plan.tasks.length, plans: GENERATED_PLANS + 1 });
  } finally {
    await closeCoordination().catch(() => undefined);
    await police?.close().catch(() => undefined);
    await env.close();
  }
  return {
    benchmark: 'lienganh bench',
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine,
    parameters,
    // In the order: the deadline scan, measured first, comes last.
    figures: [...figures.list.filter((figure) => !figure.name.startsWith('deadline.')), ...figures.list.filter((figure) => figure.name.startsWith('deadline.'))],
    goals: figures.goals(),
    notes: notes(parameters),
  };
}

const sizeName = (size: number) => (size >= 1_000_000 ? `${size / 1_000_000}m` : `${size / 1_000}k`);

function notes(parameters: BenchResult['parameters']): string[] {
  return [
    `One nats-server (JetStream, file storage, temporary directory) started for the run; every measurement uses the backbone's PCMD_AGENCY_EVENTS stream, emptied between measurements.`,
    `baseline: the @nats-io/jetstream client alone: js.publish with ${parameters.publishWindow} acks in flight, events encoded beforehand; then a durable pull consumer (client defaults) acking each message, until the server has no ack pending; then js.publish awaited one at a time by ${parameters.singleClients} callers at once, what single-event ingest is compared with; then the same durable consumer while the projection's worker thread publishes (live), what the live projection is compared with.`,
    `ingest: the police service as its own process (node services/police/dist/main.js); node:http keep-alive clients with bodies serialised beforehand; batches of ${parameters.ingestBatch} with ${parameters.batchClients} clients, single events with ${parameters.singleClients}; timed until the stream holds every event (each 202 already means stream ack or outbox fsync).`,
    `projection: coordination in this process (the projection in memory, no store copy and no snapshots: LIENGANH_SNAPSHOTS=off; Ba Đình 2021 plan imported, live); a worker thread publishes the events raw at full speed; timed from the first publish until coordination-agency-events has num_pending 0 and num_ack_pending 0 (acks follow the group commit). The start-up catch-up is measured by replay instead.`,
    `e2e: a fresh coordination (board with the plan only) in this process; a worker thread posts single events to the police service at the offered rate, open loop; latency from each post to the commit that makes its id visible in the inspections target (projector.changes), and to the SSE message of that commit at a GET /api/v1/stream client.`,
    `replay: a fresh coordination service (new consumer prefix, the projection in memory without snapshots, so from nothing) timed from startCoordinationService() until it listens (it listens only after reading both streams to their end and committing), Nest start-up included.`,
    `memory: coordination as its own process (node services/coordination/dist/main.js, DEADLINE_TICK_MS=0) catching up on ${parameters.memoryEvents.toLocaleString('en')} events with the Ba Đình plan and ${parameters.generatedPlans} generated district plans of 1,000 tasks (the schema's cap per plan); VmHWM and VmRSS from /proc/<pid>/status after it listens and served the task board and the committee overview once. It keeps the default store: in memory, with snapshots in PCMD_SNAPSHOTS (every 100k events or 10 min, and at close).`,
    `restart: that child stopped with SIGTERM (it exits 0 after saving its last snapshot; the run checks the "snapshot saved" log line and its size, uncompressed and as stored), then started again with the same environment and instance id, timed from spawn until it listens (snapshot loaded, tail replayed, Nest start-up included; its log must say it loaded the snapshot saved at close). Its task board (GET /api/v1/tasks) and committee overview (without generatedAt) must equal those of the full replay, or the run fails; VmHWM after it served them once.`,
    `deadline scan (run first, before the server starts): a projection without I/O holding the Ba Đình plan and ${parameters.deadlines.toLocaleString('en')} police inspections with violations (one open follow-up deadline each); one DeadlineEngine.tick() at 2021-07-01 with a publisher that publishes nothing, and decideAlerts alone.`,
    `No timing is asserted anywhere; other work on the machine changes the figures.`,
  ];
}
