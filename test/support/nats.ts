import { ensureStreams, NatsServer } from '@lienganh/platform';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** A real nats-server for one test file, with a connection and the backbone's streams. */
export interface NatsFixture {
  server: NatsServer;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  close(): Promise<void>;
}

export async function startNatsFixture(): Promise<NatsFixture> {
  const server = await NatsServer.start();
  const nc = await connect({ servers: server.url, name: 'lienganh-test' });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  return {
    server,
    nc,
    js: jetstream(nc),
    jsm,
    async close() {
      await nc.close();
      await server.dispose();
    },
  };
}
