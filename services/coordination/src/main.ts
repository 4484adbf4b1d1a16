import { configuredOrExit, createLogger, loadUserDirectory, MissingStreamError, natsSeedFromEnv, portFrom, sessionPolicyFromEnv, setupTelemetry, stopOnSignals, trustProxyFromEnv } from '@lienganh/platform';
import { COORDINATION_PORT, startCoordinationService } from './coordination-service.js';
import { checkWebhookReceivers, loadWebhookReceivers, WebhookConfigError, webhookAllowList } from './alerts/notifiers/webhook-config.js';
import { storeOptionsFromEnv } from './store/store-from-env.js';
import { checkInstanceId, InstanceIdInUseError, InvalidInstanceIdError } from './leadership/instance-id.js';

/**
 * Runs the coordination service as its own process: `NATS_URL` (default the embedded
 * server), `NATS_NKEY_SEED` or `NATS_NKEY_SEED_FILE` (its NATS identity), `COORDINATION_PORT`
 * or `PORT` (default 8080), `HOST`, `MONGODB_URI` for the MongoDB store (in memory otherwise, with snapshots unless `LIENGANH_SNAPSHOTS=off`),
 * `LIENGANH_USERS_FILE` for the users of the API and dashboard (none: /api/ refuses everything),
 * `LIENGANH_WEBHOOKS`/`LIENGANH_WEBHOOKS_FILE` and `LIENGANH_WEBHOOK_ALLOW` for alert webhooks,
 * `COORDINATION_INSTANCE_ID` when several instances run at once (each its own; default `coordination`),
 * `LIENGANH_SESSION_IDLE_MINUTES` and `LIENGANH_SESSION_MAX_HOURS` (dashboard sessions), `TRUST_PROXY`
 * behind a TLS proxy, `LIENGANH_SITE` (a province site's domain, `p12`: its summary is published for
 * the national view) or `LIENGANH_NATIONAL=on` (the hub's instance, serving `GET /api/v1/national`).
 * SIGTERM and SIGINT stop it gracefully.
 */
const logger = createLogger('coordination');
// Metrics always (GET /metrics); tracing when LIENGANH_TELEMETRY=on or OTEL_TRACES_EXPORTER asks for it.
configuredOrExit(logger, () => setupTelemetry('lienganh-coordination'));
const port = configuredOrExit(logger, () => portFrom(process.env.COORDINATION_PORT ?? process.env.PORT, COORDINATION_PORT));
const deadlineTickMs = configuredOrExit(logger, () => {
  const ms = Number(process.env.DEADLINE_TICK_MS ?? 30_000);
  if (!Number.isInteger(ms) || ms < 0) throw new Error('DEADLINE_TICK_MS must be a whole number of milliseconds');
  return ms;
});
const webhooks = configuredOrExit(logger, () => loadWebhookReceivers(process.env));
// LIENGANH_WEBHOOK_ALLOW: the loopback, private… hosts and ranges webhooks may reach anyway.
const webhookAllow = configuredOrExit(logger, () => webhookAllowList(process.env));
// Every receiver's host resolved and each address checked before anything starts (exit 2).
await checkWebhookReceivers(webhooks, webhookAllow, { origin: process.env.LIENGANH_WEBHOOKS ? 'LIENGANH_WEBHOOKS' : 'LIENGANH_WEBHOOKS_FILE' }).catch((error: unknown) => {
  if (!(error instanceof WebhookConfigError)) throw error;
  logger.fatal(error.message);
  process.exit(2);
});
// Users of the API and dashboard (LIENGANH_USERS_FILE); without it every /api/ request is refused.
const users = configuredOrExit(logger, () => loadUserDirectory(process.env));
const instanceId = configuredOrExit(logger, () => (process.env.COORDINATION_INSTANCE_ID ? checkInstanceId(process.env.COORDINATION_INSTANCE_ID) : undefined));
const natsSeed = configuredOrExit(logger, () => natsSeedFromEnv(process.env));
const sessions = configuredOrExit(logger, () => sessionPolicyFromEnv(process.env));
const trustProxy = configuredOrExit(logger, () => trustProxyFromEnv(process.env));
const site = configuredOrExit(logger, () => {
  const value = process.env.LIENGANH_SITE;
  if (value !== undefined && !/^p\d{2}$/.test(value)) throw new Error(`LIENGANH_SITE is p and the province's two-digit code, e.g. p12, not "${value}"`);
  return value;
});
const service = await startCoordinationService({
  webhooks,
  webhookAllow,
  natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4250',
  ...(natsSeed ? { natsSeed } : {}),
  port,
  host: process.env.HOST,
  ...(instanceId ? { instanceId } : {}),
  ...(await storeOptionsFromEnv(process.env)),
  deadlineTickMs,
  users,
  sessions,
  ...(trustProxy !== undefined ? { trustProxy } : {}),
  // Nationwide (ADR 0024): a province site's domain (p12), or the hub's national instance.
  ...(site ? { site } : {}),
  ...(process.env.LIENGANH_NATIONAL === 'on' ? { national: true } : {}),
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
stopOnSignals(() => service.close());
