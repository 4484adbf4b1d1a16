import { createRequire } from 'node:module';
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import type * as OtlpTraceExporter from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type * as SdkTraceNode from '@opentelemetry/sdk-trace-node';
import type { NodeTracerProvider, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';

// The SDK and its OTLP exporter (some 200 modules) are loaded when tracing starts, not by every start.
const require = createRequire(import.meta.url);
const sdk = () => require('@opentelemetry/sdk-trace-node') as typeof SdkTraceNode;

/**
 * Tracing is off unless asked for: then the OpenTelemetry API stays a no-op, no context manager
 * runs, and the hot paths check `tracingEnabled()` before doing any span or header work.
 */

export interface TracingOptions {
  /** `service.name` of the spans (`OTEL_SERVICE_NAME` wins when set). */
  serviceName: string;
  /** Where spans go; by default from `OTEL_TRACES_EXPORTER` (otlp, console). Tests pass an in-memory exporter. */
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
}

export const TRACER_NAME = 'lienganh';

/** A telemetry variable with a value we do not know: said before anything starts. */
export class TelemetryConfigError extends Error {
  override readonly name = 'TelemetryConfigError';
}

const TRACE_EXPORTERS = ['otlp', 'console', 'none'];
const METRIC_EXPORTERS = ['otlp', 'prometheus', 'none'];

/** Checks `LIENGANH_TELEMETRY`, `OTEL_TRACES_EXPORTER` and `OTEL_METRICS_EXPORTER`; throws naming the variable and what it takes. */
export function checkTelemetryEnv(env: NodeJS.ProcessEnv = process.env): void {
  const switch_ = env.LIENGANH_TELEMETRY?.trim().toLowerCase();
  if (switch_ && switch_ !== 'on' && switch_ !== 'off') throw new TelemetryConfigError(`LIENGANH_TELEMETRY must be on or off, not "${env.LIENGANH_TELEMETRY}"`);
  for (const [name, known] of [['OTEL_TRACES_EXPORTER', TRACE_EXPORTERS], ['OTEL_METRICS_EXPORTER', METRIC_EXPORTERS]] as const) {
    const unknown = (env[name] ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry && !known.includes(entry));
    if (unknown.length > 0) throw new TelemetryConfigError(`${name} takes ${known.join(', ')}; "${unknown.join(', ')}" is not supported`);
  }
}

let provider: NodeTracerProvider | undefined;
let activeTracer: Tracer | undefined;

/** Whether spans are being recorded; hot paths test this first. */
export function tracingEnabled(): boolean {
  return activeTracer !== undefined;
}

/** The tracer while tracing runs; callers check `tracingEnabled()` first. */
export function tracer(): Tracer {
  return activeTracer ?? trace.getTracer(TRACER_NAME);
}

/**
 * Whether the environment asks for tracing: `LIENGANH_TELEMETRY=on`, or an `OTEL_TRACES_EXPORTER`
 * other than `none`; `LIENGANH_TELEMETRY=off` and `OTEL_SDK_DISABLED=true` win.
 */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const switch_ = env.LIENGANH_TELEMETRY?.trim().toLowerCase();
  if (switch_ === 'off' || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (switch_ === 'on') return true;
  const exporters = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  return exporters !== undefined && exporters !== '' && exporters !== 'none';
}

/**
 * Registers a tracer provider with AsyncLocalStorage context and W3C trace-context propagation.
 * Once per process (a second call while running is refused); `stopTracing` undoes it.
 */
export function startTracing(options: TracingOptions): void {
  if (provider) throw new Error('tracing is already started in this process');
  const env = options.env ?? process.env;
  const { NodeTracerProvider, SimpleSpanProcessor } = sdk();
  const processors = options.exporter ? [new SimpleSpanProcessor(options.exporter)] : exportersFromEnv(env);
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || options.serviceName }),
    spanProcessors: processors,
  });
  provider.register();
  activeTracer = provider.getTracer(TRACER_NAME);
}

/** Starts tracing when the environment asks for it (see `tracingRequested`); returns whether it did. */
export function startTracingFromEnv(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (provider || !tracingRequested(env)) return false;
  startTracing({ serviceName, env });
  return true;
}

/** Flushes and unregisters; the API is a no-op again. */
export async function stopTracing(): Promise<void> {
  const running = provider;
  provider = undefined;
  activeTracer = undefined;
  if (!running) return;
  await running.shutdown().catch(() => undefined);
  trace.disable();
  context.disable();
  propagation.disable();
}

/** OTLP over HTTP by default (endpoint from `OTEL_EXPORTER_OTLP_ENDPOINT`, read by the exporter), batched. */
function exportersFromEnv(env: NodeJS.ProcessEnv): SpanProcessor[] {
  const names = (env.OTEL_TRACES_EXPORTER || 'otlp').split(',').map((name) => name.trim().toLowerCase());
  const processors: SpanProcessor[] = [];
  const { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } = sdk();
  if (names.includes('otlp')) {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpTraceExporter;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  if (names.includes('console')) processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  return processors;
}
