import { Module } from '@nestjs/common';
import { ReferralEventsController } from './referral-events.controller.js';
import { ReferralInboxService } from './referral-inbox.service.js';
import { ReferralsController } from './referrals.controller.js';

@Module({
  controllers: [ReferralsController, ReferralEventsController],
  providers: [ReferralInboxService],
})
export class ReferralsModule {}
