import { createHmac, randomBytes } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { CASE_KEYS_BUCKET } from '@lienganh/platform';

const KEY_ENTRY = 'case-reference';

/**
 * How coordination names a person's case (a referral) in everything it publishes and shows
 * (ADR 0021): `hs-` ("hồ sơ", case file) and 20 hex digits of HMAC-SHA256 of the referral id
 * under the deployment's key. The same referral gets the same reference in every instance and
 * after every replay; without the key, a reference says nothing of the referral it names, so
 * deadline alerts can go to outside systems and to bodies that are not party to the case. The
 * referral's own id is shown to the parties and the secretariat only (PersonRecordPolicy).
 */
export class CaseReferences {
  private readonly key: Uint8Array;

  constructor(key: Uint8Array) {
    if (key.length < 32) throw new Error('a case reference key has at least 32 bytes');
    this.key = key;
  }

  /** The reference of the case of `referralId`. */
  of(referralId: string): string {
    return `hs-${createHmac('sha256', this.key).update(referralId).digest('hex').slice(0, 20)}`;
  }

  /**
   * The deployment's key from `PCMD_CASE_KEYS`, made by the first instance that finds none (a
   * create that another instance may win: then its key is read).
   */
  static async open(nc: NatsConnection): Promise<CaseReferences> {
    const kv = await new Kvm(nc).open(CASE_KEYS_BUCKET);
    const existing = await kv.get(KEY_ENTRY);
    if (existing?.operation === 'PUT') return new CaseReferences(existing.value);
    await kv.create(KEY_ENTRY, randomBytes(32)).catch(() => undefined);
    const entry = await kv.get(KEY_ENTRY);
    if (entry?.operation !== 'PUT') throw new Error(`no case reference key in ${CASE_KEYS_BUCKET} after creating one`);
    return new CaseReferences(entry.value);
  }

  /** A key of its own, for a projection built in one process (tests, the correctness check, the benchmark). */
  static ephemeral(): CaseReferences {
    return new CaseReferences(randomBytes(32));
  }
}
