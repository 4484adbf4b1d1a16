import {
  labourReferralAccepted,
  labourReferralClosed,
  labourReferralDeclined,
  labourReferralServiceDelivered,
  policeReferralMade,
} from '@lienganh/contracts';
import { ReferralInboxModule, referralConsumers, referralReplays, type AgencyServiceDefinition, type ReferralInboxSpec } from '@lienganh/platform';

/** People police refer to labour for support (after a sanction or a rescue), and labour's answers. */
export const labourReferralInbox: ReferralInboxSpec = {
  receiver: 'labour',
  incoming: [policeReferralMade],
  answers: {
    accepted: labourReferralAccepted,
    declined: labourReferralDeclined,
    serviceDelivered: labourReferralServiceDelivered,
    closed: labourReferralClosed,
  },
};

/** The labour agency service: its records in, its CloudEvents out, and the referral inbox. */
export const labourService: AgencyServiceDefinition = {
  agency: 'labour',
  defaultPort: 8081,
  modules: [ReferralInboxModule.register(labourReferralInbox)],
  consumers: referralConsumers(labourReferralInbox),
  replays: referralReplays(labourReferralInbox),
};
