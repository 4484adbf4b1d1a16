import type { CoordinationStore, ProjectionChanges, StoredProjection } from './coordination-store.js';

/** The projection's whole state, as `CoordinationProjection.stored()` gives it; undefined while it holds part of a backfill. */
export type ProjectionSource = () => StoredProjection | undefined;

/**
 * A store that keeps no copy of the read model: the projection in memory is the read model
 * (ADR 0023, decision 4), gone at exit, so every start replays the streams. What an instance
 * runs with `LIENGANH_SNAPSHOTS=off`; `SnapshottingCoordinationStore` adds the snapshots that
 * keep it across restarts. The projector registers its projection (`holds`): `load` gives the
 * projection's state as it is, so a caller that reloads gets what was applied, not nothing.
 */
export class ProjectionOnlyStore implements CoordinationStore {
  readonly kind: string = 'memory';
  protected source: ProjectionSource | undefined;

  /** The projection this store stands for (the projector registers it). */
  holds(source: ProjectionSource): void {
    this.source = source;
  }

  async load(): Promise<StoredProjection> {
    return this.source?.() ?? emptyProjection();
  }

  async commit(_changes: ProjectionChanges): Promise<void> {}

  async clear(): Promise<void> {}

  async close(): Promise<void> {}
}

export const emptyProjection = (): StoredProjection => ({ checkpoints: {}, plans: [], tallies: [], referrals: [], reports: [], deadlines: [], alerts: [] });
