/**
 * Where a target's latest contributing events sit in the streams (ADR 0023): a ring of at most
 * `RECENT_EVENTS` stream positions, 8 bytes each, so that the "contributing events" view reads the
 * events from the stream by sequence instead of the read model holding them. A position is
 * `seq * 2 + stream` (0: agency events, 1: coordination's own), exact as a double up to 2⁵².
 */
export class RecentEvents {
  private ring = new Float64Array(0);
  /** Index of the oldest entry. */
  private start = 0;
  size = 0;
  /** Positions added since the last `takeAdded`, oldest first. */
  private added: number[] = [];

  constructor(private readonly capacity = RECENT_EVENTS) {}

  add(position: number): void {
    this.push(position);
    this.added.push(position);
  }

  /** The latest in the streams first, at most `limit`, each once (a store may have been given one twice). */
  newestFirst(limit: number): number[] {
    return [...new Set(this.all())].sort((a, b) => b - a).slice(0, Math.max(0, limit));
  }

  /** In the order added, oldest first: what a store keeps. */
  all(): number[] {
    const positions: number[] = [];
    for (let index = 0; index < this.size; index++) positions.push(this.ring[(this.start + index) % this.ring.length]!);
    return positions;
  }

  takeAdded(): number[] {
    const added = this.added;
    this.added = [];
    return added;
  }

  /** Puts back what a failed commit did not keep, before what came since. */
  restoreAdded(added: readonly number[]): void {
    this.added = [...added, ...this.added];
  }

  /** Appends positions a store kept, oldest first (not counted as added). */
  load(positions: readonly number[]): void {
    for (const position of positions) this.push(position);
  }

  private push(position: number): void {
    if (this.size === this.ring.length && this.ring.length < this.capacity) this.grow();
    if (this.size < this.ring.length) {
      this.ring[(this.start + this.size++) % this.ring.length] = position;
      return;
    }
    // Full: the oldest makes room.
    this.ring[this.start] = position;
    this.start = (this.start + 1) % this.ring.length;
  }

  private grow(): void {
    const ring = new Float64Array(Math.min(this.capacity, Math.max(16, this.ring.length * 2)));
    for (let index = 0; index < this.size; index++) ring[index] = this.ring[(this.start + index) % this.ring.length]!;
    this.ring = ring;
    this.start = 0;
  }
}

/** How many contributing events of a target the view can list: the most `GET /api/v1/targets/:id` returns. */
export const RECENT_EVENTS = 10_000;

export const positionOf = (stream: 0 | 1, seq: number) => seq * 2 + stream;
export const streamSeqOf = (position: number): { stream: 0 | 1; seq: number } => ({ stream: (position % 2) as 0 | 1, seq: Math.floor(position / 2) });
