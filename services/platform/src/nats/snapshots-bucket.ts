/**
 * Checkpoints of coordination's read model (ADR 0022): a JetStream object store bucket holding,
 * per projection, its latest snapshot and the stream sequences it covers. Only coordination and
 * the operator may read or write it; losing it costs a full replay from the streams, nothing more.
 */
export const SNAPSHOTS_BUCKET = 'PCMD_SNAPSHOTS';
