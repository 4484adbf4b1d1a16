import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createHttpApp, createLogger, ensureStreams, HealthController, READINESS, type Logger } from '@lienganh/platform';
import { CommitteeController } from './board/committee.controller.js';
import { AlertDelivery, type AlertDeliveryOptions } from './alerts/alert-delivery.js';
import { LogNotifier } from './alerts/notifiers/log.notifier.js';
import type { WebhookReceivers } from './alerts/notifiers/webhook-config.js';
import { WebhookNotifier } from './alerts/notifiers/webhook.notifier.js';
import { AlertsController } from './deadlines/alerts.controller.js';
import { DeadlineEngine } from './deadlines/deadline-engine.js';
import { TaskBoardController } from './board/task-board.controller.js';
import { CLOCK, PLAN_IMPORT, PROJECTOR, systemClock, type Clock } from './http/tokens.js';
import { PlanImport } from './plans/plan-import.js';
import { CoordinationPublisher } from './publishing/coordination-publisher.js';
import { PlansController } from './plans/plans.controller.js';
import { PeriodicReportController } from './reports/periodic-report.controller.js';
import { CoordinationProjector } from './projection/coordination-projector.js';
import type { CoordinationStore } from './store/coordination-store.js';
import { InMemoryCoordinationStore } from './store/in-memory-coordination.store.js';
import { BoardStreamController } from './stream/board-stream.controller.js';
import { TargetsController } from './targets/targets.controller.js';

export const COORDINATION_PORT = 8080;
const WEB_DIR = fileURLToPath(new URL('../web', import.meta.url));

export interface CoordinationServiceConfig {
  natsUrl: string;
  port: number;
  host?: string;
  /** Where the read models are kept; in memory (rebuilt from the streams at each start) when omitted. */
  store?: CoordinationStore;
  clock?: Clock;
  logger?: Logger;
  /** Prefix of the durable consumers' names; see `ProjectorOptions.consumerPrefix`. */
  consumerPrefix?: string;
  /** How often deadlines are checked (default 30 s); 0: only on `deadlines.tick()` (tests with a fake clock). */
  deadlineTickMs?: number;
  /** Webhook receivers of alerts, per agency and `committee` (see `loadWebhookReceivers`); none by default. */
  webhooks?: WebhookReceivers;
  /** Retry timing of alert deliveries (tests shorten it). */
  alertDelivery?: Pick<AlertDeliveryOptions, 'backoff' | 'ackWaitMs'>;
}

export interface RunningCoordinationService {
  readonly url: string;
  readonly projector: CoordinationProjector;
  /** Imports a plan as `POST /api/v1/plans` does (how `npm start` loads the demo plans). */
  readonly plans: PlanImport;
  /** Raises deadline alerts; `tick()` checks now. */
  readonly deadlines: DeadlineEngine;
  close(): Promise<void>;
}

/**
 * Starts coordination: catches up on the streams into its read models, then serves the
 * task board, the committee view, targets, plan import and the live stream of changes.
 * The HTTP port opens only once the read models have caught up, so a client never sees a
 * half-built board.
 */
export async function startCoordinationService(config: CoordinationServiceConfig): Promise<RunningCoordinationService> {
  const logger = config.logger ?? createLogger('coordination');
  const store = config.store ?? new InMemoryCoordinationStore();
  const nc: NatsConnection = await connect({
    servers: config.natsUrl,
    name: 'lienganh-coordination',
    reconnect: true,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    // An async stack trace per request costs a fifth of a publish (bench profile); errors keep their message.
    noAsyncTraces: true,
  });
  await ensureStreams(await jetstreamManager(nc));
  // pino's methods need their `this`: the consumers get bound ones.
  const messages = { info: (message: string) => logger.info(message), warn: (message: string) => logger.warn(message), error: (message: string) => logger.error(message) };
  const projector = new CoordinationProjector(nc, store, {
    ...(config.consumerPrefix ? { consumerPrefix: config.consumerPrefix } : {}),
    logger: messages,
  });

  const publisher = new CoordinationPublisher(nc);
  const plans = new PlanImport(projector, publisher);
  const clock = config.clock ?? systemClock;
  const alerts = new AlertDelivery(nc, [new WebhookNotifier(config.webhooks ?? {}), new LogNotifier(logger)], {
    ...config.alertDelivery,
    ...(config.consumerPrefix ? { consumerName: `${config.consumerPrefix}-alert-delivery` } : {}),
    logger: messages,
    publishDelivered: (record) => publisher.publishEvent(record),
  });
  const deadlines = new DeadlineEngine(projector, publisher, clock, {
    ...(config.deadlineTickMs !== undefined ? { tickMs: config.deadlineTickMs } : {}),
    logger: messages,
  });

  @Module({
    controllers: [PlansController, TaskBoardController, CommitteeController, TargetsController, AlertsController, BoardStreamController, PeriodicReportController, HealthController],
    providers: [
      { provide: PROJECTOR, useValue: projector },
      { provide: CLOCK, useValue: clock },
      { provide: PLAN_IMPORT, useValue: plans },
      { provide: READINESS, useValue: () => ({ ready: !nc.isClosed(), detail: { store: store.kind, plans: projector.projection.state.plans.size } }) },
    ],
  })
  class CoordinationAppModule {}

  let app: INestApplication | undefined;
  const close = async () => {
    projector.changes.complete(); // ends the server-sent event streams, which would hold the HTTP server open
    await deadlines.stop();
    await app?.close();
    await alerts.stop();
    await projector.stop();
    if (!nc.isClosed()) await nc.drain();
    await store.close();
  };
  try {
    await projector.start();
    await alerts.start();
    deadlines.start();
    app = await createHttpApp(CoordinationAppModule, { onUnexpectedError: (error) => logger.error({ err: error }, 'unexpected error in a request') });
    // The committee's dashboard: static files, no build step (web/index.html at `/`).
    (app as NestExpressApplication).useStaticAssets(WEB_DIR, { index: 'index.html', maxAge: '1m' });
    await app.listen(config.port, config.host ?? '127.0.0.1');
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url }, 'coordination service listening');
  return { url, projector, plans, deadlines, close };
}
