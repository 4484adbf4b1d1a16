import { Inject, Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import type { BusEvent } from '@lienganh/contracts';
import { NATS_CONNECTION, REPLICA_CONSUMER_NAME, replayEvents, type ReplicaConsumerName } from '@lienganh/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { caseFileReplays } from './case-file-replays.js';
import { emptyCaseFiles, evolve, type CaseFile, type CaseFileStatus } from './case-file.js';

/** Case files in memory; rebuilt from the stream at start, then kept current by events. */
@Injectable()
export class CaseFilesService implements OnApplicationBootstrap {
  private readonly state = emptyCaseFiles();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    /** Each replica replays through names of its own (two replays of one name cannot run at once). */
    @Optional() @Inject(REPLICA_CONSUMER_NAME) private readonly consumerName: ReplicaConsumerName = (name) => name,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const replay of caseFileReplays) {
      await replayEvents(this.nc, replay.stream, replay.filterSubject, (event) => this.apply(event), { consumerName: this.consumerName(replay.name) });
    }
  }

  apply(event: BusEvent): void {
    evolve(this.state, event);
  }

  get(caseId: string): CaseFile | undefined {
    return this.state.cases.get(caseId);
  }

  list(status?: CaseFileStatus): CaseFile[] {
    return [...this.state.cases.values()].filter((file) => !status || file.status === status);
  }
}
