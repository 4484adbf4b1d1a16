import { healthReferralAccepted, healthReferralDeclined, healthReferralServiceDelivered, labourReferralMade } from '@lienganh/contracts';
import { ReferralInboxModule, referralConsumers, referralReplays, type AgencyServiceDefinition, type ReferralInboxSpec } from '@lienganh/platform';

/** People labour refers on to health (health checks, HIV/STI care, methadone), and health's answers. */
export const healthReferralInbox: ReferralInboxSpec = {
  receiver: 'health',
  incoming: [labourReferralMade],
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
