import { createHash, randomBytes } from 'node:crypto';
import { SUBJECT_PREFIX, REPORTING_SERVICE } from '@lienganh/contracts';
import { createUser, fromSeed } from '@nats-io/nkeys';

/**
 * The register of bodies and their credentials (ADR 0011): one entry per body in the JetStream
 * key-value bucket `PCMD_BODIES`, keyed by the body's code. It holds what identifies a body's
 * credentials, never the credentials: the SHA-256 of its HTTP key and the public nkey of its
 * NATS user. The secrets are shown once, to the secretariat that issued them.
 */
export const BODIES_BUCKET = 'PCMD_BODIES';
/** Revisions kept per body: who issued and revoked its credentials, and when. */
export const BODIES_BUCKET_HISTORY = 20;

export interface BodyCredentials {
  /** SHA-256 (hex) of the body's HTTP key for the reporting service; none for a consumer identity, which only reads on NATS. */
  httpKeySha256?: string;
  /** Public key of the body's NATS nkey user (not secret). */
  natsPublicKey: string;
  issuedAt: string;
  /** The secretariat account that issued them. */
  issuedBy: string;
}

export interface BodyRecord {
  code: string;
  title: { vi: string; en: string };
  kind: string;
  /**
   * `consumer`: an outside system's read-only identity (ADR 0017), which reads coordination's
   * facts and says nothing; absent: a body that reports. One bucket, so one namespace of codes.
   */
  role?: 'consumer';
  /** `registered`: by the secretariat at run time; `plan`: named by a plan, entered here when issued credentials. */
  origin: 'registered' | 'plan';
  registeredAt?: string;
  registeredBy?: string;
  /** The body's current credentials; none when never issued or revoked. */
  credentials?: BodyCredentials;
  /** The last revocation. */
  revoked?: { at: string; by: string; natsPublicKey: string };
}

/** What a body gets once: its HTTP key and NATS seed. */
export interface IssuedSecrets {
  httpKey: string;
  natsSeed: string;
  natsPublicKey: string;
  httpKeySha256: string;
}

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Fresh credentials: a 256-bit HTTP key and an nkey user. */
export function newBodySecrets(): IssuedSecrets {
  const httpKey = `lgb_${randomBytes(32).toString('base64url')}`;
  const seed = createUser().getSeed();
  const natsSeed = new TextDecoder().decode(seed);
  return { httpKey, natsSeed, natsPublicKey: fromSeed(seed).getPublicKey(), httpKeySha256: sha256Hex(httpKey) };
}

/** The only subjects a body's NATS user may publish on: its own events through the reporting producer. */
export function bodyPublishSubject(code: string): string {
  return `${SUBJECT_PREFIX}.${REPORTING_SERVICE}.${code}.>`;
}

/** A body's inbox prefix (replies, JetStream acks): `_INBOX_body_<code>`, never another identity's. */
export function bodyInboxPrefix(code: string): string {
  return `_INBOX_body_${code}`;
}

/** Bodies and consumer identities with credentials in force, as NATS users. */
export function activeBodyUsers(records: Iterable<BodyRecord>): { code: string; natsPublicKey: string; role?: 'consumer' }[] {
  return [...records]
    .filter((record) => record.credentials)
    .map((record) => ({ code: record.code, natsPublicKey: record.credentials!.natsPublicKey, ...(record.role ? { role: record.role } : {}) }))
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}
