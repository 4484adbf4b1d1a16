import { STREAMS } from '@lienganh/contracts';
import type { JetStreamConsumerConfig } from '../consuming/jetstream.transport.js';
import type { ReferralInboxSpec } from './referral-inbox.js';

/** One durable consumer per referring agency's `referral.made` subject (nats-server 2.9: one filter each). */
export function referralConsumers(spec: ReferralInboxSpec): JetStreamConsumerConfig[] {
  return spec.incoming.map((made) => ({
    stream: STREAMS.agencyEvents.name,
    name: `${spec.receiver}-referrals-from-${made.agency}`,
    filterSubject: made.subject,
  }));
}
