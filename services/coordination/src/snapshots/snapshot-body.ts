import { AppliedEvents } from '../board/applied-events.js';
import type { StoredProjection } from '../store/coordination-store.js';

/** A snapshot's body as JSON: the read model as a store keeps it, the applied events as one buffer (base64). */
interface SnapshotBody extends Omit<StoredProjection, 'applied' | 'interrupted'> {
  applied: string;
}

/** The projection's state (`CoordinationProjection.stored()`) as bytes, taken at once (ADR 0023, 4). */
export function encodeSnapshotBody(stored: StoredProjection): Uint8Array {
  const { applied, interrupted: _interrupted, ...documents } = stored;
  const body: SnapshotBody = { ...documents, applied: Buffer.from((applied ?? AppliedEvents.empty()).toBytes()).toString('base64') };
  return Buffer.from(JSON.stringify(body));
}

/** Back to what `CoordinationProjection.restore` takes; throws on bytes that are no snapshot body. */
export function decodeSnapshotBody(bytes: Uint8Array): StoredProjection {
  const body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as SnapshotBody;
  for (const list of ['plans', 'tallies', 'referrals', 'reports', 'deadlines', 'alerts'] as const) {
    if (!Array.isArray(body[list])) throw new TypeError(`a snapshot body has a list of ${list}`);
  }
  if (typeof body.checkpoints !== 'object' || body.checkpoints === null || typeof body.applied !== 'string') throw new TypeError('a snapshot body has checkpoints and the applied events');
  return { ...body, applied: AppliedEvents.fromBytes(Buffer.from(body.applied, 'base64')) };
}
