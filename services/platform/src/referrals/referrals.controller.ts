import { Body, Controller, Get, HttpCode, HttpException, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { buildEvent, parseOrThrow, type EventDefinition } from '@lienganh/contracts';
import { z } from 'zod';
import { AgencyKeyGuard } from '../ingestion/agency-key.guard.js';
import { EVENT_SINK, type EventSink } from '../ingestion/event-sink.js';
import { decide, ReferralNotFoundError, ReferralStateError, type Referral, type ReferralCommand } from './referral-inbox.js';
import { ReferralInboxService } from './referral-inbox.service.js';

/** A command's body is its event's data without the referral id, which is in the path. */
const bodyOf = (definition: EventDefinition | undefined) => (definition ? definition.schema.omit({ referralId: true } as never) : z.never());
const StatusQuery = z.enum(['received', 'accepted', 'declined', 'closed']).optional();


/**
 * Officers of the receiving agency work their inbox here: accept or decline a referral,
 * record each support service delivered, close the case. Each answer is published as the
 * agency's own event. Person-related (a subject reference), so only the agency's key opens it.
 */
@Controller('api/v1/referrals')
@UseGuards(AgencyKeyGuard)
export class ReferralsController {
  /** Referrals with a command being published: a second command on one waits its turn (409). */
  private readonly inFlight = new Set<string>();

  private readonly bodies;

  constructor(
    private readonly inbox: ReferralInboxService,
    @Inject(EVENT_SINK) private readonly sink: EventSink,
  ) {
    const { answers } = inbox.spec;
    this.bodies = {
      accept: bodyOf(answers.accepted),
      decline: bodyOf(answers.declined),
      service: bodyOf(answers.serviceDelivered),
      close: bodyOf(answers.closed),
    };
  }

  @Get()
  list(@Query('status') status: unknown): { referrals: Referral[] } {
    return { referrals: this.inbox.list(parseOrThrow(StatusQuery, status, 'status')) };
  }

  @Post(':id/accept')
  @HttpCode(202)
  accept(@Param('id') id: string, @Body() body: unknown) {
    return this.handle(id, { kind: 'accept', ...parseOrThrow(this.bodies.accept, body) } as ReferralCommand);
  }

  @Post(':id/decline')
  @HttpCode(202)
  decline(@Param('id') id: string, @Body() body: unknown) {
    return this.handle(id, { kind: 'decline', ...parseOrThrow(this.bodies.decline, body) } as ReferralCommand);
  }

  @Post(':id/services')
  @HttpCode(202)
  deliverService(@Param('id') id: string, @Body() body: unknown) {
    return this.handle(id, { kind: 'deliver-service', ...parseOrThrow(this.bodies.service, body) } as ReferralCommand);
  }

  @Post(':id/close')
  @HttpCode(202)
  close(@Param('id') id: string, @Body() body: unknown) {
    if (!this.inbox.spec.answers.closed) {
      throw new HttpException({ error: 'not-found', message: `${this.inbox.spec.receiver} không đóng hồ sơ / does not close referrals` }, 404);
    }
    return this.handle(id, { kind: 'close', ...parseOrThrow(this.bodies.close, body) } as ReferralCommand);
  }

  private async handle(referralId: string, command: ReferralCommand): Promise<{ accepted: string[] }> {
    if (this.inFlight.has(referralId)) {
      throw new HttpException({ error: 'conflict', message: 'Hồ sơ đang được cập nhật / referral is being updated, retry' }, 409);
    }
    let decision: ReturnType<typeof decide>;
    try {
      decision = decide(this.inbox.spec, this.inbox.get(referralId), referralId, command);
    } catch (error) {
      if (error instanceof ReferralNotFoundError) throw new HttpException({ error: 'not-found', message: error.message }, 404);
      if (error instanceof ReferralStateError) throw new HttpException({ error: 'conflict', message: error.message }, 409);
      throw error;
    }
    this.inFlight.add(referralId);
    try {
      const event = buildEvent(decision.definition, decision.data as never);
      await this.sink.publish([event]);
      this.inbox.apply(event);
      return { accepted: [event.id] };
    } finally {
      this.inFlight.delete(referralId);
    }
  }
}
