import { STREAMS, SUBJECT_PREFIX } from '@lienganh/contracts';
import type { JetStreamConsumerConfig } from '../consuming/jetstream.transport.js';
import type { ReplayConsumerConfig } from '../consuming/replay.js';
import type { ReferralInboxSpec } from './referral-inbox.js';

/**
 * One durable consumer per referring agency's `referral.made` subject (nats-server 2.9: one
 * filter each), and one for the receiver's own answers, which may also arrive through the
 * generic `POST /api/v1/events` rather than the inbox's endpoints.
 */
export function referralConsumers(spec: ReferralInboxSpec): JetStreamConsumerConfig[] {
  const stream = STREAMS.agencyEvents.name;
  return [
    ...spec.incoming.map((made) => ({ stream, name: `${spec.receiver}-referrals-from-${made.agency}`, filterSubject: made.subject })),
    { stream, name: `${spec.receiver}-referral-answers`, filterSubject: `${SUBJECT_PREFIX}.${spec.receiver}.referral.>` },
  ];
}

/**
 * The replays that rebuild the inbox at start: referrals first, then the receiver's answers to
 * them, so that an answer always finds its referral. Same subjects as the durable consumers.
 */
export function referralReplays(spec: ReferralInboxSpec): ReplayConsumerConfig[] {
  return referralConsumers(spec).map(({ stream, name, filterSubject }) => ({ stream, name: `${name}-replay`, ...(filterSubject ? { filterSubject } : {}) }));
}
