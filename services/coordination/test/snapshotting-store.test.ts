import { AppliedEvents } from '../src/board/applied-events.js';
import type { ProjectionSnapshot } from '../src/snapshots/projection-snapshots.js';
import { decodeSnapshotBody } from '../src/snapshots/snapshot-body.js';
import { SnapshottingCoordinationStore, type SnapshotShelf } from '../src/snapshots/snapshotting-coordination.store.js';
import type { StoredProjection } from '../src/store/coordination-store.js';
import { ProjectionOnlyStore } from '../src/store/projection-only.store.js';

// The default store keeps no copy of the read model: it saves the projection's own state (ADR 0023, 4).

/** A shelf in memory (the port `ProjectionSnapshots` implements over the object store, tested against NATS elsewhere). */
class ShelfInMemory implements SnapshotShelf {
  saved: ProjectionSnapshot[] = [];
  async save(snapshot: ProjectionSnapshot) {
    this.saved.push(snapshot);
    return { bytes: snapshot.body.length, storedBytes: snapshot.body.length };
  }
  async latest() {
    const last = this.saved.at(-1);
    return last && { checkpoints: last.checkpoints, body: last.body };
  }
}

const state = (seq: number): StoredProjection => ({ checkpoints: { AGENCY: seq }, applied: AppliedEvents.empty(), plans: [], tallies: [], referrals: [], reports: [], deadlines: [], alerts: [] });
const logger = { info() {}, warn() {} };

describe('the default store, kept by snapshots of the projection', () => {
  it('saves the projection as it is at the commit that makes one due, none while a backfill runs, and gives it back at the next start', async () => {
    const shelf = new ShelfInMemory();
    const store = new SnapshottingCoordinationStore(shelf, { everyEvents: 10, everyMs: 3_600_000, version: 'v', logger });
    expect(await store.load()).toMatchObject({ checkpoints: {}, plans: [] });
    let backfilling = true;
    let seq = 0;
    store.holds(() => (backfilling ? undefined : state(seq)));
    seq = 12;
    await store.commit({ checkpoints: { AGENCY: 12 } });
    await store.close().catch(() => undefined);
    expect(shelf.saved).toHaveLength(0);
    backfilling = false;
    seq = 13;
    await store.commit({ checkpoints: { AGENCY: 13 } });
    await store.saveNow();
    expect(shelf.saved.map((snapshot) => snapshot.checkpoints)).toEqual([{ AGENCY: 13 }, { AGENCY: 13 }]);
    expect(decodeSnapshotBody(shelf.saved[0]!.body).checkpoints).toEqual({ AGENCY: 13 });

    const restarted = new SnapshottingCoordinationStore(shelf, { everyEvents: 10, everyMs: 3_600_000, version: 'v', logger });
    expect((await restarted.load()).checkpoints).toEqual({ AGENCY: 13 });
  });
});

describe('without snapshots (LIENGANH_SNAPSHOTS=off)', () => {
  it('keeps nothing of its own: load gives the projection as it is, or nothing before one is held', async () => {
    const store = new ProjectionOnlyStore();
    expect(await store.load()).toMatchObject({ checkpoints: {}, plans: [], tallies: [] });
    let seq = 5;
    store.holds(() => state(seq));
    await store.commit({ checkpoints: { AGENCY: 5 } });
    seq = 9;
    expect((await store.load()).checkpoints).toEqual({ AGENCY: 9 });
    await store.clear();
    expect((await store.load()).checkpoints).toEqual({ AGENCY: 9 });
  });
});
