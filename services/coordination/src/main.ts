import { createLogger, loadUserDirectory, MissingStreamError, natsSeedFromEnv, setupTelemetry, stopTelemetry, type UserDirectory } from '@lienganh/platform';
import { COORDINATION_PORT, startCoordinationService } from './coordination-service.js';
import { loadWebhookReceivers, WebhookConfigError, type WebhookReceivers } from './alerts/notifiers/webhook-config.js';
import { storeFromEnv } from './store/store-from-env.js';
import { checkInstanceId, InstanceIdInUseError, InvalidInstanceIdError } from './leadership/instance-id.js';

/**
 * Runs the coordination service as its own process: `NATS_URL` (default the embedded
 * server), `NATS_NKEY_SEED` or `NATS_NKEY_SEED_FILE` (its NATS identity), `COORDINATION_PORT`
 * or `PORT` (default 8080), `HOST`, `MONGODB_URI` for the MongoDB store (in memory otherwise),
 * `LIENGANH_USERS_FILE` for the users of the API and dashboard (none: /api/ refuses everything),
 * `COORDINATION_INSTANCE_ID` when several instances run at once (each its own; default `coordination`).
 * SIGTERM and SIGINT stop it gracefully.
 */
const logger = createLogger('coordination');
try {
  // Metrics always (GET /metrics); tracing when LIENGANH_TELEMETRY=on or OTEL_TRACES_EXPORTER asks for it.
  setupTelemetry('lienganh-coordination');
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(2);
}
const port = Number(process.env.COORDINATION_PORT ?? process.env.PORT ?? COORDINATION_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  logger.fatal('port must be a number from 0 to 65535');
  process.exit(2);
}
const deadlineTickMs = Number(process.env.DEADLINE_TICK_MS ?? 30_000);
if (!Number.isInteger(deadlineTickMs) || deadlineTickMs < 0) {
  logger.fatal('DEADLINE_TICK_MS must be a whole number of milliseconds');
  process.exit(2);
}
let webhooks: WebhookReceivers;
try {
  webhooks = loadWebhookReceivers(process.env);
} catch (error) {
  logger.fatal(error instanceof WebhookConfigError ? error.message : String(error));
  process.exit(2);
}
// Users of the API and dashboard (LIENGANH_USERS_FILE); without it every /api/ request is refused.
let users: UserDirectory;
try {
  users = loadUserDirectory(process.env);
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(2);
}
let instanceId: string | undefined;
try {
  instanceId = process.env.COORDINATION_INSTANCE_ID ? checkInstanceId(process.env.COORDINATION_INSTANCE_ID) : undefined;
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(2);
}
let natsSeed: string | undefined;
try {
  natsSeed = natsSeedFromEnv(process.env);
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(2);
}
const service = await startCoordinationService({
  webhooks,
  natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4250',
  ...(natsSeed ? { natsSeed } : {}),
  port,
  host: process.env.HOST,
  ...(instanceId ? { instanceId } : {}),
  store: await storeFromEnv(process.env),
  deadlineTickMs,
  users,
  logger,
}).catch((error: unknown) => {
  // A missing stream is said in one line, without a stack trace.
  if (error instanceof MissingStreamError) {
    logger.fatal(error.message);
    process.exit(1);
  }
  // Two running instances with one id: a configuration error.
  if (error instanceof InstanceIdInUseError || error instanceof InvalidInstanceIdError) {
    logger.fatal(error.message);
    process.exit(2);
  }
  throw error;
});
const stop = async () => {
  await service.close();
  await stopTelemetry(); // flushes what waits for OTLP
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
