import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { activeBodyUsers, type BodyRecord } from '../bodies/body-record.js';
import { BodyRegister } from '../bodies/body-register.js';
import type { NatsServer } from './nats-server.js';
import { withBodyUsers, type BodyNatsUser } from './nats-permissions.js';

/**
 * The configuration a nats-server runs when bodies get NATS users at run time (ADR 0011): a copy
 * of deploy/nats/server.conf in `runtimeDir`, beside an `auth.conf` that is the committed one plus
 * one user per body with credentials in force. Returns the path of the server.conf to run.
 */
export function writeRuntimeNatsConfig(sourceDir: string, runtimeDir: string, bodies: readonly BodyNatsUser[], options: RuntimeNatsConfigOptions): string {
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  const serverConf = join(runtimeDir, 'server.conf');
  const server = readFileSync(join(sourceDir, 'server.conf'), 'utf8');
  // nats-server 2.9 reloads `server_name` and the JetStream store from the file even when the command
  // line set them (-n, -sd), and refuses a reload that changes either: the running copy names both
  // (run it with `storeInConfig`, as a store given in both places is refused).
  writeFileSync(
    serverConf,
    server
      .replace(/^server_name: .*$/m, `server_name: ${JSON.stringify(options.serverName)}`)
      .replace(/^jetstream: enabled$/m, `jetstream { store_dir: ${JSON.stringify(options.storeDir)} }`),
  );
  const auth = withBodyUsers(readFileSync(join(sourceDir, 'auth.conf'), 'utf8'), bodies);
  // Written whole, then renamed: a reload never reads half a file.
  const temporary = join(runtimeDir, 'auth.conf.tmp');
  writeFileSync(temporary, auth);
  renameSync(temporary, join(runtimeDir, 'auth.conf'));
  return serverConf;
}

export interface RuntimeNatsConfigOptions {
  /** The server's name (`-n`), which a reload may not change. */
  serverName: string;
  /** Its JetStream store, which a reload may not change. */
  storeDir: string;
}

export interface BodiesNatsSyncOptions {
  /** The operator's connection (reads the register of bodies). */
  nc: NatsConnection;
  server: NatsServer;
  /** deploy/nats (the committed server.conf and auth.conf). */
  sourceDir: string;
  /** Where the server's running configuration is (`writeRuntimeNatsConfig`). */
  runtimeDir: string;
  logger?: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

/**
 * Keeps a nats-server's users in step with the register of bodies, without a restart: each change
 * of the bodies with credentials rewrites auth.conf and reloads the server (SIGHUP). A revoked
 * body's connection is closed by the reload. Run by the process that owns the server (`lienganh
 * start`, the test harness).
 */
export class BodiesNatsSync {
  private applied = '';
  private chain: Promise<void> = Promise.resolve();
  private register: BodyRegister | undefined;

  private constructor(private readonly options: BodiesNatsSyncOptions) {}

  static async start(options: BodiesNatsSyncOptions): Promise<BodiesNatsSync> {
    const sync = new BodiesNatsSync(options);
    sync.register = await BodyRegister.open(options.nc, { onChange: (records) => sync.changed(records), ...(options.logger ? { logger: options.logger } : {}) });
    sync.changed(new Map(sync.register.all().map((record) => [record.code, record])));
    await sync.settled();
    return sync;
  }

  /** Resolves once every change seen so far is in the server's configuration. */
  settled(): Promise<void> {
    return this.chain;
  }

  close(): void {
    this.register?.close();
  }

  private changed(records: ReadonlyMap<string, BodyRecord>): void {
    const users = activeBodyUsers(records.values());
    const fingerprint = JSON.stringify(users);
    if (fingerprint === this.applied) return;
    this.applied = fingerprint;
    this.chain = this.chain.then(() => this.apply(users));
  }

  private async apply(users: BodyNatsUser[]): Promise<void> {
    const { server, sourceDir, runtimeDir, logger } = this.options;
    try {
      writeRuntimeNatsConfig(sourceDir, runtimeDir, users, { serverName: server.name, storeDir: server.storeDir });
      if (server.isRunning) await server.reload();
      logger?.info(`nats-server reloaded: ${users.length} bodies with NATS credentials`);
    } catch (error) {
      logger?.error(`nats-server users of bodies not applied: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
