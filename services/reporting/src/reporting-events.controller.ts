import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ContractError, REPORTING_SERVICE, sourceFor } from '@lienganh/contracts';
import { acceptEvents, BodyKeyGuard, EVENT_SINK, incomingRequest, inContentMode, prepareIncoming, REPORTING_BODY, type DuplicateGuard, type EventSink, type RequestWithBody } from '@lienganh/platform';

export const REPORTING_OPTIONS = Symbol('REPORTING_OPTIONS');

export interface ReportingOptions {
  duplicates: DuplicateGuard;
  clock?: { now(): Date };
}

/**
 * `POST /api/v1/events` of the reporting service: one CloudEvent or a batch of the
 * `vn.pcmd.reporting.*` types, in any content mode of the HTTP binding (binary, structured, batch), from a body authenticated by its own key. The body's code is the
 * unit of every event's `source` (`/pcmd/reporting/<body>`), set from the key: a `source` naming
 * another body is refused, so a body can never speak for another. Then as every agency service:
 * 202 once durable, 400 naming every invalid field, nothing half-published.
 */
@Controller('api/v1/events')
@UseGuards(BodyKeyGuard)
export class ReportingEventsController {
  constructor(
    @Inject(REPORTING_OPTIONS) private readonly options: ReportingOptions,
    @Inject(EVENT_SINK) private readonly sink: EventSink,
  ) {}

  @Post()
  @HttpCode(202)
  async ingest(@Req() request: RequestWithBody): Promise<{ accepted: string[] }> {
    const reporter = request[REPORTING_BODY]!;
    const now = this.options.clock?.now() ?? new Date();
    const incoming = incomingRequest(request);
    const { body, batch } = incoming;
    const events = inContentMode(incoming, () => {
      const items = (batch ? (body as unknown[]) : [body]).map((item, index) => withSourceOf(item, reporter, batch ? `[${index}].` : ''));
      // prepareIncoming checks the types against the producer's and the rest; the reporting service is one more producer.
      return prepareIncoming(batch ? items : items[0], REPORTING_SERVICE, undefined, now.getTime());
    });
    return acceptEvents(events, batch, this.sink, this.options.duplicates);
  }
}

/** The event with `source` set to the reporting body's; a `source` naming anyone else is a 400. */
function withSourceOf(item: unknown, reporter: string, path: string): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const own = sourceFor(REPORTING_SERVICE, reporter);
  const event = item as Record<string, unknown>;
  if (event.source !== undefined && event.source !== own) {
    throw ContractError.single(`${path}source`, `must be ${own}, the source of the body this key belongs to (or left out)`);
  }
  return { ...event, source: own };
}
