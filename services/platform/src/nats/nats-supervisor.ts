import type { NatsServer, NatsServerExit } from './nats-server.js';

export interface NatsSupervisorOptions {
  logger: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** Waits before each restart of a run of failures; the last one repeats (default 0.5, 1, 2, 5, 10 s). */
  backoffMs?: readonly number[];
  /** A server that ran this long before it exited starts the backoff afresh (default 60 s). */
  stableAfterMs?: number;
}

/** Restarts a supervised server that exits by itself; `stop()` before stopping the server. */
export interface NatsSupervisor {
  /** Restarts done so far. */
  readonly restarts: number;
  stop(): void;
}

const DEFAULT_BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000];

/**
 * Brings the embedded nats-server back when it dies (a crash, the OOM killer, a stray kill):
 * same port, same store, so the services' connections, which reconnect for ever, find it again
 * and catch up by themselves. Each restart is logged; a server that fails to start again is
 * retried with backoff, for as long as the supervisor runs.
 */
export function superviseNatsServer(server: NatsServer, options: NatsSupervisorOptions): NatsSupervisor {
  const backoff = options.backoffMs?.length ? options.backoffMs : DEFAULT_BACKOFF_MS;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  let failures = 0;
  let restarts = 0;
  let startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const describe = (exit: NatsServerExit) => (exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`);
  const schedule = (why: string) => {
    const delay = backoff[Math.min(failures, backoff.length - 1)]!;
    failures++;
    options.logger.warn(`nats-server ${why}; khởi động lại sau / restarting in ${delay / 1000} s (lần / attempt ${failures})`);
    timer = setTimeout(() => void restart(), delay);
  };
  const restart = async () => {
    timer = undefined;
    if (stopped) return;
    try {
      await server.restart();
    } catch (error) {
      if (stopped) return;
      return schedule(`không khởi động lại được / could not start again: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    if (stopped) return;
    restarts++;
    startedAt = Date.now();
    options.logger.warn(`nats-server đã chạy lại / running again at ${server.url}`);
  };
  const unlisten = server.onUnexpectedExit((exit) => {
    if (stopped) return;
    if (Date.now() - startedAt >= stableAfterMs) failures = 0;
    schedule(`đã dừng bất thường / exited unexpectedly (${describe(exit)})`);
  });
  return {
    get restarts() {
      return restarts;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      unlisten();
    },
  };
}
