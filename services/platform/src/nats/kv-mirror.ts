import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { requireStreams } from './streams.js';

export interface KvMirrorOptions<T> {
  /** Told of every entry the watch brings: a value (`put`) or its removal (`undefined`). */
  onEntry?: (key: string, value: T | undefined) => void;
  logger?: { warn(message: string): void };
}

/** A compare-and-set write lost to another writer (two secretariat officers changing one entry at once): nothing was written. */
export class KvWriteConflictError extends Error {
  override readonly name = 'KvWriteConflictError';
}

/**
 * One JetStream key-value bucket kept in memory by a watch, the way `BodyRegister` keeps the
 * register of bodies: every process that opens it sees a write by any other within the watch's
 * delivery (well under a second on one server), so a revocation reaches every instance without a
 * restart. Values are JSON. After a lost connection the watch starts again after the last entry
 * seen, so that no removal is missed.
 */
export class KvMirror<T> {
  private readonly values = new Map<string, { value: T; revision: number }>();
  private closed = false;
  private stopWatch: (() => void) | undefined;

  private constructor(
    private readonly kv: KV,
    private readonly options: KvMirrorOptions<T>,
  ) {}

  /** Opens the bucket (provisioned by the operator with the streams) and waits until every entry is in. */
  static async open<T>(nc: NatsConnection, bucket: string, options: KvMirrorOptions<T> = {}): Promise<KvMirror<T>> {
    await requireStreams(await jetstreamManager(nc), [`KV_${bucket}`]);
    const mirror = new KvMirror<T>(await new Kvm(nc).open(bucket), options);
    await mirror.watch();
    void mirror.rewatchOnReconnect(nc);
    return mirror;
  }

  get(key: string): { value: T; revision: number } | undefined {
    return this.values.get(key);
  }

  entries(): IterableIterator<[string, { value: T; revision: number }]> {
    return this.values.entries();
  }

  /** The entry as the bucket has it now (not the watch): for a key another instance wrote a moment ago. */
  async read(key: string): Promise<{ value: T; revision: number } | undefined> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const found = { value: entry.json<T>(), revision: entry.revision };
    if ((this.values.get(key)?.revision ?? 0) < found.revision) this.take(key, found.value, found.revision);
    return found;
  }

  /** Writes an entry: `revision` 0 creates it (fails if it exists), otherwise compare-and-set (fails if another wrote since). */
  async write(key: string, value: T, revision: number): Promise<number> {
    const json = JSON.stringify(value);
    const written = await (revision === 0 ? this.kv.create(key, json) : this.kv.update(key, json, revision)).catch((error: unknown) => {
      if (error instanceof Error && /wrong last sequence|key exists/i.test(error.message)) throw new KvWriteConflictError(`"${key}" was written by someone else meanwhile`, { cause: error });
      throw error;
    });
    this.take(key, value, written); // seen at once by this process; the watch brings the same entry again
    return written;
  }

  /** Removes an entry (a delete marker every watch sees). */
  async remove(key: string): Promise<void> {
    await this.kv.delete(key);
    this.drop(key);
  }

  /** Forgets an entry in this process only (one the bucket's age limit removed without telling watches). */
  forget(key: string): void {
    this.drop(key);
  }

  /** Every kept entry of a key, oldest first. */
  async history(key: string): Promise<{ revision: number; value: T }[]> {
    const entries: { revision: number; value: T }[] = [];
    for await (const entry of await this.kv.history({ key })) {
      if (entry.operation === 'PUT') entries.push({ revision: entry.revision, value: entry.json<T>() });
    }
    return entries;
  }

  close(): void {
    this.closed = true;
    this.stopWatch?.();
  }

  private async rewatchOnReconnect(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.closed) return;
      if (status.type === 'reconnect') this.stopWatch?.(); // the loop in `watch` starts it again
    }
  }

  private async watch(resumeFrom = 0): Promise<void> {
    // An empty bucket has nothing to bring; otherwise the watch marks the last entry of the present state `isUpdate`.
    const empty = resumeFrom > 0 || (await this.kv.status()).values === 0;
    const watcher = await this.kv.watch(resumeFrom > 0 ? { resumeFromRevision: resumeFrom + 1 } : {});
    this.stopWatch = () => watcher.stop();
    let last = resumeFrom;
    let initialised!: () => void;
    const ready = new Promise<void>((resolve) => (initialised = resolve));
    if (empty) initialised();
    void (async () => {
      for await (const entry of watcher) {
        last = entry.revision;
        this.apply(entry);
        if (entry.isUpdate) initialised();
      }
      initialised();
      for (let attempt = 0; !this.closed; attempt++) {
        try {
          await this.watch(last);
          return;
        } catch (error) {
          this.options.logger?.warn(`key-value watch failed, retrying: ${String(error)}`);
          await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 5_000)).unref());
        }
      }
    })();
    await ready;
  }

  private apply(entry: KvWatchEntry): void {
    if (entry.operation === 'PUT') {
      // A write of this process may be known at a later revision already.
      if ((this.values.get(entry.key)?.revision ?? 0) <= entry.revision) this.take(entry.key, entry.json<T>(), entry.revision);
    } else this.drop(entry.key);
  }

  private take(key: string, value: T, revision: number): void {
    this.values.set(key, { value, revision });
    this.options.onEntry?.(key, value);
  }

  private drop(key: string): void {
    if (!this.values.delete(key)) return;
    this.options.onEntry?.(key, undefined);
  }
}
