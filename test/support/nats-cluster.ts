import { connectToNats, createNatsKeys, ensureStreams, NatsCluster, natsKeysEnv, type NatsIdentity, type NatsKeys } from '@lienganh/platform';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_SERVER_CONF, type NatsIdentitySettings } from './nats.js';

/**
 * A three-node nats-server cluster on loopback for one test file, each node running
 * deploy/nats/server.conf with fresh keys, the backbone's streams replicated on every node,
 * and an operator connection that fails over between the nodes.
 */
export interface NatsClusterFixture {
  cluster: NatsCluster;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  keys: NatsKeys;
  /** Connection settings of an identity naming every node: `natsUrl` is their comma-separated list. */
  identity(identity: NatsIdentity): NatsIdentitySettings;
  close(): Promise<void>;
}

export async function startNatsClusterFixture(): Promise<NatsClusterFixture> {
  const keys = createNatsKeys();
  const cluster = await NatsCluster.start({ args: ['-c', NATS_SERVER_CONF], env: natsKeysEnv(keys) });
  // Reconnects for ever: the node it is on may be the one a test kills.
  const nc = await connectToNats({ servers: cluster.servers, name: 'lienganh-test', identity: 'operator', seed: keys.operator.seed });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, { replicas: cluster.nodes.length });
  return {
    cluster,
    nc,
    js: jetstream(nc),
    jsm,
    keys,
    identity: (name) => ({ natsUrl: cluster.servers.join(','), natsSeed: keys[name].seed }),
    async close() {
      await nc.close();
      await cluster.dispose();
    },
  };
}
