import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

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

/**
 * The lease bucket: a JetStream key-value bucket keeping one entry per key. The bucket's TTL is
 * every lease's (nats-server 2.9 has no per-key TTL): an entry not renewed within it is removed
 * by the server, which is how a holder that died lets go. Writes compare-and-set on the key's
 * revision, so of two instances writing one key on the same revision, exactly one wins.
 */
export class LeaseBucket {
  private constructor(
    private readonly kv: KV,
    /** The bucket's TTL, as the server has it (the first instance to create the bucket sets it). */
    readonly ttlMs: number,
  ) {}

  /** `replicas`: as many as the event streams have (3 in a cluster), so that the lease survives a node. */
  static async open(nc: NatsConnection, options: { bucket?: string; ttlMs?: number; replicas?: number } = {}): Promise<LeaseBucket> {
    const kvm = new Kvm(nc);
    const name = options.bucket ?? LEASE_BUCKET;
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const config = { ttl: ttlMs, replicas: options.replicas ?? 1, history: 1 };
    // Another instance may create the bucket at the same moment (with another TTL): the second try opens its bucket.
    const kv = await kvm.create(name, config).catch(() => kvm.create(name, config));
    return new LeaseBucket(kv, (await kv.status()).ttl || ttlMs);
  }

  /** The key's last entry; undefined when it was never written or its TTL removed it. */
  async get(key: string): Promise<LeaseEntry | undefined> {
    const entry = await this.kv.get(key);
    if (!entry) return undefined;
    return entry.operation === 'PUT' ? { revision: entry.revision, holder: entry.json<LeaseHolder>() } : { revision: entry.revision };
  }

  /** Writes the holder if the key is still at `revision` (0: absent or released); the new revision, or undefined if someone else wrote first. */
  put(key: string, holder: LeaseHolder, revision: number): Promise<number | undefined> {
    const value = JSON.stringify(holder);
    return unlessRaceLost(revision === 0 ? this.kv.create(key, value) : this.kv.update(key, value, revision));
  }

  /** Lets go: a delete marker, if the key is still at `revision`. */
  async release(key: string, revision: number): Promise<boolean> {
    return (await unlessRaceLost(this.kv.delete(key, { previousSeq: revision }).then(() => true))) ?? false;
  }
}

/** A compare-and-set that found the key at another revision gives undefined: someone else wrote first. */
function unlessRaceLost<T>(write: Promise<T>): Promise<T | undefined> {
  return write.catch((error: unknown) => {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence) return undefined;
    throw error;
  });
}
