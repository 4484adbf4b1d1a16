import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  healthReferralAccepted,
  healthReferralDeclined,
  healthReferralServiceDelivered,
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralDeclined,
  labourReferralMade,
  labourReferralServiceDelivered,
  policeReferralMade,
  type BusEvent,
} from '@lienganh/contracts';
import { ReferralInboxService } from './referral-inbox.service.js';

/**
 * The reaction: a person referred to this agency lands in its inbox, and the agency's own
 * answers keep it current however they were posted. Nest routes by exact CloudEvents type,
 * so each type has its handler; the inbox keeps only what concerns its own agency.
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

  // One decorator with every type: Nest keeps only the last of stacked @EventPattern decorators.
  @EventPattern<string[]>([
    labourReferralAccepted.type,
    labourReferralDeclined.type,
    labourReferralServiceDelivered.type,
    labourReferralClosed.type,
    healthReferralAccepted.type,
    healthReferralDeclined.type,
    healthReferralServiceDelivered.type,
  ])
  async onAnswer(@Payload() event: BusEvent): Promise<void> {
    this.inbox.apply(event);
  }
}
