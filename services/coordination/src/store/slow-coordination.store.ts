import type { CoordinationStore, ProjectionChanges, StoredProjection } from './coordination-store.js';

/**
 * A slow disk in front of a real store: every commit waits `writeLatencyMs` before it reaches
 * the store it wraps, and `stall()` holds commits until `resume()`, as a disk that stops
 * answering for a while would. Reads go straight through. For fault tests and the benchmark:
 * what the projector does when its store cannot keep up.
 */
export class SlowCoordinationStore implements CoordinationStore {
  private stalled: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private writes = 0;

  constructor(
    private readonly inner: CoordinationStore,
    private readonly writeLatencyMs: number,
  ) {}

  get kind(): string {
    return `${this.inner.kind} (slow)`;
  }

  /** Commits that have reached the wrapped store. */
  get commits(): number {
    return this.writes;
  }

  /** Commits from now on wait until `resume()`. */
  stall(): void {
    this.stalled ??= new Promise((resolve) => (this.release = resolve));
  }

  resume(): void {
    this.release?.();
    this.stalled = undefined;
    this.release = undefined;
  }

  async commit(changes: ProjectionChanges): Promise<void> {
    // Taken as they are now, as a write call hands its bytes over: the projector goes on changing its objects meanwhile.
    const written = structuredClone(changes);
    await this.stalled;
    await new Promise((resolve) => setTimeout(resolve, this.writeLatencyMs));
    await this.inner.commit(written);
    this.writes++;
  }

  load(): Promise<StoredProjection> {
    return this.inner.load();
  }

  async clear(): Promise<void> {
    await this.stalled;
    await this.inner.clear();
  }

  close(): Promise<void> {
    this.resume();
    return this.inner.close();
  }
}
