import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ConsentRef, SubjectRef } from './common.js';
import type { EventDefinition } from './define.js';

/**
 * The one pseudonymisation of the backbone: a person's record key in an agency's own system
 * becomes `sr_` + base64url(HMAC-SHA256(agency key, record key)). The same record key under
 * the same key gives the same reference (a person's referrals link up); another agency's key
 * gives another. Pure: the caller holds the key (an agency service, or a system that hashes
 * itself); nothing here reads or keeps it.
 */
export function subjectRefOf(key: Uint8Array | string, recordKey: string): string {
  return `sr_${createHmac('sha256', key).update(recordKey, 'utf8').digest('base64url')}`;
}

/**
 * The consent record's reference: `cr_` + base64url(HMAC-SHA256(key, "consent" LF record key)).
 * Its own domain: a consent record and a person sharing a key in the agency's system never give
 * the same digest.
 */
export function consentRefOf(key: Uint8Array | string, recordKey: string): string {
  return `cr_${createHmac('sha256', key).update(`consent\n${recordKey}`, 'utf8').digest('base64url')}`;
}

/** The shortest pseudonymisation key an agency service takes: 32 random bytes, HMAC-SHA256's block of strength. */
export const MIN_PSEUDONYM_KEY_BYTES = 32;

/** A person's key in the agency's own records (hồ sơ), e.g. `HS-2021-0042`: never on the bus, only its keyed hash. */
export const RecordKey = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, "must be the agency system's record key: 1-128 letters, digits or . _ : / - (no spaces)")
  .describe("A person's key in the agency's own records; the agency service replaces it with its keyed hash");

/**
 * What an agency system may send in place of a subject reference, to the agency service only:
 * `"subjectRef": { "recordKey": "HS-2021-0042" }`. The service makes the `sr_…` of it.
 */
export const RecordKeyInPlaceOfSubjectRef = z.strictObject({ recordKey: RecordKey });

/** A data field that holds a pseudonymous reference, and how the agency edge makes one from a record key. */
export interface PseudonymousField {
  field: string;
  reference: (key: Uint8Array | string, recordKey: string) => string;
}

const REFERENCE_MAKERS = new Map<z.ZodType, PseudonymousField['reference']>([
  [SubjectRef, subjectRefOf],
  [ConsentRef, consentRefOf],
]);

/** The top-level data fields of an event type that hold a pseudonymous reference (`subjectRef`, `consentRef`). */
export function pseudonymousFields(definition: EventDefinition): readonly PseudonymousField[] {
  let fields = fieldsOf.get(definition);
  if (!fields) {
    fields = Object.entries(definition.schema.shape).flatMap(([field, schema]) => {
      const reference = REFERENCE_MAKERS.get(unwrapOptional(schema as z.ZodType));
      return reference ? [{ field, reference }] : [];
    });
    fieldsOf.set(definition, fields);
  }
  return fields;
}

/** The fields of `pseudonymousFields` that hold a subject reference. */
export function subjectRefFields(definition: EventDefinition): readonly string[] {
  return pseudonymousFields(definition).filter((field) => field.reference === subjectRefOf).map((field) => field.field);
}

/** Definitions are frozen: their fields are worked out once (ingestion asks for every event). */
const fieldsOf = new WeakMap<EventDefinition, readonly PseudonymousField[]>();

function unwrapOptional(field: z.ZodType): z.ZodType {
  return field instanceof z.ZodOptional ? unwrapOptional(field.unwrap() as z.ZodType) : field;
}
