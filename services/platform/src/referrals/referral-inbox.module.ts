import { Module, type DynamicModule } from '@nestjs/common';
import type { ReferralInboxSpec } from './referral-inbox.js';
import { ReferralEventsController } from './referral-events.controller.js';
import { REFERRAL_INBOX_SPEC, ReferralInboxService } from './referral-inbox.service.js';
import { ReferralsController } from './referrals.controller.js';

/** `GET /api/v1/referrals` and the commands on one referral, plus the reaction that fills the inbox. */
@Module({})
export class ReferralInboxModule {
  static register(spec: ReferralInboxSpec): DynamicModule {
    return {
      module: ReferralInboxModule,
      controllers: [ReferralsController, ReferralEventsController],
      providers: [{ provide: REFERRAL_INBOX_SPEC, useValue: spec }, ReferralInboxService],
    };
  }
}
