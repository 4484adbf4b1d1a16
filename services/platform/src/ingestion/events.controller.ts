import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { AgencyKeyGuard, INGESTION_OPTIONS, type IngestionOptions } from './agency-key.guard.js';
import { backboneMetrics } from '../telemetry/metrics.js';
import { EVENT_SINK, type EventSink } from './event-sink.js';
import { prepareIncoming } from './incoming-events.js';

/**
 * `POST /api/v1/events`: one structured CloudEvent or an array of them, of the authenticated
 * agency's types. 202 once every event is durable; 400 with every invalid field named and
 * nothing published otherwise. A re-sent id is stored once (JetStream's Nats-Msg-Id).
 */
@Controller('api/v1/events')
@UseGuards(AgencyKeyGuard)
export class EventsController {
  constructor(
    @Inject(INGESTION_OPTIONS) private readonly options: IngestionOptions,
    @Inject(EVENT_SINK) private readonly sink: EventSink,
  ) {}

  @Post()
  @HttpCode(202)
  async ingest(@Body() body: unknown): Promise<{ accepted: string[] }> {
    const events = prepareIncoming(body, this.options.agency, this.options.pseudonymKey);
    await this.sink.publish(events);
    backboneMetrics().ingested(events);
    return { accepted: events.map((event) => event.id) };
  }
}
