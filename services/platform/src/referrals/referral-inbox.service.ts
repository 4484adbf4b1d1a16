import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { STREAMS, SUBJECT_PREFIX, type BusEvent } from '@lienganh/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from '../agency/tokens.js';
import { replayEvents } from '../consuming/replay.js';
import { emptyInbox, evolve, type Referral, type ReferralInboxSpec, type ReferralStatus } from './referral-inbox.js';

export const REFERRAL_INBOX_SPEC = Symbol('REFERRAL_INBOX_SPEC');

/** Holds the inbox in memory; rebuilt from the stream at start, then kept current by events. */
@Injectable()
export class ReferralInboxService implements OnApplicationBootstrap {
  private readonly state = emptyInbox();

  constructor(
    @Inject(REFERRAL_INBOX_SPEC) readonly spec: ReferralInboxSpec,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Referrals first, then the receiver's answers to them: an answer always finds its referral.
    const stream = STREAMS.agencyEvents.name;
    for (const made of this.spec.incoming) await replayEvents(this.nc, stream, made.subject, (event) => this.apply(event));
    await replayEvents(this.nc, stream, `${SUBJECT_PREFIX}.${this.spec.receiver}.referral.>`, (event) => this.apply(event));
  }

  apply(event: BusEvent): void {
    evolve(this.spec, this.state, event);
  }

  get(referralId: string): Referral | undefined {
    return this.state.referrals.get(referralId);
  }

  list(status?: ReferralStatus): Referral[] {
    return [...this.state.referrals.values()].filter((referral) => !status || referral.status === status);
  }
}
