import { REPORTING_SERVICE } from '@lienganh/contracts';
import { configuredOrExit, createLogger, MissingStreamError, natsSeedFromEnv, NatsSeedError, portFrom, setupTelemetry, stopOnSignals, trustProxyFromEnv } from '@lienganh/platform';
import { REPORTING_PORT, startReportingService } from './reporting-service.js';

/**
 * Runs the reporting service as its own process: `NATS_URL` (default the embedded server),
 * `REPORTING_PORT` or `PORT` (default 8086), `HOST`, `DATA_DIR` (default `.data`), its NATS
 * identity from `NATS_NKEY_SEED` or `NATS_NKEY_SEED_FILE`. Bodies' keys come from the register
 * of bodies in JetStream, never from the environment. SIGTERM and SIGINT stop it gracefully.
 */
export async function runReportingServiceFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createLogger(REPORTING_SERVICE);
  configuredOrExit(logger, () => setupTelemetry(`lienganh-${REPORTING_SERVICE}`, env));
  const port = configuredOrExit(logger, () => portFrom(env.REPORTING_PORT ?? env.PORT, REPORTING_PORT));
  const natsSeed = configuredOrExit(logger, () => natsSeedFromEnv(env));
  // TRUST_PROXY, behind a TLS proxy: a bad value is said in one line before anything starts.
  const trustProxy = configuredOrExit(logger, () => trustProxyFromEnv(env));
  const service = await startReportingService({
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4250',
    ...(natsSeed ? { natsSeed } : {}),
    port,
    ...(env.HOST ? { host: env.HOST } : {}),
    dataDir: env.DATA_DIR ?? '.data',
    ...(trustProxy !== undefined ? { trustProxy } : {}),
    logger,
  }).catch((error: unknown) => {
    if (error instanceof MissingStreamError || error instanceof NatsSeedError) {
      logger.fatal(error.message);
      process.exit(error instanceof NatsSeedError ? 2 : 1);
    }
    throw error;
  });
  stopOnSignals(() => service.close());
}
