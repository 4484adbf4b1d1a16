import { join, resolve } from 'node:path';
import { MIN_PSEUDONYM_KEY_BYTES, type AgencyService } from '@lienganh/contracts';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { STREAMS } from '@lienganh/contracts';
import { JetStreamClientProxy, JetStreamTransport, type JetStreamConsumerConfig } from '../consuming/jetstream.transport.js';
import { createHttpApp, logRefusals } from '../http/create-http-app.js';
import { closeHttpServer } from '../process/http-drain.js';
import type { RateLimit } from '../http/rate-limit.js';
import type { TrustProxy } from '../http/trust-proxy.js';
import type { AgencyKeys } from '../ingestion/agency-credentials.js';
import { AgencyKeyRegister } from '../ingestion/agency-key-register.js';
import { DuplicateGuard } from '../ingestion/duplicate-guard.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { PseudonymKeyError } from '../ingestion/pseudonym-key.js';
import { connectToNats } from '../nats/nats-connection.js';
import { requireStreams } from '../nats/streams.js';
import type { ReplayConsumerConfig } from '../consuming/replay.js';
import { DurableOutbox } from '../publishing/outbox.js';
import { JetStreamEventPublisher } from '../publishing/event-publisher.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { AGENCY_EVENTS_CLIENT, NATS_CONNECTION } from './tokens.js';
import { REPLICA_CONSUMER_NAME, replicaConsumerName, type ReplicaConsumerName } from './agency-replica.js';


/** What makes one agency service different from the others; everything else is shared. */
export interface AgencyServiceDefinition {
  agency: AgencyService;
  defaultPort: number;
  /** Nest modules with the agency's own endpoints and its `@EventPattern` reaction handlers. */
  modules?: (Type | DynamicModule)[];
  /** Durable consumers feeding those handlers (the cross-agency reactions). */
  consumers?: JetStreamConsumerConfig[];
  /** The replays its modules run at start (`replayEvents` with `consumerName`): its NATS permissions name them. */
  replays?: ReplayConsumerConfig[];
}

export interface AgencyServiceConfig {
  natsUrl: string;
  /** The agency's NATS identity (nkey user seed); none: a server without permissions. */
  natsSeed?: string;
  port: number;
  host?: string;
  /** The outbox lives in `<dataDir>/outbox/<agency>`. */
  dataDir: string;
  keys: AgencyKeys;
  /**
   * The agency's pseudonymisation key (at least 32 bytes): record keys its systems send become
   * `sr_…` subject references. None: the service runs, and refuses record keys (422).
   */
  pseudonymKey?: Uint8Array;
  logger?: Logger;
  /** Requests per client per window; default from `LIENGANH_RATE_LIMIT` (see `createHttpApp`). */
  rateLimit?: RateLimit | false;
  /** The TLS proxies in front (Express `trust proxy`); default from `TRUST_PROXY` (none when unset). */
  trustProxy?: TrustProxy;
  /**
   * Which replica this is when several run behind a load balancer (`AGENCY_REPLICA`, 0 to
   * `AGENCY_REPLICA_SLOTS - 1`): its consumers and replays are its own (`<name>-r<replica>`), so
   * that its in-memory views see every event. None: a lone service.
   */
  replica?: number;
  /** The service's clock: an event's `time` may be at most a day after it (ADR 0010). Default: the system clock. */
  clock?: { now(): Date };
}

export interface RunningAgencyService {
  readonly agency: AgencyService;
  readonly url: string;
  readonly publisher: JetStreamEventPublisher;
  close(): Promise<void>;
}

/**
 * Starts an agency service: NATS connection (reconnecting forever), the durable publisher
 * with its outbox, the HTTP edge, and the reaction consumers. `close()` stops taking
 * requests, drains in-flight work, and leaves what is not yet published in the outbox.
 */
