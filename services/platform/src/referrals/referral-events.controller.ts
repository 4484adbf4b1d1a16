import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { labourReferralMade, policeReferralMade, type BusEvent } from '@lienganh/contracts';
import { ReferralInboxService } from './referral-inbox.service.js';

/**
 * The reaction: a person referred to this agency lands in its inbox. One handler per
 * `referral.made` type; the inbox keeps only referrals addressed to its own agency.
 */
@Controller()
export class ReferralEventsController {
  constructor(private readonly inbox: ReferralInboxService) {}

  @EventPattern<string>(policeReferralMade.type)
  async onPoliceReferral(@Payload() event: BusEvent): Promise<void> {
    this.inbox.apply(event);
  }

  @EventPattern<string>(labourReferralMade.type)
  async onLabourReferral(@Payload() event: BusEvent): Promise<void> {
    this.inbox.apply(event);
  }
}
