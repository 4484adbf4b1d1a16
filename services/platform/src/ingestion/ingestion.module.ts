import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController, READINESS, type ReadinessCheck } from '../http/health.controller.js';
import { AgencyKeyGuard, INGESTION_OPTIONS, type IngestionOptions } from './agency-key.guard.js';
import { DuplicateGuard } from './duplicate-guard.js';
import { EVENT_SINK, type EventSink } from './event-sink.js';
import { EventsController } from './events.controller.js';

/** The HTTP edge every agency service shares: event ingestion, health and readiness. */
@Module({})
export class IngestionModule {
  static register(options: IngestionOptions & { sink: EventSink; readiness: ReadinessCheck }): DynamicModule {
    const { sink, readiness, ...rest } = options;
    const ingestion: IngestionOptions = { ...rest, duplicates: rest.duplicates ?? new DuplicateGuard(rest.clock ? { clock: rest.clock } : {}) };
    return {
      module: IngestionModule,
      // Global: an agency's own endpoints use the same key guard and the same sink.
      global: true,
      controllers: [EventsController, HealthController],
      providers: [
        AgencyKeyGuard,
        { provide: INGESTION_OPTIONS, useValue: ingestion },
        { provide: EVENT_SINK, useValue: sink },
        { provide: READINESS, useValue: readiness },
      ],
      exports: [INGESTION_OPTIONS, EVENT_SINK, AgencyKeyGuard],
    };
  }
}