export async function startAgencyService(definition: AgencyServiceDefinition, config: AgencyServiceConfig): Promise<RunningAgencyService> {
  const { agency } = definition;
  const logger = config.logger ?? createLogger(agency);
  if (config.pseudonymKey && config.pseudonymKey.length < MIN_PSEUDONYM_KEY_BYTES) {
    throw new PseudonymKeyError(`the pseudonymisation key must be at least ${MIN_PSEUDONYM_KEY_BYTES} bytes`);
  }
  // Reconnects for ever: the outbox holds what cannot be published meanwhile.
  const nc: NatsConnection = await connectToNats({
    servers: config.natsUrl,
    name: `lienganh-${agency}`,
    identity: agency,
    ...(config.natsSeed ? { seed: config.natsSeed } : {}),
    onPermissionError: (message) => logger.error(message),
  });
  // Only the operator provisions streams; the agency's identity may only look at them.
  let duplicateWindowMs: number;
  try {
    const jsm = await jetstreamManager(nc);
    await requireStreams(jsm, [STREAMS.agencyEvents.name, ...(definition.consumers?.length ? [STREAMS.deadLetter.name] : [])]);
    duplicateWindowMs = ((await jsm.streams.info(STREAMS.agencyEvents.name)).config.duplicate_window ?? 0) / 1e6;
  } catch (error) {
    await nc.close();
    throw error;
  }

  // Keys the secretariat issued at run time; watched, so a rotation or revocation is in force within a second.
  let keyRegister: AgencyKeyRegister;
  try {
    keyRegister = await AgencyKeyRegister.open(nc, { logger });
  } catch (error) {
    await nc.close();
    throw error;
  }

  // Bodies of the events this replica took, for the stream's duplicate window: a re-send with another body is a 409.
  const duplicates = new DuplicateGuard({ windowMs: Math.max(duplicateWindowMs, 2 * 60_000), ...(config.clock ? { clock: config.clock } : {}) });
  const outbox = await DurableOutbox.open(resolve(join(config.dataDir, 'outbox', agency)), {
    onWritableChange: (writable, error) =>
      writable
        ? logger.info('outbox writes again: events are accepted')
        : logger.error({ err: error }, 'outbox cannot write: events the bus does not take are refused (503) until it recovers by itself'),
  });
  const publisher = new JetStreamEventPublisher(nc, outbox, { logger, onAcknowledged: (msgId, duplicate) => duplicates.acknowledged(msgId, duplicate) });
  publisher.start();
  const client = new JetStreamClientProxy({ publish: (events) => publisher.publish(events) });
  const consumerName: ReplicaConsumerName = (name) => replicaConsumerName(name, config.replica);

  @Global()
  @Module({
    providers: [
      { provide: AGENCY_EVENTS_CLIENT, useValue: client },
      { provide: NATS_CONNECTION, useValue: nc },
      { provide: REPLICA_CONSUMER_NAME, useValue: consumerName },
    ],
    exports: [AGENCY_EVENTS_CLIENT, NATS_CONNECTION, REPLICA_CONSUMER_NAME],
  })
  class AgencyEventsClientModule {}

  @Module({
    imports: [
      AgencyEventsClientModule,
      IngestionModule.register({
        agency,
        keys: config.keys,
        keyRegister,
        ...(config.pseudonymKey ? { pseudonymKey: config.pseudonymKey } : {}),
        ...(config.clock ? { clock: config.clock } : {}),
        duplicates,
        sink: publisher,
        readiness: () => publisher.readiness(),
      }),
      ...(definition.modules ?? []),
    ],
  })
  class AgencyAppModule {}

  let app: INestApplication | undefined;
  const close = async () => {
    if (app) await closeHttpServer(app); // HTTP server (requests in flight get a drain deadline) and consumers, in-flight handlers finished
    await publisher.close();
    await outbox.close();
    keyRegister.close();
    if (!nc.isClosed()) await nc.drain();
  };
  try {
    app = await createHttpApp(AgencyAppModule, {
      ...(config.rateLimit !== undefined ? { rateLimit: config.rateLimit } : {}),
      ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
      onUnexpectedError: (error) => logger.error({ err: error }, 'unexpected error in a request'),
      onRefused: logRefusals(logger),
    });
    if (definition.consumers?.length) {
      // Each replica through its own consumers: every replica's views see every event.
      const consumers = definition.consumers.map((consumer) => ({ ...consumer, name: consumerName(consumer.name) }));
      app.connectMicroservice({ strategy: new JetStreamTransport({ connection: nc, consumers, logger }) });
      await app.startAllMicroservices();
    }
    await app.listen(config.port, config.host ?? '127.0.0.1');
  } catch (error) {
    // A port in use must not leave a half-started service holding the outbox and the connection.
    await close().catch(() => undefined);
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url, ...(config.replica !== undefined ? { replica: config.replica } : {}) }, `${agency} service listening`);
  if (!config.pseudonymKey) logger.warn('no pseudonymisation key (LIENGANH_PSEUDONYM_KEY_FILE): records with a record key in place of a subject reference are refused');
  return { agency, url, publisher, close };
}
