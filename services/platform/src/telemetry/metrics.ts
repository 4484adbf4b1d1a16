import { createRequire } from 'node:module';
import type { BusEvent } from '@lienganh/contracts';
import type { Attributes, BatchObservableCallback, Counter, Histogram, Meter, ObservableCounter, ObservableGauge } from '@opentelemetry/api';
import type * as OtlpMetricExporter from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, Response } from 'express';

/**
 * The backbone's metrics, one set per process: served for Prometheus at `GET /metrics` on each
 * service's own HTTP port (the exporter's own server is never started), and pushed by OTLP when
 * `OTEL_METRICS_EXPORTER=otlp`. Per event only a plain number is incremented (the ingested and
 * projected counts are observable counters read at collection: the SDK's own `add` hashes the
 * attributes each time) and, in coordination, one histogram record; lag and open alerts are
 * sampled when scraped.
 */

export interface MetricsOptions {
  /** `service.name` (`OTEL_SERVICE_NAME` wins when set). */
  serviceName: string;
  env?: NodeJS.ProcessEnv;
}

/** Why a message went to the dead-letter stream. */
export type DeadLetterReason = 'undecodable' | 'rejected' | 'failed';

/** How far a durable consumer is behind, from the server's consumer info. */
export interface ConsumerBacklog {
  /** Messages in the stream not yet delivered to it. */
  pending: number;
  /** Delivered but not acknowledged yet. */
  unacked: number;
}

export interface ConsumerLagSource {
  stream: string;
  consumer: string;
  backlog(): Promise<ConsumerBacklog | undefined>;
}

/** What an outbox failed to write: an append (its events refused), a cursor write, a repair attempt. */
export type OutboxWriteOperation = 'append' | 'cursor' | 'repair';

/** Open overdue alerts by the agency that owes the action. */
export type OverdueAlertsSource = () => Iterable<[agency: string, open: number]>;

/** Running totals per event type, with their attributes made once. */
class CountsByType {
  private readonly counts = new Map<string, { attributes: Attributes; value: number }>();

  add(type: string, n: number): void {
    const entry = this.counts.get(type);
    if (entry) entry.value += n;
    else this.counts.set(type, { attributes: { agency: type.split('.')[2] ?? 'unknown', type }, value: n });
  }

  agencyOf(type: string): string {
    return String(this.counts.get(type)?.attributes.agency);
  }

  *entries(): Iterable<{ attributes: Attributes; value: number }> {
    yield* this.counts.values();
  }
}

/** A late publication makes the latency long, hence buckets up to an hour. */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

export class BackboneMetrics {
  readonly prometheus: PrometheusExporter;
  private readonly provider: MeterProvider;
  private readonly meter: Meter;
  private readonly ingestedCounter: ObservableCounter;
  private readonly projectedCounter: ObservableCounter;
  private readonly ingestedCounts = new CountsByType();
  private readonly projectedCounts = new CountsByType();
  private readonly deadLetteredCounter: Counter;
  private readonly outboxWriteFailuresCounter: ObservableCounter;
  /** Failed outbox writes by operation; `append` is reported from zero so that an alert rule sees the series. */
  private readonly outboxWriteFailures = new Map<OutboxWriteOperation, number>([['append', 0]]);
  private readonly latency: Histogram;
  private readonly lag: ObservableGauge;
  private readonly unacked: ObservableGauge;
  private readonly overdue: ObservableGauge;
  readonly consumers = new Set<ConsumerLagSource>();
  readonly overdueSources = new Set<OverdueAlertsSource>();

