import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BodiesNatsSync, connectToNats, createNatsKeys, NatsConnectError, ensureStreams, NatsServer, natsKeysEnv, writeRuntimeNatsConfig, type NatsIdentity, type NatsKeys } from '@lienganh/platform';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { encodeBinary, MSG_ID_HEADER, natsSubjectOf, STREAMS, type BusEvent } from '@lienganh/contracts';
import { repoRoot } from './cli.js';
import { eventually } from './http.js';

/** The committed configuration: every test runs with the permissions production has. */
export const NATS_CONFIG_DIR = join(repoRoot, 'deploy/nats');
export const NATS_SERVER_CONF = join(NATS_CONFIG_DIR, 'server.conf');

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
  /**
   * With `bodies: true`: keeps the server's users in step with the register of bodies, as `lienganh
   * start` does (a body issued credentials gets a NATS user, a revoked one loses it, by a reload).
   */
  bodies?: BodiesNatsSync;
  /** Stops everything; fails when the server refused anything that the test did not expect. */
  close(): Promise<void>;
}

export interface NatsFixtureOptions {
  /** The test provokes refusals on purpose; otherwise one is a failure, found at `close()`. */
  expectPermissionViolations?: boolean;
  /**
   * Run the committed configuration plus the users of bodies issued credentials at run time
   * (ADR 0011), reloaded on each change of the register of bodies. Off: the committed file as it is.
   */
  bodies?: boolean;
}

export async function startNatsFixture(options: NatsFixtureOptions = {}): Promise<NatsFixture> {
  const keys = createNatsKeys();
  const runtimeDir = options.bodies ? mkdtempSync(join(tmpdir(), 'lienganh-nats-conf-')) : undefined;
  // Reloadable: the running copy of the configuration names the server and its store.
  const name = `lienganh-test-${process.pid}-${Date.now().toString(36)}`;
  const storeDir = runtimeDir ? join(runtimeDir, 'store') : undefined;
  const conf = runtimeDir ? writeRuntimeNatsConfig(NATS_CONFIG_DIR, runtimeDir, [], { serverName: name, storeDir: storeDir! }) : NATS_SERVER_CONF;
  const server = await NatsServer.start({ args: ['-c', conf], env: natsKeysEnv(keys), ...(runtimeDir ? { name, storeDir, storeInConfig: true } : {}) });
  const settings = { servers: server.url, name: 'lienganh-test', identity: 'operator', seed: keys.operator.seed, reconnectForever: false } as const;
  // A second dial when the first times out: on two cores shared by the test workers a fresh server has missed the client's 20 s (CI).
  const nc = await connectToNats(settings).catch((error: unknown) => (error instanceof NatsConnectError && /timeout/i.test(error.message) ? connectToNats(settings) : Promise.reject(error)));
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  // A users file the server refused is a failure, found at `close()`.
  const syncErrors: string[] = [];
  const syncLog = { info: () => undefined, warn: (message: string) => syncErrors.push(message), error: (message: string) => syncErrors.push(message) };
  const bodies = runtimeDir ? await BodiesNatsSync.start({ nc, server, sourceDir: NATS_CONFIG_DIR, runtimeDir, logger: syncLog }) : undefined;
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
    ...(bodies ? { bodies } : {}),
    async close() {
      bodies?.close();
      await nc.close();
      await server.dispose();
      if (runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
      if (syncErrors.length > 0) throw new Error(`the users of bodies did not reach nats-server:\n${syncErrors.join('\n')}`);
      const refused = permissionViolations();
      if (refused.length > 0 && !options.expectPermissionViolations) {
        throw new Error(`nats-server refused what a service needs (deploy/nats/auth.conf, \`npx lienganh nats config\`):\n${refused.join('\n')}`);
      }
    },
  };
}

/** Publishes an event as an agency system does over NATS: binary mode, on its subject, its id as the message id. */
export async function publishBinary(js: JetStreamClient, event: BusEvent): Promise<void> {
  const { headers, data } = encodeBinary(event);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  await js.publish(natsSubjectOf(event), data, { headers: natsHeadersOf, msgID: event.id });
}

/**
 * Publishes agency events on an empty agency stream, then waits until coordination's consumer has
 * acked them all: acks follow commits, so every event is then in the read models and the store.
 */
export async function seedAgencyEvents(nats: NatsFixture, events: BusEvent[], timeoutMs = 20_000): Promise<void> {
  for (const event of events) await publishBinary(nats.js, event);
  await eventually(async () => {
    const info = await nats.jsm.consumers.info(STREAMS.agencyEvents.name, 'coordination-agency-events');
    return info.delivered.stream_seq >= events.length && info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
  }, timeoutMs);
}
