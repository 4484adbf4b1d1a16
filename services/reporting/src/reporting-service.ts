import { join, resolve } from 'node:path';
import { Module, type INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { REPORTING_SERVICE, STREAMS } from '@lienganh/contracts';
import {
  BODY_REGISTER,
  BodyKeyGuard,
  BodyRegister,
  closeHttpServer,
  connectToNats,
  createHttpApp,
  logRefusals,
  createLogger,
  DuplicateGuard,
  DurableOutbox,
  EVENT_SINK,
  HealthController,
  JetStreamEventPublisher,
  READINESS,
  requireStreams,
  type Logger,
  type RateLimit,
  type TrustProxy,
} from '@lienganh/platform';
import { REPORTING_OPTIONS, ReportingEventsController, type ReportingOptions } from './reporting-events.controller.js';

export const REPORTING_PORT = 8086;

export interface ReportingServiceConfig {
  natsUrl: string;
  /** The reporting service's NATS identity (nkey user seed); none: a server without permissions. */
  natsSeed?: string;
  port: number;
  host?: string;
  /** The outbox lives in `<dataDir>/outbox/reporting`. */
  dataDir: string;
  logger?: Logger;
  rateLimit?: RateLimit | false;
  /** The TLS proxies in front (Express `trust proxy`); default from `TRUST_PROXY` (none when unset). */
  trustProxy?: TrustProxy;
  clock?: { now(): Date };
}

export interface RunningReportingService {
  readonly url: string;
  readonly register: BodyRegister;
  close(): Promise<void>;
}

/**
 * Starts the reporting service: the bodies without a service of their own post their events here
 * with the HTTP key the secretariat issued them (ADR 0011). Same edge as the agency services
 * (durable outbox, duplicate window, limits, /healthz, /readyz, /metrics); the keys are not
 * configuration but the register of bodies in JetStream, watched, so that issuing and revoking
 * need no restart.
 */
export async function startReportingService(config: ReportingServiceConfig): Promise<RunningReportingService> {
  const logger = config.logger ?? createLogger(REPORTING_SERVICE);
  const nc = await connectToNats({
    servers: config.natsUrl,
    name: `lienganh-${REPORTING_SERVICE}`,
    identity: REPORTING_SERVICE,
    ...(config.natsSeed ? { seed: config.natsSeed } : {}),
    onPermissionError: (message) => logger.error(message),
  });
  let duplicateWindowMs: number;
  let register: BodyRegister;
  try {
    const jsm = await jetstreamManager(nc);
    await requireStreams(jsm, [STREAMS.agencyEvents.name]);
    duplicateWindowMs = ((await jsm.streams.info(STREAMS.agencyEvents.name)).config.duplicate_window ?? 0) / 1e6;
    register = await BodyRegister.open(nc, { logger: { warn: (message) => logger.warn(message) } });
  } catch (error) {
    await nc.close();
    throw error;
  }
  const duplicates = new DuplicateGuard({ windowMs: Math.max(duplicateWindowMs, 2 * 60_000), ...(config.clock ? { clock: config.clock } : {}) });
  const outbox = await DurableOutbox.open(resolve(join(config.dataDir, 'outbox', REPORTING_SERVICE)), {
    onWritableChange: (writable, error) =>
      writable ? logger.info('outbox writes again: events are accepted') : logger.error({ err: error }, 'outbox cannot write: events the bus does not take are refused (503) until it recovers by itself'),
  });
  const publisher = new JetStreamEventPublisher(nc, outbox, { logger, onAcknowledged: (msgId, duplicate) => duplicates.acknowledged(msgId, duplicate) });
  publisher.start();
  const options: ReportingOptions = { duplicates, ...(config.clock ? { clock: config.clock } : {}) };

  @Module({
    controllers: [ReportingEventsController, HealthController],
    providers: [
      BodyKeyGuard,
      { provide: BODY_REGISTER, useValue: register },
      { provide: REPORTING_OPTIONS, useValue: options },
      { provide: EVENT_SINK, useValue: publisher },
      { provide: READINESS, useValue: () => publisher.readiness() },
    ],
  })
  class ReportingAppModule {}

  let app: INestApplication | undefined;
  const close = async () => {
    if (app) await closeHttpServer(app);
    register.close();
    await publisher.close();
    await outbox.close();
    if (!nc.isClosed()) await nc.drain();
  };
  try {
    app = await createHttpApp(ReportingAppModule, {
      ...(config.rateLimit !== undefined ? { rateLimit: config.rateLimit } : {}),
      ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
      onUnexpectedError: (error) => logger.error({ err: error }, 'unexpected error in a request'),
      onRefused: logRefusals(logger),
    });
    await app.listen(config.port, config.host ?? '127.0.0.1');
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url, bodies: register.all().filter((record) => record.credentials).length }, 'reporting service listening');
  return { url, register, close };
}
