import { STREAMS } from '@lienganh/contracts';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export interface StreamOptions {
  /** Replicas per stream: 1 on one server, 3 in a production cluster. */
  replicas?: number;
  /** How long a re-sent event id is recognised and dropped (JetStream's default is 2 minutes). */
  duplicateWindowMs?: number;
}

export function streamConfigs(options: StreamOptions = {}): (Partial<StreamConfig> & { name: string; subjects: string[] })[] {
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: options.replicas ?? 1,
    duplicate_window: nanos(options.duplicateWindowMs ?? 2 * 60_000),
  };
  return Object.values(STREAMS).map(({ name, subjects }) => ({ ...common, name, subjects: [...subjects] }));
}

/** Creates the backbone's streams, or brings an existing one's subjects up to date. */
export async function ensureStreams(jsm: JetStreamManager, options: StreamOptions = {}): Promise<void> {
  for (const config of streamConfigs(options)) {
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, { subjects: config.subjects, duplicate_window: config.duplicate_window });
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
      await jsm.streams.add(config);
    }
  }
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof Error && /stream not found/i.test(error.message);
}
