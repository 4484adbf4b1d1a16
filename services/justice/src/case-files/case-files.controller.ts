import { Body, Controller, Get, HttpCode, HttpException, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  buildEvent,
  parseOrThrow,
  justiceCaseProsecuted,
  justiceCaseTried,
  policeCaseTransferred,
  type BusEvent,
} from '@lienganh/contracts';
import { AgencyKeyGuard, EVENT_SINK, type EventSink } from '@lienganh/platform';
import { z } from 'zod';
import { CaseFileNotFoundError, CaseFileStateError, decide, type CaseCommand, type CaseFile } from './case-file.js';
import { CaseFilesService } from './case-files.service.js';

const ProsecuteBody = justiceCaseProsecuted.schema.omit({ caseId: true, areaCode: true });
const TryBody = justiceCaseTried.schema.omit({ caseId: true, areaCode: true });
const StatusQuery = z.enum(['transferred', 'prosecuted', 'tried']).optional();


/**
 * The procuracy and the court follow the cases police transferred: list them, record the
 * prosecution, then the trial (mobile and exemplary trials flagged).
 */
@Controller('api/v1/cases')
export class CaseFilesController {
  constructor(
    private readonly files: CaseFilesService,
    @Inject(EVENT_SINK) private readonly sink: EventSink,
  ) {}

  /** The reaction: a case police transferred becomes a case file awaiting prosecution. */
  @EventPattern<string>(policeCaseTransferred.type)
  async onCaseTransferred(@Payload() event: BusEvent): Promise<void> {
    this.files.apply(event);
  }

  /** Justice's own steps, also those another replica or a court's system recorded. */
  @EventPattern<string[]>([justiceCaseProsecuted.type, justiceCaseTried.type])
  async onCaseStep(@Payload() event: BusEvent): Promise<void> {
    this.files.apply(event);
  }

  @Get()
  @UseGuards(AgencyKeyGuard)
  list(@Query('status') status: unknown): { cases: CaseFile[] } {
    return { cases: this.files.list(parseOrThrow(StatusQuery, status, 'status')) };
  }

  @Post(':id/prosecute')
  @HttpCode(202)
  @UseGuards(AgencyKeyGuard)
  prosecute(@Param('id') id: string, @Body() body: unknown) {
    return this.handle(id, { kind: 'prosecute', ...parseOrThrow(ProsecuteBody, body) });
  }

  @Post(':id/trial')
  @HttpCode(202)
  @UseGuards(AgencyKeyGuard)
  recordTrial(@Param('id') id: string, @Body() body: unknown) {
    return this.handle(id, { kind: 'try', ...parseOrThrow(TryBody, body) });
  }

  private async handle(caseId: string, command: CaseCommand): Promise<{ accepted: string[] }> {
    let decision: ReturnType<typeof decide>;
    try {
      decision = decide(this.files.get(caseId), caseId, command);
    } catch (error) {
      if (error instanceof CaseFileNotFoundError) throw new HttpException({ error: 'not-found', message: error.message }, 404);
      if (error instanceof CaseFileStateError) throw new HttpException({ error: 'conflict', message: error.message }, 409);
      throw error;
    }
    const event = buildEvent(decision.definition, decision.data as never);
    await this.sink.publish([event]);
    this.files.apply(event);
    return { accepted: [event.id] };
  }
}
