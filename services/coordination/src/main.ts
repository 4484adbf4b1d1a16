import { createLogger } from '@lienganh/platform';
import { COORDINATION_PORT, startCoordinationService } from './coordination-service.js';
import { loadWebhookReceivers, WebhookConfigError, type WebhookReceivers } from './alerts/notifiers/webhook-config.js';
import { storeFromEnv } from './store/store-from-env.js';

/**
 * Runs the coordination service as its own process: `NATS_URL` (default the embedded
 * server), `COORDINATION_PORT` or `PORT` (default 8080), `HOST`, `MONGODB_URI` for the
 * MongoDB store (in memory otherwise). SIGTERM and SIGINT stop it gracefully.
 */
const logger = createLogger('coordination');
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
const service = await startCoordinationService({
  webhooks,
  natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4250',
  port,
  host: process.env.HOST,
  store: await storeFromEnv(process.env),
  deadlineTickMs,
  logger,
});
const stop = async () => {
  await service.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
