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

/** SIGTERM and SIGINT close the service, flush telemetry (what waits for OTLP) and exit 0. */
export function stopOnSignals(close: () => Promise<void>): void {
  const stop = async () => {
    await close();
    await stopTelemetry();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
