import { CoordinationProjection } from '@lienganh/coordination';
import { boardFigures, feedBoard, feedBoardLive } from './board.js';
import { compareFigures, firstDifference } from './compare.js';
import type { Difference } from './figures.js';
import { DEFAULT_EVENTS, generateStream, reorderedArrivals } from './generator.js';
import { oracleFigures } from './oracle.js';

/**
 * One seed of the figures oracle (ADR 0010): generate the stream, recompute every figure from
 * the events, feed the board and read it, compare; then check that the store restores the same
 * read model, and that the same events in another order (every one sent twice, a plan arriving
 * mid-stream) give an equal snapshot: replay equals live.
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
  const oracle = oracleFigures(stream.plans, stream.arrivals);
  const fed = await feedBoard(stream.planEvents, stream.arrivals);
  const board = await boardFigures(fed, stream.plans, stream.now);
  const differences = compareFigures(seed, board, oracle);
  if (options.replay !== false) {
    const live = fed.projection.snapshot();
    const restored = CoordinationProjection.restore(await fed.store.load()).snapshot();
    const afterRestore = firstDifference(plain(restored), plain(live));
    if (afterRestore) differences.push({ seed, plan: '*', figure: 'restore', area: afterRestore.path, board: afterRestore.a, oracle: afterRestore.b, note: 'restored from the store (board) vs live (oracle)' });
    const replayed = feedBoardLive(stream.planEvents, reorderedArrivals(stream)).snapshot();
    const afterReplay = firstDifference(plain(replayed), plain(live));
    if (afterReplay) differences.push({ seed, plan: '*', figure: 'replay', area: afterReplay.path, board: afterReplay.a, oracle: afterReplay.b, note: 'another order with every event twice and a plan mid-stream (board) vs live (oracle)' });
  }
  return { seed, events: stream.arrivals.length, differences };
}

/** As JSON would carry it: no undefined fields, no class instances. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
