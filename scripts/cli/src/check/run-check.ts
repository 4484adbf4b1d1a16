import { CoordinationProjection, type StoredProjection } from '@lienganh/coordination';
import { boardFigures, feedBoard, feedBoardLive } from './board.js';
import { compareFigures, firstDifference } from './compare.js';
import type { Difference } from './figures.js';
import { DEFAULT_EVENTS, generateStream, reorderedArrivals } from './generator.js';
import { oracleFigures } from './oracle.js';

/**
 * One seed of the figures oracle (ADR 0010): generate the stream, recompute every figure from
 * the events, feed the board and read it, compare; then check the read model three ways against
 * the one replayed (plans first, then the stream): restored from the store, field for field;
 * live (the second plan arriving mid-stream, backfilled as the projector does), field for field;
 * and the same events in another order with every one sent twice, for the parts that commute
 * (plans, tallies, referrals, reports: ADR 0004; deadlines are deterministic in stream order).
 */

export interface CheckOptions {
  /** Distinct agency events per seed. */
  events: number;
  /** Also the replay and restore checks (default true). */
  replay?: boolean;
}

export interface SeedResult {
  seed: number;
  /** Events fed, re-sends included. */
  events: number;
  differences: Difference[];
}

export async function checkSeed(seed: number, options: CheckOptions = { events: DEFAULT_EVENTS }): Promise<SeedResult> {
  const stream = generateStream(seed, { events: options.events });
  const oracle = oracleFigures(stream.plans, stream.arrivals, stream.now);
  const fed = await feedBoard(stream.planEvents, stream.arrivals);
  const board = boardFigures(fed, stream.plans, stream.now);
  const differences = compareFigures(seed, board, oracle);
  if (options.replay !== false) {
    const replayed = fed.projection.snapshot();
    const compare = (figure: 'restore' | 'replay' | 'reorder', snapshot: StoredProjection, note: string, parts: readonly string[] = PARTS) => {
      const found = firstDifference(pick(snapshot, parts), pick(replayed, parts));
      if (found) differences.push({ seed, plan: '*', figure, path: found.path, board: found.a, oracle: found.b, note });
    };
    compare('restore', CoordinationProjection.restore(await fed.store.load(), fed.projection.cases).snapshot(), 'restored from the store (board) vs replayed (oracle)');
    compare('replay', feedBoardLive(stream.planEvents, stream.arrivals, fed.projection.cases).snapshot(), 'live, the second plan arriving mid-stream and backfilled (board), vs replayed, plans first (oracle)');
    // Deadlines are deterministic in stream order, which replay and live share (DeadlineBook); the rest commutes (ADR 0004).
    compare('reorder', feedBoardLive(stream.planEvents, reorderedArrivals(stream), fed.projection.cases).snapshot(), 'another order, every event twice (board), vs the stream order (oracle)', COMMUTING_PARTS);
  }
  return { seed, events: stream.arrivals.length, differences };
}

const PARTS = ['checkpoints', 'plans', 'tallies', 'histories', 'activity', 'referrals', 'reports', 'deadlines', 'alerts'] as const;
const COMMUTING_PARTS = ['plans', 'tallies', 'histories', 'activity', 'referrals', 'reports'] as const;

/** The parts of a snapshot, as JSON would carry them: no undefined fields, no class instances. */
function pick(snapshot: StoredProjection, parts: readonly string[]): unknown {
  return JSON.parse(JSON.stringify(Object.fromEntries(parts.map((part) => [part, (snapshot as unknown as Record<string, unknown>)[part]]))));
}
