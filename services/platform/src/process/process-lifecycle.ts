import type { Logger } from 'pino';
import { stopTelemetry } from '../telemetry/telemetry.js';

/**
 * Reads one piece of a service process's configuration; a bad one is said in one line, without
 * a stack trace, and the process exits with `code` (2: bad input, as the CLI convention says).
 */
export function configuredOrExit<T>(logger: Logger, read: () => T, code = 2): T {
  try {
    return read();
  } catch (error) {
    logger.fatal(error instanceof Error ? error.message : String(error));
    process.exit(code);
  }
}

/** A port from the environment, or the convention's default when unset. */
export function portFrom(value: string | undefined, fallback: number): number {
  const port = Number(value ?? fallback);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('port must be a number from 0 to 65535');
  return port;
}

/** Within this long of SIGINT, SIGTERM or SIGHUP, a process has stopped, gracefully or not. */
export const STOP_DEADLINE_MS = 8_000;

/**
 * The stop deadline of a service: `LIENGANH_STOP_DEADLINE_MS` when it is a positive whole number
 * (coordination saving a large snapshot at close needs longer: give the orchestrator's grace
 * period too), `STOP_DEADLINE_MS` otherwise.
 */
export function stopDeadlineMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.LIENGANH_STOP_DEADLINE_MS);
  return Number.isSafeInteger(value) && value > 0 ? value : STOP_DEADLINE_MS;
}

/**
 * SIGTERM, SIGINT and SIGHUP (the terminal closed) close the service, flush telemetry (what waits
 * for OTLP) and exit 0. A stop that has not finished within `STOP_DEADLINE_MS`, or a second
 * signal (a second later), exits 1 at once: a process asked to stop always stops.
 */
export function stopOnSignals(close: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const stop = async (signal: NodeJS.Signals) => {
    // A signal that comes twice at once (a wrapper passing on the terminal's) is one; later, it forces.
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince > 1_000) process.exit(1);
      return;
    }
    stoppingSince = Date.now();
    // After SIGHUP the terminal may be gone: a log line must not crash the stop.
    if (signal === 'SIGHUP') ignoreOutputErrors();
    setTimeout(() => process.exit(1), stopDeadlineMs(process.env)).unref();
    await close();
    await stopTelemetry();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop);
}

/** Writes to a closed terminal or pipe (EIO, EPIPE) are dropped rather than thrown. */
export function ignoreOutputErrors(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}
