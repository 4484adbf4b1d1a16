import { join, resolve } from 'node:path';
import type { AgencyService } from '@lienganh/contracts';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { JetStreamClientProxy, JetStreamTransport, type JetStreamConsumerConfig } from '../consuming/jetstream.transport.js';
import { createHttpApp } from '../http/create-http-app.js';
import type { AgencyKeys } from '../ingestion/agency-credentials.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { ensureStreams } from '../nats/streams.js';
import { DurableOutbox } from '../publishing/outbox.js';
import { JetStreamEventPublisher } from '../publishing/event-publisher.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { AGENCY_EVENTS_CLIENT, NATS_CONNECTION } from './tokens.js';


/** What makes one agency service different from the others; everything else is shared. */
export interface AgencyServiceDefinition {
  agency: AgencyService;
  defaultPort: number;
  /** Nest modules with the agency's own endpoints and its `@EventPattern` reaction handlers. */
  modules?: (Type | DynamicModule)[];
  /** Durable consumers feeding those handlers (the cross-agency reactions). */
  consumers?: JetStreamConsumerConfig[];
}

export interface AgencyServiceConfig {
  natsUrl: string;
  port: number;
  host?: string;
  /** The outbox lives in `<dataDir>/outbox/<agency>`. */
  dataDir: string;
  keys: AgencyKeys;
  logger?: Logger;
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
  const nc: NatsConnection = await connect({
    servers: config.natsUrl,
    name: `lienganh-${agency}`,
    // Survive server restarts: the outbox holds what cannot be published meanwhile.
    reconnect: true,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    // An async stack trace per publish costs a fifth of its time (bench profile); errors keep their message.
    noAsyncTraces: true,
  });
  await ensureStreams(await jetstreamManager(nc));

  const outbox = await DurableOutbox.open(resolve(join(config.dataDir, 'outbox', agency)));
  const publisher = new JetStreamEventPublisher(nc, outbox, { logger });
  publisher.start();
  const client = new JetStreamClientProxy({ publish: (events) => publisher.publish(events) });

  @Global()
  @Module({
    providers: [
      { provide: AGENCY_EVENTS_CLIENT, useValue: client },
      { provide: NATS_CONNECTION, useValue: nc },
    ],
    exports: [AGENCY_EVENTS_CLIENT, NATS_CONNECTION],
  })
  class AgencyEventsClientModule {}

  @Module({
    imports: [
      AgencyEventsClientModule,
      IngestionModule.register({
        agency,
        keys: config.keys,
        sink: publisher,
        readiness: () => ({ ready: !nc.isClosed(), detail: { outboxPending: publisher.pending } }),
      }),
      ...(definition.modules ?? []),
    ],
  })
  class AgencyAppModule {}

  let app: INestApplication | undefined;
  const close = async () => {
    await app?.close(); // HTTP server and consumers, in-flight handlers finished
    await publisher.close();
    await outbox.close();
    if (!nc.isClosed()) await nc.drain();
  };
  try {
    app = await createHttpApp(AgencyAppModule, {
      onUnexpectedError: (error) => logger.error({ err: error }, 'unexpected error in a request'),
    });
    if (definition.consumers?.length) {
      app.connectMicroservice({ strategy: new JetStreamTransport({ connection: nc, consumers: definition.consumers, logger }) });
      await app.startAllMicroservices();
    }
    await app.listen(config.port, config.host ?? '127.0.0.1');
  } catch (error) {
    // A port in use must not leave a half-started service holding the outbox and the connection.
    await close().catch(() => undefined);
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url }, `${agency} service listening`);
  return { agency, url, publisher, close };
}
