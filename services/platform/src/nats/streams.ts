import { STREAMS } from '@lienganh/contracts';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { nanos } from '@nats-io/transport-node';
import { SESSION_MAX_HOURS_LIMIT, SESSIONS_BUCKET, USERS_BUCKET, USERS_BUCKET_HISTORY } from '../access/access-buckets.js';
import { BODIES_BUCKET, BODIES_BUCKET_HISTORY } from '../bodies/body-record.js';
import { AGENCY_KEYS_BUCKET, AGENCY_KEYS_BUCKET_HISTORY } from '../ingestion/agency-key-register.js';
import { SUBSCRIPTIONS_BUCKET, SUBSCRIPTIONS_BUCKET_HISTORY } from '../subscriptions/subscriptions-bucket.js';
import { CASE_KEYS_BUCKET, CASE_KEYS_BUCKET_HISTORY } from '../access/case-keys-bucket.js';
import { SNAPSHOTS_BUCKET } from './snapshots-bucket.js';

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
  return Object.values(STREAMS).map(({ name, subjects }) => ({ ...common, name, subjects: [...subjects], ...(name === STREAMS.refusals.name ? REFUSALS_LIMITS : {}), ...(name === STREAMS.siteSummary.name ? SUMMARY_LIMITS : {}) }));
}

/** A site's summary replaces the last one (issue #24): the stream keeps the latest per site. */
export const SUMMARY_LIMITS = { max_msgs_per_subject: 1 };

/**
 * Refusals hold no body and no refused value (ADR 0014), but they are only there for a producer
 * to learn why: 90 days is a quarter's reporting cycle, long enough for one that reads rarely.
 */
export const REFUSALS_MAX_AGE_MS = 90 * 24 * 3_600_000;
const REFUSALS_LIMITS = { max_age: nanos(REFUSALS_MAX_AGE_MS) };

/**
 * Creates the backbone's streams, or brings an existing one's subjects up to date, and its
 * replicas too when `replicas` is given (a stream made on one server, since grown into a cluster).
 */
export async function ensureStreams(jsm: JetStreamManager, options: StreamOptions = {}): Promise<void> {
  for (const config of streamConfigs(options)) {
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, {
        subjects: config.subjects,
        duplicate_window: config.duplicate_window,
        ...(config.max_age !== undefined ? { max_age: config.max_age } : {}),
        ...(config.max_msgs_per_subject !== undefined ? { max_msgs_per_subject: config.max_msgs_per_subject } : {}),
        ...(options.replicas !== undefined ? { num_replicas: options.replicas } : {}),
      });
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
      await jsm.streams.add(config);
    }
  }
  // The register of bodies and their credentials (ADR 0011); users and sessions (ADR 0013).
  await ensureBucket(jsm, BODIES_BUCKET, { history: BODIES_BUCKET_HISTORY }, options);
  await ensureBucket(jsm, USERS_BUCKET, { history: USERS_BUCKET_HISTORY }, options);
  await ensureBucket(jsm, AGENCY_KEYS_BUCKET, { history: AGENCY_KEYS_BUCKET_HISTORY }, options);
  // Webhook subscriptions of outside systems (ADR 0017).
  await ensureBucket(jsm, SUBSCRIPTIONS_BUCKET, { history: SUBSCRIPTIONS_BUCKET_HISTORY }, options);
  // Coordination's key for case references (ADR 0021).
  await ensureBucket(jsm, CASE_KEYS_BUCKET, { history: CASE_KEYS_BUCKET_HISTORY }, options);
  // A session's entry is rewritten while it is used; one idle past the longest session is gone by itself.
  await ensureBucket(jsm, SESSIONS_BUCKET, { history: 1, ttl: SESSION_MAX_HOURS_LIMIT * 3_600_000 }, options);
  // Checkpoints of coordination's read model (ADR 0022): an object store, each snapshot replacing the last.
  await ensureObjectStore(jsm, SNAPSHOTS_BUCKET, options);
}

/** A key-value bucket replicated as the streams are; kept when it exists. */
async function ensureBucket(jsm: JetStreamManager, bucket: string, settings: { history: number; ttl?: number }, options: StreamOptions): Promise<void> {
  try {
    await jsm.streams.info(`KV_${bucket}`);
    if (options.replicas !== undefined) await jsm.streams.update(`KV_${bucket}`, { num_replicas: options.replicas });
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    await new Kvm(jsm.jetstream()).create(bucket, { ...settings, replicas: options.replicas ?? 1 });
  }
}

/** An object store bucket on file storage, replicated as the streams are; kept when it exists. */
async function ensureObjectStore(jsm: JetStreamManager, bucket: string, options: StreamOptions): Promise<void> {
  try {
    await jsm.streams.info(`OBJ_${bucket}`);
    if (options.replicas !== undefined) await jsm.streams.update(`OBJ_${bucket}`, { num_replicas: options.replicas });
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    await new Objm(jsm.jetstream()).create(bucket, { storage: StorageType.File, replicas: options.replicas ?? 1 });
  }
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof Error && /stream not found/i.test(error.message);
}

/** A stream a service needs is not there: only the operator provisions streams. */
export class MissingStreamError extends Error {
  override readonly name = 'MissingStreamError';
  constructor(readonly stream: string) {
    super(
      `JetStream stream ${stream} does not exist: services do not create streams; provision them as the operator with \`npx lienganh nats provision\` (NATS_URL, NATS_NKEY_SEED of the operator)`,
    );
  }
}

/**
 * What a service does instead of `ensureStreams`: checks that the streams it uses exist,
 * naming the first missing one. Its NATS identity may read a stream's info, never change it.
 */
export async function requireStreams(jsm: JetStreamManager, names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await jsm.streams.info(name);
    } catch (error) {
      if (isStreamNotFound(error)) throw new MissingStreamError(name);
      throw error;
    }
  }
}
