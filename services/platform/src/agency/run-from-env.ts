import { createLogger } from '../telemetry/logger.js';
import { loadAgencyKeys } from '../ingestion/agency-credentials.js';
import { startAgencyService, type AgencyServiceDefinition } from './agency-service.js';

/**
 * Runs one agency service as its own process, configured from the environment:
 * `NATS_URL` (default the embedded server, nats://127.0.0.1:4250), `<AGENCY>_PORT` or `PORT`
 * (default the convention's port), `HOST`, `DATA_DIR` (default `.data`), agency keys as in
 * `loadAgencyKeys`. SIGTERM and SIGINT stop it gracefully.
 */
export async function runAgencyServiceFromEnv(definition: AgencyServiceDefinition, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createLogger(definition.agency);
  const port = Number(env[`${definition.agency.toUpperCase()}_PORT`] ?? env.PORT ?? definition.defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    logger.fatal(`port must be a number from 0 to 65535`);
    process.exit(2);
  }
  const service = await startAgencyService(definition, {
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4250',
    port,
    host: env.HOST,
    dataDir: env.DATA_DIR ?? '.data',
    keys: loadAgencyKeys(env),
    logger,
  });
  const stop = async () => {
    await service.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
