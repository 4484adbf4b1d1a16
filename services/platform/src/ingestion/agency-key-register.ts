import { randomBytes } from 'node:crypto';
import type { AgencyService } from '@lienganh/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { sha256Hex } from '../bodies/body-record.js';
import { KvMirror } from '../nats/kv-mirror.js';

/**
 * Agency API keys issued at run time (issue #19): one entry per agency in the key-value bucket
 * `PCMD_AGENCY_KEYS`, holding the SHA-256 of the key in force, never the key. While an agency has
 * no entry, the keys of its configuration (`LIENGANH_AGENCY_KEYS`, the demo credentials file)
 * work; once the secretariat issues one, only the register decides: the configured key, a rotated
 * key and a revoked key are refused as soon as the change reaches the service's watch.
 */
export const AGENCY_KEYS_BUCKET = 'PCMD_AGENCY_KEYS';
/** Revisions kept per agency: who issued and revoked its keys, and when. */
export const AGENCY_KEYS_BUCKET_HISTORY = 20;

export interface AgencyKeyRecord {
  agency: AgencyService;
  /** SHA-256 (hex) of the key in force; none once revoked. */
  keySha256?: string;
  issuedAt?: string;
  issuedBy?: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** A fresh key (256 bits) and its digest; the key is shown once, to the secretariat that issued it. */
export function newAgencyKey(agency: AgencyService): { key: string; keySha256: string } {
  const key = `lga_${agency}_${randomBytes(32).toString('base64url')}`;
  return { key, keySha256: sha256Hex(key) };
}

export class AgencyKeyRegister {
  private constructor(private readonly mirror: KvMirror<AgencyKeyRecord>) {}

  /** Opens the bucket (provisioned by the operator with the streams) and waits until every entry is in. */
  static async open(nc: NatsConnection, options: { logger?: { warn(message: string): void } } = {}): Promise<AgencyKeyRegister> {
    return new AgencyKeyRegister(await KvMirror.open<AgencyKeyRecord>(nc, AGENCY_KEYS_BUCKET, options.logger ? { logger: options.logger } : {}));
  }

  /**
   * Whether `key` is the agency's key in force: undefined while the register has no entry for the
   * agency (its configured keys decide), false once it has one that `key` is not (or none is in force).
   * A lookup by digest: a guess's digest says nothing about the real key, so no constant-time compare is needed.
   */
  admits(agency: AgencyService, key: string): boolean | undefined {
    const record = this.mirror.get(agency)?.value;
    if (!record) return undefined;
    return record.keySha256 !== undefined && record.keySha256 === sha256Hex(key);
  }

  get(agency: AgencyService): AgencyKeyRecord | undefined {
    return this.mirror.get(agency)?.value;
  }

  /** The agency's last entry with its revision, read from the bucket (not the watch). */
  async read(agency: AgencyService): Promise<{ record: AgencyKeyRecord; revision: number } | undefined> {
    const entry = await this.mirror.read(agency);
    return entry && { record: entry.value, revision: entry.revision };
  }

  /** Writes an agency's entry: `revision` 0 creates it (fails if it exists), otherwise compare-and-set. */
  write(record: AgencyKeyRecord, revision: number): Promise<number> {
    return this.mirror.write(record.agency, record, revision);
  }

  /** Every kept entry of an agency, oldest first. */
  async history(agency: AgencyService): Promise<{ revision: number; record: AgencyKeyRecord }[]> {
    return (await this.mirror.history(agency)).map(({ revision, value }) => ({ revision, record: value }));
  }

  close(): void {
    this.mirror.close();
  }
}
