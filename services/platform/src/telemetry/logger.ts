import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Structured JSON logs, one logger per service; `LOG_LEVEL` sets the level (default info, silent in tests). */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info')): Logger {
  return pino({ name: service, level, base: { service } });
}
