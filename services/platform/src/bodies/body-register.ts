import type { NatsConnection } from '@nats-io/transport-node';
import { KvMirror } from '../nats/kv-mirror.js';
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
  /** SHA-256 of each HTTP key in force → its body. */
  private readonly byKeyDigest = new Map<string, string>();
  private readonly digestOf = new Map<string, string>();

  private constructor(private readonly mirror: KvMirror<BodyRecord>) {}

  /** Opens the bucket (provisioned by the operator with the streams) and waits until every body's entry is in. */
  static async open(nc: NatsConnection, options: BodyRegisterOptions = {}): Promise<BodyRegister> {
    let register: BodyRegister | undefined;
    const early: [string, BodyRecord | undefined][] = [];
    // The watch (`KvMirror`) keeps the bucket in memory and starts again after a lost connection.
    const mirror = await KvMirror.open<BodyRecord>(nc, BODIES_BUCKET, {
      onEntry: (code, record) => {
        if (!register) return void early.push([code, record]); // indexed once the register exists
        register.index(code, record);
        options.onChange?.(register.recordsByCode());
      },
      ...(options.logger ? { logger: options.logger } : {}),
    });
    register = new BodyRegister(mirror);
    for (const [code, record] of early) register.index(code, record);
    if (early.length > 0) options.onChange?.(register.recordsByCode());
    return register;
  }

  get(code: string): BodyRecord | undefined {
    return this.mirror.get(code)?.value;
  }

  all(): BodyRecord[] {
    return [...this.recordsByCode().values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  }

  /**
   * The body whose HTTP key this is, if its credentials are in force. A lookup by the key's
   * SHA-256: the digest of a guess says nothing about any real key, so no constant-time loop is needed.
   */
  bodyOfHttpKey(key: string): string | undefined {
    return this.byKeyDigest.get(sha256Hex(key));
  }

  /** Writes a body's entry: `revision` 0 creates it (fails if it exists), otherwise compare-and-set. The new revision. */
  write(record: BodyRecord, revision: number): Promise<number> {
    return this.mirror.write(record.code, record, revision);
  }

  /** A body's last entry with its revision, read from the bucket (not the watch). */
  async read(code: string): Promise<{ record: BodyRecord; revision: number } | undefined> {
    const entry = await this.mirror.read(code);
    return entry && { record: entry.value, revision: entry.revision };
  }

  /** Every kept entry of a body, oldest first: the record of who registered it and issued or revoked its credentials. */
  async history(code: string): Promise<{ revision: number; record: BodyRecord }[]> {
    return (await this.mirror.history(code)).map(({ revision, value }) => ({ revision, record: value }));
  }

  close(): void {
    this.mirror.close();
  }

  private recordsByCode(): Map<string, BodyRecord> {
    return new Map([...this.mirror.entries()].map(([code, entry]) => [code, entry.value]));
  }

  private index(code: string, record: BodyRecord | undefined): void {
    const previous = this.digestOf.get(code);
    if (previous !== undefined) this.byKeyDigest.delete(previous);
    this.digestOf.delete(code);
    const digest = record?.role === 'consumer' ? undefined : record?.credentials?.httpKeySha256;
    if (digest) {
      this.byKeyDigest.set(digest, code);
      this.digestOf.set(code, digest);
    }
  }
}
