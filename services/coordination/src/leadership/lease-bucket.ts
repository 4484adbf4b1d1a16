import { DiscardPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';

/** Coordination's key-value bucket of leases (the NATS identities allow coordination this one). */
export const LEASE_BUCKET = 'coordination_lease';
export const DEFAULT_LEASE_TTL_MS = 10_000;

/** Who holds a lease: enough to tell a live holder from a previous incarnation of oneself. */
export interface LeaseHolder {
  /** The coordination instance (`COORDINATION_INSTANCE_ID`). */
  instance: string;
  host: string;
  pid: number;
  /** Random per lease object: which process, and which service within it, holds the key. */
  token: string;
}

/** A key's last entry: a holder, or a release (a delete marker). `revision` is its stream sequence. */
export interface LeaseEntry {
  revision: number;
  holder?: LeaseHolder;
}

const OPERATION_HEADER = 'KV-Operation';
const EXPECTED_LAST_SUBJECT_SEQUENCE = 'Nats-Expected-Last-Subject-Sequence';

/**
 * The lease bucket as a JetStream key-value bucket laid out as `@nats-io/kv` lays one out
 * (stream `KV_<bucket>`, subjects `$KV.<bucket>.<key>`, one entry per key, deletes as markers),
 * written with the plain JetStream client: the `nats kv` tools can read it, and the service
 * needs no other package. The bucket's TTL (`max_age`) is every lease's: an entry not renewed
 * within it is removed by the server, which is how a holder that died lets go. Writes
 * compare-and-set on the key's revision (`Nats-Expected-Last-Subject-Sequence`), so of two
 * instances writing one key on the same revision, exactly one wins.
 */
export class LeaseBucket {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    readonly name: string,
    /** The bucket's TTL, as the server has it (the first instance to create the bucket sets it). */
    readonly ttlMs: number,
  ) {}

  /** `replicas`: as many as the event streams have (3 in a cluster), so that the lease survives a node. */
  static async open(nc: NatsConnection, options: { bucket?: string; ttlMs?: number; replicas?: number } = {}): Promise<LeaseBucket> {
    const name = options.bucket ?? LEASE_BUCKET;
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const jsm = await jetstreamManager(nc);
    const stream = `KV_${name}`;
    let maxAge: number;
    try {
      maxAge = (await jsm.streams.info(stream)).config.max_age;
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
      const config = {
        name: stream,
        subjects: [`$KV.${name}.>`],
        max_msgs_per_subject: 1,
        max_age: nanos(ttlMs),
        duplicate_window: nanos(Math.min(ttlMs, 120_000)),
        allow_rollup_hdrs: true,
        deny_delete: true,
        allow_direct: true,
        discard: DiscardPolicy.New,
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        num_replicas: options.replicas ?? 1,
      };
      // Another instance may create it at the same moment (with another TTL): then its config holds.
      maxAge = await jsm.streams.add(config).then(
        (info) => info.config.max_age,
        async (failure: unknown) => (await jsm.streams.info(stream).catch(() => Promise.reject(failure))).config.max_age,
      );
    }
    return new LeaseBucket(nc, jsm, name, maxAge > 0 ? Math.round(maxAge / 1e6) : ttlMs);
  }

  /** The key's last entry; undefined when it was never written or its TTL removed it. */
  async get(key: string): Promise<LeaseEntry | undefined> {
    const message = await this.jsm.streams.getMessage(`KV_${this.name}`, { last_by_subj: this.subject(key) });
    if (!message) return undefined;
    const operation = message.header?.get(OPERATION_HEADER);
    if (operation === 'DEL' || operation === 'PURGE') return { revision: message.seq };
    return { revision: message.seq, holder: message.json<LeaseHolder>() };
  }

  /** Writes the holder if the key is still at `revision` (0: absent); the new revision, or undefined if someone else wrote first. */
  async put(key: string, holder: LeaseHolder, revision: number): Promise<number | undefined> {
    return this.write(key, JSON.stringify(holder), revision);
  }

  /** Lets go: a delete marker, if the key is still at `revision`. */
  async release(key: string, revision: number): Promise<boolean> {
    return (await this.write(key, '', revision, 'DEL')) !== undefined;
  }

  private async write(key: string, body: string, revision: number, operation?: 'DEL'): Promise<number | undefined> {
    const headers = natsHeaders();
    headers.set(EXPECTED_LAST_SUBJECT_SEQUENCE, String(revision));
    if (operation) headers.set(OPERATION_HEADER, operation);
    try {
      return (await jetstream(this.nc).publish(this.subject(key), body, { headers })).seq;
    } catch (error) {
      if (isApiError(error, JetStreamApiCodes.StreamWrongLastSequence)) return undefined;
      throw error;
    }
  }

  private subject(key: string): string {
    return `$KV.${this.name}.${key}`;
  }
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
