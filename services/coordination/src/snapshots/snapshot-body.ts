import { AppliedEvents } from '../board/applied-events.js';
import type { DeadlineRecord, StoredProjection } from '../store/coordination-store.js';
import { fromColumns, toColumns, type RecordColumns } from './record-columns.js';

/**
 * A snapshot's body: the read model's documents as JSON (the deadlines in columns), then the
 * table of applied events as it is in memory (`AppliedEvents.writeInto`), neither copied into the
 * other: a 32-bit big-endian length of the JSON, the JSON, the table.
 */
interface SnapshotDocuments extends Omit<StoredProjection, 'applied' | 'interrupted' | 'deadlines'> {
  deadlines: RecordColumns;
}

const LENGTH_BYTES = 4;

/** The projection's state (`CoordinationProjection.stored()`) as bytes, taken at once (ADR 0023, 4). */
export function encodeSnapshotBody(stored: StoredProjection): Uint8Array {
  const { applied, interrupted: _interrupted, deadlines, ...documents } = stored;
  const json = Buffer.from(JSON.stringify({ ...documents, deadlines: toColumns(deadlines) } satisfies SnapshotDocuments));
  const table = applied ?? AppliedEvents.empty();
  const body = Buffer.allocUnsafe(LENGTH_BYTES + json.length + table.byteLength);
  body.writeUInt32BE(json.length, 0);
  json.copy(body, LENGTH_BYTES);
  table.writeInto(body.subarray(LENGTH_BYTES + json.length));
  return body;
}

/** Back to what `CoordinationProjection.restore` takes; throws on bytes that are no snapshot body. */
export function decodeSnapshotBody(bytes: Uint8Array): StoredProjection {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = body.length >= LENGTH_BYTES ? body.readUInt32BE(0) : -1;
  if (jsonLength < 2 || LENGTH_BYTES + jsonLength > body.length) throw new TypeError('a snapshot body starts with the length of its documents');
  const documents = JSON.parse(body.toString('utf8', LENGTH_BYTES, LENGTH_BYTES + jsonLength)) as SnapshotDocuments;
  for (const list of ['plans', 'tallies', 'referrals', 'reports', 'alerts'] as const) {
    if (!Array.isArray(documents[list])) throw new TypeError(`a snapshot body has a list of ${list}`);
  }
  if (typeof documents.checkpoints !== 'object' || documents.checkpoints === null || typeof documents.deadlines !== 'object' || documents.deadlines === null) {
    throw new TypeError('a snapshot body has checkpoints and deadlines');
  }
  const applied = AppliedEvents.fromBytes(body.subarray(LENGTH_BYTES + jsonLength));
  return { ...documents, deadlines: fromColumns<DeadlineRecord>(documents.deadlines), applied };
}
