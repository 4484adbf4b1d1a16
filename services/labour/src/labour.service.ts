import { policeReferralMade, STREAMS } from '@lienganh/contracts';
import type { AgencyServiceDefinition } from '@lienganh/platform';
import { ReferralsModule } from './referrals/referrals.module.js';

/** The labour agency service: its records in, its CloudEvents out, and the referral inbox. */
export const labourService: AgencyServiceDefinition = {
  agency: 'labour',
  defaultPort: 8081,
  modules: [ReferralsModule],
  consumers: [
    { stream: STREAMS.agencyEvents.name, name: 'labour-referrals-from-police', filterSubject: policeReferralMade.subject },
  ],
};
