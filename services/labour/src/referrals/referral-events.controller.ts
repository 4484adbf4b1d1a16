import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { policeReferralMade, type BusEvent } from '@lienganh/contracts';
import { ReferralInboxService } from './referral-inbox.service.js';

/** The reaction: a person police referred to labour lands in labour's inbox. */
@Controller()
export class ReferralEventsController {
  constructor(private readonly inbox: ReferralInboxService) {}

  @EventPattern<string>(policeReferralMade.type)
  async onPoliceReferral(@Payload() event: BusEvent): Promise<void> {
    this.inbox.apply(event);
  }
}
