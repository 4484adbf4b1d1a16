import { healthReferralAccepted, healthReferralDeclined, healthReferralServiceDelivered, labourReferralMade, policeReferralMade } from '@lienganh/contracts';
import { ReferralInboxModule, referralConsumers, referralReplays, type AgencyServiceDefinition, type ReferralInboxSpec } from '@lienganh/platform';

/**
 * People referred to health, and health's answers: labour refers on for health checks, HIV/STI
 * care and methadone; and where health is the standing body (since the 2025 reform, a plan's
 * `roles`), police refer sanctioned or rescued people to health directly. Only referrals whose
 * `toAgency` is health enter the inbox.
 */
export const healthReferralInbox: ReferralInboxSpec = {
  receiver: 'health',
  incoming: [policeReferralMade, labourReferralMade],
  answers: {
    accepted: healthReferralAccepted,
    declined: healthReferralDeclined,
    serviceDelivered: healthReferralServiceDelivered,
  },
};

/** The health agency service: its aggregated records in, its CloudEvents out, and the referral inbox. */
export const healthService: AgencyServiceDefinition = {
  agency: 'health',
  defaultPort: 8083,
  modules: [ReferralInboxModule.register(healthReferralInbox)],
  consumers: referralConsumers(healthReferralInbox),
  replays: referralReplays(healthReferralInbox),
};
