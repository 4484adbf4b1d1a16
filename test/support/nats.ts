import { join } from 'node:path';
import { connectToNats, createNatsKeys, ensureStreams, NatsServer, natsKeysEnv, type NatsIdentity, type NatsKeys } from '@lienganh/platform';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { repoRoot } from './cli.js';

/** The committed configuration: every test runs with the permissions production has. */
export const NATS_SERVER_CONF = join(repoRoot, 'deploy/nats/server.conf');

/** How a service connects as one identity: its `natsUrl` and `natsSeed` (config), or `NATS_URL` and `NATS_NKEY_SEED` (env). */
export interface NatsIdentitySettings {
  natsUrl: string;
  natsSeed: string;
}

/**
 * A real nats-server for one test file, running deploy/nats/server.conf with fresh keys, a
 * connection as the operator (who may do everything) and the backbone's streams.
 */
export interface NatsFixture {
  server: NatsServer;
  /** The operator's connection: provisioning, reading streams, publishing test events. */
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  keys: NatsKeys;
  /** Connection settings of an identity, for `startAgencyService(…, { ...nats.identity('police'), … })`. */
  identity(identity: NatsIdentity): NatsIdentitySettings;
  /** The same as environment variables, for a service run as its own process. */
  identityEnv(identity: NatsIdentity): { NATS_URL: string; NATS_NKEY_SEED: string };
  /** What the server refused so far, each line with the identity's name instead of its key. */
  permissionViolations(): string[];
  /** Stops everything; fails when the server refused anything that the test did not expect. */
  close(): Promise<void>;
}

export interface NatsFixtureOptions {
  /** The test provokes refusals on purpose; otherwise one is a failure, found at `close()`. */
  expectPermissionViolations?: boolean;
}

export async function startNatsFixture(options: NatsFixtureOptions = {}): Promise<NatsFixture> {
  const keys = createNatsKeys();
  const server = await NatsServer.start({ args: ['-c', NATS_SERVER_CONF], env: natsKeysEnv(keys) });
  const nc = await connectToNats({ servers: server.url, name: 'lienganh-test', identity: 'operator', seed: keys.operator.seed, reconnectForever: false });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  const identity = (name: NatsIdentity): NatsIdentitySettings => ({ natsUrl: server.url, natsSeed: keys[name].seed });
  const permissionViolations = () =>
    server.permissionViolations().map((line) => Object.entries(keys).reduce((text, [name, key]) => text.replaceAll(key.publicKey, name), line));
  return {
    server,
    nc,
    js: jetstream(nc),
    jsm,
    keys,
    identity,
    identityEnv: (name) => ({ NATS_URL: server.url, NATS_NKEY_SEED: keys[name].seed }),
    permissionViolations,
    async close() {
      await nc.close();
      await server.dispose();
      const refused = permissionViolations();
      if (refused.length > 0 && !options.expectPermissionViolations) {
        throw new Error(`nats-server refused what a service needs (deploy/nats/auth.conf, \`npx lienganh nats config\`):\n${refused.join('\n')}`);
      }
    },
  };
}
