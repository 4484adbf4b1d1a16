import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '../telemetry/logger.js';
import { connectToNats, natsSeedFromEnv, natsServers } from './nats-connection.js';
import { gatherSiteSummaries, provinceCodesFrom } from './national-topology.js';
import { ensureStreams } from './streams.js';

/**
 * Creates the backbone's streams (or brings them up to date), then exits: what deploy/ runs
 * once, as the operator identity, before the services start (`node
 * services/platform/dist/nats/provision-streams.js`, in every image). `NATS_URL` (one server
 * or a comma-separated list of a cluster's), the operator's identity (`NATS_NKEY_SEED` or
 * `NATS_NKEY_SEED_FILE`), `LIENGANH_STREAM_REPLICAS` (default 1; 3 on a three-node cluster), and on
 * the national hub `LIENGANH_NATIONAL_SITES` (the provinces whose sites' summaries it gathers: `01,79`).
 * Unlike `npx lienganh nats provision` it needs no CLI in the image and waits for a cluster
 * that is still forming.
 * Exit codes: 0 done, 1 the cluster did not take them in time, 2 bad input.
 */
const logger = createLogger('provision-streams');
const replicas = Number(process.env.LIENGANH_STREAM_REPLICAS ?? 1);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
  logger.fatal('LIENGANH_STREAM_REPLICAS must be a whole number from 1 to 5 (JetStream allows at most 5 replicas)');
  process.exit(2);
}
let seed: string | undefined;
let nationalSites: string[] = [];
try {
  seed = natsSeedFromEnv(process.env);
  if (process.env.LIENGANH_NATIONAL_SITES) nationalSites = provinceCodesFrom(process.env.LIENGANH_NATIONAL_SITES);
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(2);
}
const servers = natsServers(process.env.NATS_URL ?? 'nats://127.0.0.1:4250');
const deadline = Date.now() + 120_000;

// A cluster that has just started has no JetStream meta leader yet, and an R3 stream needs
// three servers up: keep trying until the deadline instead of failing the first time.
for (let attempt = 1; ; attempt++) {
  let nc: NatsConnection | undefined;
  try {
    nc = await connectToNats({
      servers,
      name: 'lienganh-provision-streams',
      identity: 'operator',
      ...(seed ? { seed } : {}),
      reconnectForever: false,
      timeoutMs: 5_000,
    });
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, { replicas });
    if (nationalSites.length > 0) await gatherSiteSummaries(jsm, nationalSites, { replicas });
    logger.info({ replicas, servers, ...(nationalSites.length > 0 ? { nationalSites } : {}) }, 'streams provisioned');
    await nc.drain();
    process.exit(0);
  } catch (error) {
    await nc?.close().catch(() => {});
    const message = error instanceof Error ? error.message : String(error);
    if (Date.now() > deadline) {
      logger.fatal({ attempt }, `streams not provisioned: ${message}`);
      process.exit(1);
    }
    logger.warn({ attempt }, `not yet: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5_000)));
  }
}
