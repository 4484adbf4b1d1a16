import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AgencyKeyGuard, INGESTION_OPTIONS, type IngestionOptions } from './agency-key.guard.js';
import { acceptEvents, EVENT_SINK, type EventSink } from './event-sink.js';
import { incomingRequest, inContentMode } from './content-modes.js';
import { prepareIncoming } from './incoming-events.js';

/**
 * `POST /api/v1/events`: one CloudEvent or a batch of them, of the authenticated agency's types,
 * in any content mode of the CloudEvents HTTP binding (binary, structured, batch:
 * `content-modes.ts`). 202 once every event is durable; 400 with every invalid field named and
 * nothing published otherwise. An event is its source + id: a re-send is stored once
 * (JetStream's Nats-Msg-Id is its `eventKey`), and one with a body other than the one this
 * replica took is answered 409 `conflicting-duplicate` before anything of the request is published.
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
  async ingest(@Req() request: Request): Promise<{ accepted: string[] }> {
    const now = this.options.clock?.now() ?? new Date();
    const incoming = incomingRequest(request);
    const { body, batch } = incoming;
    const events = inContentMode(incoming, () => prepareIncoming(body, this.options.agency, this.options.pseudonymKey, now.getTime()));
    return acceptEvents(events, batch, this.sink, this.options.duplicates);
  }
}
