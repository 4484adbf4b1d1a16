import {
  ContractError,
  findEventDefinition,
  parseOrThrow,
  pseudonymousFields,
  RecordKeyInPlaceOfSubjectRef,
  type ContractIssue,
} from '@lienganh/contracts';

/**
 * The agency edge's pseudonymisation: where an event's data holds a subject or consent reference,
 * the agency system may send its own record key instead, `"subjectRef": { "recordKey": "HS-2021-0042" }`,
 * and the service puts `sr_` (or `cr_`) + HMAC(its key, record key) there before the event is
 * validated and published. An `sr_…` or `cr_…` the system made itself passes as it is. The record key is never
 * echoed in an answer, and is gone from the event before it reaches the publisher.
 */
export interface RecordKeysReplaced {
  /** The event with every record key replaced by its reference, or taken out when it could not be. */
  event: unknown;
  /** Record keys in a bad shape, each named by its path (`data.subjectRef.recordKey`). */
  issues: ContractIssue[];
  /** Record keys this service cannot hash: it has no pseudonymisation key. */
  unhashable: ContractIssue[];
  /** Data fields taken out for those reasons: validation's "is required" for them says nothing new. */
  withheld: Set<string>;
}

/** This service has no pseudonymisation key, and the request carries record keys (422). */
export class PseudonymisationUnavailableError extends Error {
  override readonly name = 'PseudonymisationUnavailableError';

  constructor(readonly issues: readonly ContractIssue[]) {
    super(`no pseudonymisation key for the record keys at ${issues.map((issue) => issue.path).join(', ')}`);
  }
}

const NO_KEY =
  'dịch vụ chưa có khóa bí danh hóa nên không nhận mã hồ sơ; hãy gửi mã tham chiếu sr_… hoặc cr_… / ' +
  'this service has no pseudonymisation key (LIENGANH_PSEUDONYM_KEY_FILE): send an sr_… or cr_… reference instead';

export function replaceRecordKeys(item: unknown, key: Uint8Array | undefined): RecordKeysReplaced {
  const result: RecordKeysReplaced = { event: item, issues: [], unhashable: [], withheld: new Set() };
  if (!isPlainObject(item) || typeof item.type !== 'string' || !isPlainObject(item.data)) return result;
  const definition = findEventDefinition(item.type);
  if (!definition) return result;
  let data: Record<string, unknown> | undefined;
  for (const { field, reference } of pseudonymousFields(definition)) {
    const value = item.data[field];
    // A string is an sr_… (or not: the schema says so); only an object asks for pseudonymisation.
    if (!isPlainObject(value)) continue;
    data ??= { ...item.data };
    const path = `data.${field}`;
    delete data[field];
    result.withheld.add(path);
    let recordKey: string;
    try {
      recordKey = parseOrThrow(RecordKeyInPlaceOfSubjectRef, value, path).recordKey;
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      result.issues.push(...error.issues);
      continue;
    }
    if (!key) {
      result.unhashable.push({ path: `${path}.recordKey`, message: NO_KEY });
      continue;
    }
    data[field] = reference(key, recordKey);
    result.withheld.delete(path);
  }
  if (data) result.event = { ...item, data };
  return result;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
