import type { ProjectionChanges, StoredProjection } from '../store/coordination-store.js';
import { emptyProjection, ProjectionOnlyStore } from '../store/projection-only.store.js';
import type { IgnoredSnapshot, LoadedSnapshot, ProjectionSnapshot, SavedSnapshot } from './projection-snapshots.js';
import { decodeSnapshotBody, encodeSnapshotBody } from './snapshot-body.js';

/** Where snapshots go: `ProjectionSnapshots` (the object store PCMD_SNAPSHOTS). */
export interface SnapshotShelf {
  save(snapshot: ProjectionSnapshot): Promise<SavedSnapshot>;
  latest(expectedVersion: string): Promise<LoadedSnapshot | IgnoredSnapshot | undefined>;
}

export interface SnapshotPolicy {
  /** Events (stream sequences committed, all streams) after which a snapshot is saved. */
  everyEvents: number;
  /** Time after which a snapshot is saved when anything was committed since the last. */
  everyMs: number;
  /** `snapshotVersion()`: a snapshot of another version is ignored. */
  version: string;
  logger: { info(message: string): void; warn(message: string): void };
  /** The last sequence of each stream now: a snapshot covering more than a stream holds (restored from a backup, recreated) is ignored. */
  streamEnds?: () => Promise<Record<string, number>>;
  now?: () => number;
}

/** Defaults: often enough that a restart replays little, rarely enough that saving costs little (ADR 0022). */
export const DEFAULT_SNAPSHOT_EVERY_EVENTS = 100_000;
export const DEFAULT_SNAPSHOT_EVERY_MS = 600_000;

/**
 * The default store: the projection in memory is the read model, kept across restarts by
 * snapshots of it (ADR 0022, ADR 0023 decision 4); the store itself keeps no copy of it. At the
 * first `load` it gives the latest snapshot, if one of this version is whole, so that the
 * projector replays only what came after its checkpoints; after commits it saves one every
 * `everyEvents` events or `everyMs`, and a last one when it closes. A snapshot is the projection's
 * state serialised at once at the end of a commit (`holds`), so it holds exactly what its
 * checkpoints cover; none is taken while a backfill runs. Saving runs beside the projection, one
 * at a time; a save that fails is logged and tried again at the next occasion: the streams stay
 * the reference.
 */
export class SnapshottingCoordinationStore extends ProjectionOnlyStore {
  /** The snapshot read at start, until the projection is restored from it. */
  private restored: StoredProjection | undefined;
  private loaded = false;
  /** Stream → last sequence committed, and the total of them when the last snapshot was taken. */
  private readonly committed = new Map<string, number>();
  private savedAt: { events: number; at: number };
  private saving: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly shelf: SnapshotShelf,
    private readonly policy: SnapshotPolicy,
  ) {
    super();
    this.now = policy.now ?? Date.now;
    this.savedAt = { events: 0, at: this.now() };
  }

  /** At start, the latest snapshot (or nothing); later, the projection's state as it is (what was committed, and what is held). */
  override async load(): Promise<StoredProjection> {
    if (this.loaded) return super.load();
    this.loaded = true;
    await this.restoreLatest();
    const restored = this.restored ?? emptyProjection();
    this.restored = undefined;
    return restored;
  }

  override async commit(changes: ProjectionChanges): Promise<void> {
    for (const [stream, seq] of Object.entries(changes.checkpoints ?? {})) this.committed.set(stream, Math.max(seq, this.committed.get(stream) ?? 0));
    const events = this.events();
    const due = events - this.savedAt.events >= this.policy.everyEvents || (events > this.savedAt.events && this.now() - this.savedAt.at >= this.policy.everyMs);
    // `save` takes the projection's state before its first await: here, between two commits.
    if (due && !this.saving) this.saving = this.save().finally(() => (this.saving = undefined));
  }

  override async clear(): Promise<void> {
    this.restored = undefined;
    this.committed.clear();
    this.savedAt = { events: 0, at: this.now() };
  }

  /** Saves what was committed since the last snapshot, so that the next start replays nothing of it. */
  override async close(): Promise<void> {
    await this.saving;
    if (this.events() > this.savedAt.events) await this.save();
  }

  /** Saves a snapshot now (after the one in progress, if any). */
  async saveNow(): Promise<void> {
    await this.saving;
    await this.save();
  }

  private events(): number {
    let total = 0;
    for (const seq of this.committed.values()) total += seq;
    return total;
  }

  private async restoreLatest(): Promise<void> {
    const { logger, version } = this.policy;
    let latest: Awaited<ReturnType<SnapshotShelf['latest']>>;
    const started = this.now();
    try {
      latest = await this.shelf.latest(version);
    } catch (error) {
      return logger.warn(`coordination: no snapshot read (${String(error)}): replaying the streams from the start`);
    }
    if (!latest) return;
    if ('ignored' in latest) return logger.warn(`coordination: ${latest.ignored}: ignored, replaying the streams from the start`);
    const ends = (await this.policy.streamEnds?.()) ?? {};
    const beyond = Object.entries(latest.checkpoints).find(([stream, seq]) => ends[stream] !== undefined && seq > ends[stream]);
    if (beyond) return logger.warn(`coordination: snapshot covers ${beyond[0]} to ${beyond[1]}, the stream ends at ${ends[beyond[0]]} (restored or recreated): ignored, replaying the streams from the start`);
    const read = this.now();
    try {
      this.restored = decodeSnapshotBody(latest.body);
    } catch (error) {
      return logger.warn(`coordination: snapshot unreadable (${String(error)}): ignored, replaying the streams from the start`);
    }
    for (const [stream, seq] of Object.entries(latest.checkpoints)) this.committed.set(stream, seq);
    this.savedAt = { events: this.events(), at: this.now() };
    const seconds = (ms: number) => (ms / 1000).toFixed(2);
    logger.info(`coordination: snapshot loaded, covering ${describe(latest.checkpoints)}: replaying only what came after (${latest.body.length} bytes read in ${seconds(read - started)} s, decoded in ${seconds(this.now() - read)} s)`);
  }

  private async save(): Promise<void> {
    const events = this.events();
    const stored = this.source?.();
    if (!stored) return; // a backfill runs (or no projection yet): the next commit tries again
    const checkpoints = stored.checkpoints;
    try {
      // Taken at once: the body holds exactly what its checkpoints cover.
      const body = encodeSnapshotBody(stored);
      const saved = await this.shelf.save({ version: this.policy.version, checkpoints, body });
      this.savedAt = { events, at: this.now() };
      this.policy.logger.info(`coordination: snapshot saved, covering ${describe(checkpoints)} (${saved.bytes} bytes, ${saved.storedBytes} stored)`);
    } catch (error) {
      this.policy.logger.warn(`coordination: snapshot not saved (${String(error)}): the next restart replays more`);
    }
  }
}

const describe = (checkpoints: Record<string, number>) =>
  Object.entries(checkpoints)
    .map(([stream, seq]) => `${stream} to ${seq}`)
    .join(', ') || 'nothing';
