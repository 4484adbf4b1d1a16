import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { build as prettyStream } from 'pino-pretty';
import { tracingEnabled } from './tracing.js';

export type { Logger } from 'pino';

/**
 * `trace_id` and `span_id` of the active span (OpenTelemetry's log field names), while tracing
 * runs. A new object each call: pino merges the line's own fields into it.
 */
export function traceFields(): Record<string, string> {
  if (!tracingEnabled()) return {};
  const span = trace.getActiveSpan()?.spanContext();
  return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

/**
 * Structured JSON logs, one logger per service; `LOG_LEVEL` sets the level (default info, silent
 * in tests); lines written inside a span carry its trace id. To stdout unless given a destination.
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info'), destination?: DestinationStream): Logger {
  const options = { name: service, level, base: { service }, mixin: traceFields };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Where a process that a person watches writes its logs: on a terminal, lines to read (pino-pretty,
 * local time); otherwise undefined, i.e. JSON lines on stdout for a log collector.
 */
export function terminalDestination(stream: NodeJS.WriteStream = process.stdout): DestinationStream | undefined {
  if (!stream.isTTY) return undefined;
  return prettyStream({ destination: stream, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' });
}