  constructor(options: MetricsOptions) {
    const env = options.env ?? process.env;
    this.prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
    const readers: IMetricReader[] = [this.prometheus];
    if (listed(env.OTEL_METRICS_EXPORTER, 'otlp')) {
      const configured = Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000);
      const interval = configured > 0 ? configured : 60_000;
      // Loaded only when asked for: the OTLP exporter is some 250 modules.
      const { OTLPMetricExporter } = createRequire(import.meta.url)('@opentelemetry/exporter-metrics-otlp-http') as typeof OtlpMetricExporter;
      readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: interval, exportTimeoutMillis: Math.min(30_000, interval) }));
    }
    this.provider = new MeterProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || options.serviceName }),
      readers,
    });
    const meter = (this.meter = this.provider.getMeter('lienganh'));
    this.ingestedCounter = meter.createObservableCounter('lienganh.events.ingested', {
      description: 'Events accepted at an agency service HTTP edge and made durable, by agency and type',
      unit: '{event}',
    });
    this.projectedCounter = meter.createObservableCounter('lienganh.events.projected', {
      description: 'Agency events applied to coordination read models and committed, by agency and type',
      unit: '{event}',
    });
    this.deadLetteredCounter = meter.createCounter('lienganh.events.dead_lettered', {
      description: 'Messages moved to the dead-letter stream, by reason and consumer',
      unit: '{message}',
    });
    this.outboxWriteFailuresCounter = meter.createObservableCounter('lienganh.outbox.write_failures', {
      description: 'Failed writes or fsyncs of an agency service outbox, by operation (append: the events were refused with 503)',
      unit: '{failure}',
    });
    meter.addBatchObservableCallback((result) => {
      for (const [operation, value] of this.outboxWriteFailures) result.observe(this.outboxWriteFailuresCounter, value, { operation });
    }, [this.outboxWriteFailuresCounter]);
    this.latency = meter.createHistogram('lienganh.projection.latency', {
      description: 'From publication on the stream to committed in coordination read models',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_S },
    });
    this.lag = meter.createObservableGauge('lienganh.consumer.lag', { description: 'Messages in the stream not yet delivered to a durable consumer', unit: '{message}' });
    this.unacked = meter.createObservableGauge('lienganh.consumer.unacked', { description: 'Messages delivered to a durable consumer but not yet acknowledged', unit: '{message}' });
    this.overdue = meter.createObservableGauge('lienganh.alerts.open_overdue', { description: 'Overdue deadlines not resolved yet, by the agency that owes the action', unit: '{alert}' });
    meter.addBatchObservableCallback(this.observeCounts, [this.ingestedCounter, this.projectedCounter]);
    meter.addBatchObservableCallback(this.observeConsumers, [this.lag, this.unacked]);
    meter.addBatchObservableCallback(this.observeOverdue, [this.overdue]);
  }

  ingested(events: readonly BusEvent[]): void {
    for (const event of events) this.ingestedCounts.add(event.type, 1);
  }

  projected(event: BusEvent, publishedAtMs: number | undefined, now = Date.now()): void {
    this.projectedCounts.add(event.type, 1);
    if (publishedAtMs !== undefined) this.latency.record(Math.max(0, now - publishedAtMs) / 1000, { agency: this.projectedCounts.agencyOf(event.type) });
  }

  deadLettered(reason: DeadLetterReason, consumer: string): void {
    this.deadLetteredCounter.add(1, { reason, consumer });
  }

  outboxWriteFailed(operation: OutboxWriteOperation): void {
    this.outboxWriteFailures.set(operation, (this.outboxWriteFailures.get(operation) ?? 0) + 1);
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }

  private readonly observeCounts: BatchObservableCallback = (result) => {
    for (const { attributes, value } of this.ingestedCounts.entries()) result.observe(this.ingestedCounter, value, attributes);
    for (const { attributes, value } of this.projectedCounts.entries()) result.observe(this.projectedCounter, value, attributes);
  };

  private readonly observeConsumers: BatchObservableCallback = async (result) => {
    await Promise.all(
      [...this.consumers].map(async (source) => {
        const backlog = await source.backlog().catch(() => undefined);
        if (!backlog) return; // unreachable server: no sample rather than a wrong zero
        const attributes = { stream: source.stream, consumer: source.consumer };
        result.observe(this.lag, backlog.pending, attributes);
        result.observe(this.unacked, backlog.unacked, attributes);
      }),
    );
  };

  private readonly observeOverdue: BatchObservableCallback = (result) => {
    for (const source of this.overdueSources) {
      for (const [agency, open] of source()) result.observe(this.overdue, open, { agency });
    }
  };
}

let current: BackboneMetrics | undefined;

/** Sets up the process's metrics with its service name; the first call wins (later ones are no-ops). */
export function startMetrics(options: MetricsOptions): void {
  current ??= new BackboneMetrics(options);
}

/** The process's metrics, set up on first use when no one did (in-process tests). */
export function backboneMetrics(): BackboneMetrics {
  return (current ??= new BackboneMetrics({ serviceName: 'lienganh' }));
}

/** Flushes (OTLP) and forgets the metrics; the next use starts from zero. */
export async function stopMetrics(): Promise<void> {
  const running = current;
  current = undefined;
  await running?.shutdown().catch(() => undefined);
}

/** Samples a durable consumer's backlog while it runs; returns what stops it. */
export function watchConsumerLag(source: ConsumerLagSource): () => void {
  const metrics = backboneMetrics();
  metrics.consumers.add(source);
  return () => metrics.consumers.delete(source);
}

/** Reports open overdue alerts while coordination runs; returns what stops it. */
export function watchOverdueAlerts(source: OverdueAlertsSource): () => void {
  const metrics = backboneMetrics();
  metrics.overdueSources.add(source);
  return () => metrics.overdueSources.delete(source);
}

/** Express middleware answering `GET /metrics` in the Prometheus text format; anything else passes. */
export function serveMetrics(request: Request, response: Response, next: NextFunction): void {
  if ((request.method !== 'GET' && request.method !== 'HEAD') || request.path !== '/metrics') return next();
  backboneMetrics().prometheus.getMetricsRequestHandler(request, response);
}

function listed(value: string | undefined, name: string): boolean {
  return (value ?? '').split(',').some((entry) => entry.trim().toLowerCase() === name);
}
