import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { requireStreams } from '../nats/streams.js';
import { BODIES_BUCKET, sha256Hex, type BodyRecord } from './body-record.js';

export interface BodyRegisterOptions {
  /** Told after every change the watch brings (a new body, credentials issued or revoked). */
  onChange?: (records: ReadonlyMap<string, BodyRecord>) => void;
  logger?: { warn(message: string): void };
}

/**
 * The register of bodies as this process sees it: a watch on the `PCMD_BODIES` bucket keeps every
 * body's last entry in memory, so that a key issued a moment ago works at once and a revoked one
 * is refused as soon as the revocation reaches the watch (well under a second on one server).
 * The reporting service asks it whose an HTTP key is; coordination writes it; the process that
 * owns nats-server turns it into NATS users.
 */
export class BodyRegister {
  private readonly records = new Map<string, BodyRecord>();
  /** SHA-256 of each HTTP key in force → its body. */
  private readonly byKeyDigest = new Map<string, string>();
  private closed = false;
  private stopWatch: (() => void) | undefined;

  private constructor(
    private readonly kv: KV,
    private readonly options: BodyRegisterOptions,
  ) {}

  /** Opens the bucket (provisioned by the operator with the streams) and waits until every body's entry is in. */
  static async open(nc: NatsConnection, options: BodyRegisterOptions = {}): Promise<BodyRegister> {
    await requireStreams(await jetstreamManager(nc), [`KV_${BODIES_BUCKET}`]);
    const kv = await new Kvm(nc).open(BODIES_BUCKET);
    const register = new BodyRegister(kv, options);
    await register.watch();
    void register.rewatchOnReconnect(nc);
    return register;
  }

  get(code: string): BodyRecord | undefined {
    return this.records.get(code);
  }

  all(): BodyRecord[] {
    return [...this.records.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  }

  /**
   * The body whose HTTP key this is, if its credentials are in force. A lookup by the key's
   * SHA-256: the digest of a guess says nothing about any real key, so no constant-time loop is needed.
   */
  bodyOfHttpKey(key: string): string | undefined {
    return this.byKeyDigest.get(sha256Hex(key));
  }

  /** Writes a body's entry: `revision` 0 creates it (fails if it exists), otherwise compare-and-set. The new revision. */
  async write(record: BodyRecord, revision: number): Promise<number> {
    const value = JSON.stringify(record);
    const written = revision === 0 ? await this.kv.create(record.code, value) : await this.kv.update(record.code, value, revision);
    this.take(record); // seen at once by this process; the watch brings the same entry again
    return written;
  }

  /** A body's last entry with its revision, read from the bucket (not the watch). */
  async read(code: string): Promise<{ record: BodyRecord; revision: number } | undefined> {
    const entry = await this.kv.get(code);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { record: entry.json<BodyRecord>(), revision: entry.revision };
  }

  /** Every kept entry of a body, oldest first: the record of who registered it and issued or revoked its credentials. */
  async history(code: string): Promise<{ revision: number; record: BodyRecord }[]> {
    const entries: { revision: number; record: BodyRecord }[] = [];
    for await (const entry of await this.kv.history({ key: code })) {
      if (entry.operation === 'PUT') entries.push({ revision: entry.revision, record: entry.json<BodyRecord>() });
    }
    return entries;
  }

  close(): void {
    this.closed = true;
    this.stopWatch?.();
  }

  /**
   * After a reconnection the watch's consumer may be gone with the server that held it: the watch
   * starts again from the last entry it saw, so that no revocation is missed.
   */
  private async rewatchOnReconnect(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.closed) return;
      if (status.type === 'reconnect') this.stopWatch?.(); // the loop in `watch` starts it again
    }
  }

  private async watch(resumeFrom = 0): Promise<void> {
    // An empty bucket has nothing to bring; otherwise the watch marks the last entry of the present state `isUpdate`.
    const empty = resumeFrom > 0 || (await this.kv.status()).values === 0;
    // `resumeFromRevision` delivers from that stream sequence on: the entries after the last one seen.
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
      // The watch ended (a lost connection or server): start again after the last entry seen, until it works.
      for (let attempt = 0; !this.closed; attempt++) {
        try {
          await this.watch(last);
          return;
        } catch (error) {
          this.options.logger?.warn(`body register watch failed, retrying: ${String(error)}`);
          await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 5_000)).unref());
        }
      }
    })();
    await ready;
  }

  private apply(entry: KvWatchEntry): void {
    if (entry.operation === 'PUT') this.take(entry.json<BodyRecord>());
    else this.drop(entry.key);
    this.options.onChange?.(this.records);
  }

  private take(record: BodyRecord): void {
    this.drop(record.code);
    this.records.set(record.code, record);
    if (record.credentials) this.byKeyDigest.set(record.credentials.httpKeySha256, record.code);
  }

  private drop(code: string): void {
    const known = this.records.get(code);
    if (known?.credentials) this.byKeyDigest.delete(known.credentials.httpKeySha256);
    this.records.delete(code);
  }
}
