import { readFileSync } from 'node:fs';
import { connect, nkeyAuthenticator, PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefixOf, type NatsIdentity } from './nats-permissions.js';

export interface NatsConnectionSettings {
  /** One URL, several, or one string of comma-separated URLs (`NATS_URL` naming every node of a cluster). */
  servers: string | string[];
  /** The connection's name, as the server's monitoring shows it. */
  name: string;
  /**
   * Who connects: sets the inbox prefix its permissions allow (`_INBOX_<identity>`). Omitted:
   * the default `_INBOX`, which only the operator may use on a server with permissions.
   */
  identity?: NatsIdentity;
  /** The identity's nkey user seed (`SU…`); none: no authentication (a server without permissions). */
  seed?: string;
  /**
   * Services keep reconnecting for ever and wait for a server that is not up yet (their outbox
   * holds what cannot be published meanwhile); the CLI gives up after `timeoutMs` instead.
   */
  reconnectForever?: boolean;
  timeoutMs?: number;
  /** Where refused publishes and subscriptions are reported; they are not thrown anywhere else. */
  onPermissionError?: (message: string) => void;
}

export class NatsSeedError extends Error {
  override readonly name = 'NatsSeedError';
}

export class NatsConnectError extends Error {
  override readonly name = 'NatsConnectError';
}

/** The one way the backbone connects to NATS: services, `npm start` and the CLI. */
export async function connectToNats(settings: NatsConnectionSettings): Promise<NatsConnection> {
  const forever = settings.reconnectForever ?? true;
  const startedAt = Date.now();
  const nc = await connect({
    servers: natsServers(settings.servers),
    name: settings.name,
    ...(settings.seed ? { authenticator: nkeyAuthenticator(seedBytes(settings.seed)) } : {}),
    ...(settings.identity ? { inboxPrefix: inboxPrefixOf(settings.identity) } : {}),
    ...(forever ? { reconnect: true, maxReconnectAttempts: -1, waitOnFirstConnect: true } : { maxReconnectAttempts: 10 }),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
    // An async stack trace per request costs a fifth of a publish (bench profile); errors keep their message.
    noAsyncTraces: true,
  }).catch((error: unknown) => {
    // The client's own error names neither the server nor who connected (its stack ends in its dial loop).
    throw new NatsConnectError(`${settings.name} could not connect to ${natsServers(settings.servers).join(',')} (${Date.now() - startedAt} ms): ${String(error)}`, { cause: error });
  });
  if (settings.onPermissionError) void watchPermissions(nc, settings.onPermissionError);
  return nc;
}

/** `nats://a:4222,nats://b:4222` as the client wants it: one entry per server. */
export function natsServers(servers: string | string[]): string[] {
  return (typeof servers === 'string' ? [servers] : servers).flatMap((entry) => entry.split(',')).map((server) => server.trim()).filter(Boolean);
}

async function watchPermissions(nc: NatsConnection, report: (message: string) => void): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === 'error' && status.error instanceof PermissionViolationError) {
      report(`NATS refused: ${status.error.message}`);
    }
  }
}

function seedBytes(seed: string): Uint8Array {
  return new TextEncoder().encode(checkSeed(seed, 'the NATS identity'));
}

function checkSeed(seed: string, origin: string): string {
  const trimmed = seed.trim();
  if (!/^SU[A-Z2-7]{56}$/.test(trimmed)) throw new NatsSeedError(`${origin} must be an nkey user seed (58 characters starting with "SU")`);
  return trimmed;
}

/**
 * A service's NATS identity from the environment: `NATS_NKEY_SEED` (the seed itself) or
 * `NATS_NKEY_SEED_FILE` (a file holding it, e.g. a mounted secret); undefined when neither is set.
 */
export function natsSeedFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NATS_NKEY_SEED) return checkSeed(env.NATS_NKEY_SEED, 'NATS_NKEY_SEED');
  const file = env.NATS_NKEY_SEED_FILE;
  if (!file) return undefined;
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new NatsSeedError(`NATS_NKEY_SEED_FILE: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return checkSeed(content, `NATS_NKEY_SEED_FILE (${file})`);
}
