import { Inject, Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import type { BusEvent } from '@lienganh/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from '../agency/tokens.js';
import { REPLICA_CONSUMER_NAME, type ReplicaConsumerName } from '../agency/agency-replica.js';
import { replayEvents } from '../consuming/replay.js';
import { referralReplays } from './referral-consumers.js';
import { emptyInbox, evolve, type Referral, type ReferralInboxSpec, type ReferralStatus } from './referral-inbox.js';

export const REFERRAL_INBOX_SPEC = Symbol('REFERRAL_INBOX_SPEC');

/** Holds the inbox in memory; rebuilt from the stream at start, then kept current by events. */
@Injectable()
export class ReferralInboxService implements OnApplicationBootstrap {
  private readonly state = emptyInbox();

  constructor(
    @Inject(REFERRAL_INBOX_SPEC) readonly spec: ReferralInboxSpec,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    /** Each replica replays through names of its own (two replays of one name cannot run at once). */
    @Optional() @Inject(REPLICA_CONSUMER_NAME) private readonly consumerName: ReplicaConsumerName = (name) => name,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const replay of referralReplays(this.spec)) {
      await replayEvents(this.nc, replay.stream, replay.filterSubject, (event) => this.apply(event), { consumerName: this.consumerName(replay.name) });
    }
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
