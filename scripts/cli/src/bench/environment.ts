import { execFileSync } from 'node:child_process';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { STREAMS } from '@lienganh/contracts';
import { ensureStreams, findNatsServerBinary, NatsServer } from '@lienganh/platform';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

export const AGENCY_STREAM = STREAMS.agencyEvents.name;
export const COORDINATION_STREAM = STREAMS.coordinationEvents.name;

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  natsServer: string;
}

export function describeMachine(): Machine {
  let natsServer = 'unknown';
  try {
    natsServer = execFileSync(findNatsServerBinary(), ['--version'], { encoding: 'utf8' }).trim().replace(/^nats-server:\s*/, '');
  } catch {
    // reported as unknown
  }
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    natsServer,
  };
}

/**
 * The benchmark's own nats-server (the test harness: a free port, a temporary store removed at
 * the end) with the backbone's streams, and one connection for setup and for watching consumers.
 */
export class BenchEnvironment {
  private constructor(
    readonly server: NatsServer,
    /** The client's defaults, as the services use it: for the baseline and for watching consumers. */
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    /** For untimed bulk loads: no async stack traces (a captured stack per request is the client's dearest cost). */
    private readonly loaderConnection: NatsConnection,
  ) {}

  static async start(): Promise<BenchEnvironment> {
    const server = await NatsServer.start({ name: `lienganh-bench-${process.pid}` });
    try {
      const nc = await connect({ servers: server.url, name: 'lienganh-bench' });
      const loader = await connect({ servers: server.url, name: 'lienganh-bench-loader', noAsyncTraces: true });
      const jsm = await jetstreamManager(nc);
      await ensureStreams(jsm);
      return new BenchEnvironment(server, nc, jetstream(nc), jsm, loader);
    } catch (error) {
      await server.dispose();
      throw error;
    }
  }

  get loader(): JetStreamClient {
    return jetstream(this.loaderConnection);
  }

  get url(): string {
    return this.server.url;
  }

  async messages(stream: string): Promise<number> {
    return (await this.jsm.streams.info(stream)).state.messages;
  }

  async lastSeq(stream: string): Promise<number> {
    return (await this.jsm.streams.info(stream)).state.last_seq;
  }

  /** Empties the agency stream (sequences go on), so that the next measurement starts clean. */
  async purgeAgencyEvents(): Promise<void> {
    await this.jsm.streams.purge(AGENCY_STREAM);
  }

  /** num_pending 0 and num_ack_pending 0: every message delivered and its ack processed by the server. */
  async consumerDone(stream: string, name: string): Promise<boolean> {
    const info = await this.jsm.consumers.info(stream, name).catch(() => undefined);
    return info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq >= (await this.lastSeq(stream));
  }

  /** Removes the durable consumers whose name starts with `prefix` (a measurement's leftovers). */
  async deleteConsumers(stream: string, prefix: string): Promise<void> {
    for await (const info of this.jsm.consumers.list(stream)) {
      if (info.name.startsWith(prefix)) await this.jsm.consumers.delete(stream, info.name).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.loaderConnection.close().catch(() => undefined);
    await this.nc.close().catch(() => undefined);
    await this.server.dispose();
  }
}

/** Polls `check` every `intervalMs` until it holds; the time it first held, or an error after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 5): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return performance.now();
    if (performance.now() > deadline) throw new Error(`${what}: not reached within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
