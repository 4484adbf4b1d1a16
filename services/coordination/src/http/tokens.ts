/** Nest injection tokens of the coordination service. */
export const PROJECTOR = Symbol('PROJECTOR');
export const CLOCK = Symbol('CLOCK');
export const PLAN_IMPORT = Symbol('PLAN_IMPORT');

/** The time the views are computed at; tests inject a fixed one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
