import { startMetrics, stopMetrics } from './metrics.js';
import { checkTelemetryEnv, startTracingFromEnv, stopTracing } from './tracing.js';

/**
 * What a service's `main` calls first: metrics (always; `/metrics` is cheap) and tracing when
 * the environment asks for it (`LIENGANH_TELEMETRY=on` or `OTEL_TRACES_EXPORTER`).
 * Returns whether tracing runs; throws a `TelemetryConfigError` on a value it does not know.
 */
export function setupTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  checkTelemetryEnv(env);
  startMetrics({ serviceName, env });
  return startTracingFromEnv(serviceName, env);
}

/** Flushes what is buffered for OTLP and stops both; for a graceful shutdown. */
export async function stopTelemetry(): Promise<void> {
  await Promise.all([stopTracing(), stopMetrics()]);
}
