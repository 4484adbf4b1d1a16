import { createLogger } from '../telemetry/logger.js';
import { setupTelemetry } from '../telemetry/telemetry.js';
import { configuredOrExit, portFrom, stopOnSignals } from '../process/process-lifecycle.js';
import { loadAgencyKeys } from '../ingestion/agency-credentials.js';
import { pseudonymKeyFromEnv } from '../ingestion/pseudonym-key.js';
import { natsSeedFromEnv, NatsSeedError } from '../nats/nats-connection.js';
import { MissingStreamError } from '../nats/streams.js';
import { trustProxyFromEnv } from '../http/trust-proxy.js';
import { agencyReplicaFromEnv } from './agency-replica.js';
import { startAgencyService, type AgencyServiceDefinition } from './agency-service.js';

/**
 * Runs one agency service as its own process, configured from the environment:
 * `NATS_URL` (default the embedded server, nats://127.0.0.1:4250), `<AGENCY>_PORT` or `PORT`
 * (default the convention's port), `HOST`, `DATA_DIR` (default `.data`), agency keys as in
 * `loadAgencyKeys`, its NATS identity from `NATS_NKEY_SEED` or `NATS_NKEY_SEED_FILE`,
 * `AGENCY_REPLICA` when several replicas run (see `agency-replica.ts`), its pseudonymisation key
 * from `LIENGANH_PSEUDONYM_KEY_FILE` or `LIENGANH_PSEUDONYM_KEY` (see `pseudonym-key.ts`).
 * SIGTERM and SIGINT stop it gracefully.
 */
export async function runAgencyServiceFromEnv(definition: AgencyServiceDefinition, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createLogger(definition.agency);
  // Metrics always (GET /metrics); tracing when LIENGANH_TELEMETRY=on or OTEL_TRACES_EXPORTER asks for it.
  configuredOrExit(logger, () => setupTelemetry(`lienganh-${definition.agency}`, env));
  const port = configuredOrExit(logger, () => portFrom(env[`${definition.agency.toUpperCase()}_PORT`] ?? env.PORT, definition.defaultPort));
  const replica = configuredOrExit(logger, () => agencyReplicaFromEnv(env));
  const natsSeed = configuredOrExit(logger, () => natsSeedFromEnv(env));
  const pseudonymKey = configuredOrExit(logger, () => pseudonymKeyFromEnv(env));
  // TRUST_PROXY, behind a TLS proxy: a bad value is said in one line before anything starts.
  const trustProxy = configuredOrExit(logger, () => trustProxyFromEnv(env));
  const service = await startAgencyService(definition, {
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4250',
    ...(natsSeed ? { natsSeed } : {}),
    port,
    host: env.HOST,
    dataDir: env.DATA_DIR ?? '.data',
    keys: loadAgencyKeys(env),
    ...(pseudonymKey ? { pseudonymKey } : {}),
    ...(replica !== undefined ? { replica } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
    logger,
  }).catch((error: unknown) => {
    // Misconfiguration is said in one line, without a stack trace.
    if (error instanceof MissingStreamError || error instanceof NatsSeedError) {
      logger.fatal(error.message);
      process.exit(error instanceof NatsSeedError ? 2 : 1);
    }
    throw error;
  });
  stopOnSignals(() => service.close());
}
