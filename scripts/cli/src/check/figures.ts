/**
 * The figures the oracle check compares, in one plain shape that both sides fill: the board
 * (read through coordination's own functions, `board.ts`) and the oracle (recomputed from the
 * list of events, `oracle.ts`). Percentages are rounded to two decimals, as the board shows them.
 */

export interface Funnel {
  made: number;
  accepted: number;
  declined: number;
  serviceDelivered: number;
  closed: number;
}

/** The funnel of one agency pair in one area right below the plan's (or the plan's own area). */
export interface Flow extends Funnel {
  from: string;
  to: string;
  area: string;
}

export interface PlanFigures {
  planId: string;
  /** Target id → achieved (events, distinct values, percent, periods covered). */
  targets: Record<string, number>;
  /** Target id → part (a level, a year, `term`) → its value, for targets with goals per level or per year (ADR 0012). */
  parts?: Record<string, Record<string, number>>;
  /** Oracle: target id → its measure's kind. */
  kinds?: Record<string, string>;
  /** Area right below the plan's → target id → contributing events placed there. */
  areas: Record<string, Record<string, number>>;
  /** Target id → contributing events at the plan's own level; undefined when the board has no such row. */
  planLevel: Record<string, number> | undefined;
  funnel: Funnel;
  /** Undefined when the board has no per-pair funnel. */
  flows: Flow[] | undefined;
  /** Quarter key (`2025-Q1`) → target id → cumulative value as of the quarter's end. */
  quarters: Record<string, Record<string, number>>;
  /** Oracle: body code → the name the plan gives it (the bodies it declares). */
  bodies: Record<string, { vi: string; en: string }>;
  /** Board: every name it shows for a body in this plan's views, and where. */
  bodyNames?: { where: string; code: string; name: { vi: string; en: string } }[];
}

export interface Figures {
  plans: PlanFigures[];
}

export type FigureKind = 'achieved' | 'part' | 'area' | 'plan-level' | 'rows-sum' | 'funnel' | 'funnel-order' | 'flow' | 'cumulative' | 'body' | 'restore' | 'replay' | 'reorder';

/** One figure on which the board and the oracle disagree. */
export interface Difference {
  seed: number;
  plan: string;
  figure: FigureKind;
  target?: string;
  area?: string;
  period?: string;
  stage?: string;
  /** In a read-model snapshot (restore, replay, reorder): where the two differ. */
  path?: string;
  board: unknown;
  oracle: unknown;
  note?: string;
}

export const FUNNEL_STAGES = ['made', 'accepted', 'declined', 'serviceDelivered', 'closed'] as const;

export const emptyFunnel = (): Funnel => ({ made: 0, accepted: 0, declined: 0, serviceDelivered: 0, closed: 0 });

/** The board rounds figures to two decimals. */
export const round2 = (value: number) => Math.round(value * 100) / 100;

export function describeDifference(difference: Difference): string {
  const where = [
    difference.plan === '*' ? 'read model' : `plan ${difference.plan}`,
    difference.target ? `target ${difference.target}` : '',
    difference.area ? `area ${difference.area}` : '',
    difference.period ? `period ${difference.period}` : '',
    difference.stage ? `stage ${difference.stage}` : '',
    difference.path ? `at ${difference.path}` : '',
  ].filter(Boolean);
  return (
    `seed ${difference.seed}: ${difference.figure} differs (${where.join(', ')}): ` +
    `board ${shown(difference.board)}, oracle ${shown(difference.oracle)}${difference.note ? ` — ${difference.note}` : ''}`
  );
}

/** A value as JSON, cut short: a snapshot difference can be a whole record. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
