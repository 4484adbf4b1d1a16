import { isDeepStrictEqual } from 'node:util';
import { FUNNEL_STAGES, type Difference, type Figures, type Flow, type Funnel } from './figures.js';

/**
 * Every figure of the board against the oracle's, in the order a reader meets them: targets,
 * per-area rows, the plan-level row, the funnel and its flows, each quarter's cumulative values,
 * body names. Two board invariants of ADR 0010 are checked on the board's own figures as well
 * (a count target's rows add up to its total; the funnel's stages never grow down the funnel).
 */
export function compareFigures(seed: number, board: Figures, oracle: Figures): Difference[] {
  const differences: Difference[] = [];
  for (const expected of oracle.plans) {
    const actual = board.plans.find((plan) => plan.planId === expected.planId);
    const plan = expected.planId;
    const differ = (difference: Omit<Difference, 'seed' | 'plan'>) => differences.push({ seed, plan, ...difference });
    if (!actual) {
      differ({ figure: 'achieved', board: 'no such plan', oracle: 'a plan' });
      continue;
    }
    const targetIds = Object.keys(expected.targets);

    for (const target of targetIds) {
      if (!same(actual.targets[target], expected.targets[target])) differ({ figure: 'achieved', target, board: actual.targets[target], oracle: expected.targets[target] });
    }

    for (const [target, parts] of Object.entries(expected.parts ?? {})) {
      for (const part of union(Object.keys(parts), Object.keys(actual.parts?.[target] ?? {}))) {
        const shown = actual.parts?.[target]?.[part];
        if (!same(shown, parts[part])) differ({ figure: 'part', target, stage: part, board: shown ?? 'no such part', oracle: parts[part] ?? 'no such part' });
      }
    }

    for (const area of union(Object.keys(expected.areas), Object.keys(actual.areas))) {
      for (const target of targetIds) {
        const shown = actual.areas[area]?.[target] ?? 0;
        const counted = expected.areas[area]?.[target] ?? 0;
        if (!same(shown, counted)) differ({ figure: 'area', target, area, board: shown, oracle: counted, ...(expected.areas[area] ? {} : { note: 'not an area right below the plan' }) });
      }
    }

    for (const target of targetIds) {
      const counted = expected.planLevel?.[target] ?? 0;
      if (actual.planLevel === undefined) {
        if (counted !== 0) differ({ figure: 'plan-level', target, board: 'no plan-level row', oracle: counted, note: 'events at the plan’s own level are in no row' });
      } else if (!same(actual.planLevel[target] ?? 0, counted)) {
        differ({ figure: 'plan-level', target, board: actual.planLevel[target] ?? 0, oracle: counted });
      }
    }

    for (const target of targetIds.filter((id) => expected.kinds?.[id] === 'count')) {
      const rows = Object.values(actual.areas).reduce((sum, row) => sum + (row[target] ?? 0), 0) + (actual.planLevel?.[target] ?? 0);
      if (actual.targets[target] !== undefined && rows !== actual.targets[target]) {
        differ({ figure: 'rows-sum', target, board: rows, oracle: actual.targets[target], note: 'the board’s per-area rows (and plan-level row) do not add up to its own total' });
      }
    }

    compareFunnel(actual.funnel, expected.funnel, (stage, shown, counted) => differ({ figure: 'funnel', stage, board: shown, oracle: counted }));
    const order = ['made', 'accepted', 'serviceDelivered', 'closed'] as const;
    for (let index = 1; index < order.length; index++) {
      const [upper, lower] = [order[index - 1]!, order[index]!];
      if (actual.funnel[lower] > actual.funnel[upper]) {
        differ({ figure: 'funnel-order', stage: lower, board: actual.funnel[lower], oracle: `at most ${upper} (${actual.funnel[upper]})`, note: 'stages are cumulative' });
      }
    }

    if (actual.flows !== undefined) {
      const flowKey = (flow: Flow) => `${flow.from} → ${flow.to} in ${flow.area}`;
      const shown = new Map(actual.flows.map((flow) => [flowKey(flow), flow]));
      const counted = new Map((expected.flows ?? []).map((flow) => [flowKey(flow), flow]));
      for (const key of union([...counted.keys()], [...shown.keys()])) {
        const flow = counted.get(key) ?? shown.get(key)!;
        compareFunnel(shown.get(key) ?? zeroFunnel, counted.get(key) ?? zeroFunnel, (stage, board, oracle) =>
          differ({ figure: 'flow', area: flow.area, stage: `${flow.from} → ${flow.to} ${stage}`, board, oracle }),
        );
      }
    }

    for (const period of Object.keys(expected.quarters)) {
      for (const target of targetIds) {
        const shown = actual.quarters[period]?.[target];
        const counted = expected.quarters[period]![target];
        if (!same(shown, counted)) differ({ figure: 'cumulative', target, period, board: shown ?? 'no report row', oracle: counted });
      }
    }

    for (const { where, code, name } of actual.bodyNames ?? []) {
      const declared = expected.bodies[code];
      if (declared && (declared.vi !== name.vi || declared.en !== name.en)) differ({ figure: 'body', area: code, stage: where, board: name.vi, oracle: declared.vi });
    }
  }
  return differences;
}

/** Where two snapshots first differ, as a path and the two values there. */
export function firstDifference(a: unknown, b: unknown, path = ''): { path: string; a: unknown; b: unknown } | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return { path: path || '(root)', a, b };
  const keys = union(Object.keys(a), Object.keys(b));
  for (const key of keys) {
    const [left, right] = [(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]];
    // A record in a list is named by its id where it has one: deadlines[patrol:td-1:1001], not deadlines.145.
    const name = Array.isArray(a) && recordName(left) === recordName(right) ? recordName(left) : undefined;
    const found = firstDifference(left, right, name ? `${path}[${name}]` : path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return { path: path || '(root)', a, b };
}

function recordName(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { id, key, referralId } = record as { id?: unknown; key?: unknown; referralId?: unknown };
  const name = id ?? key ?? referralId;
  return typeof name === 'string' ? name : undefined;
}

const zeroFunnel: Funnel = { made: 0, accepted: 0, declined: 0, serviceDelivered: 0, closed: 0 };

function compareFunnel(shown: Funnel, counted: Funnel, differ: (stage: string, shown: number, counted: number) => void): void {
  for (const stage of FUNNEL_STAGES) if (shown[stage] !== counted[stage]) differ(stage, shown[stage], counted[stage]);
}

/** Equal figures: integers exactly; a percentage within the board's rounding to two decimals. */
function same(shown: unknown, counted: unknown): boolean {
  if (typeof shown !== 'number' || typeof counted !== 'number') return shown === counted;
  if (shown === counted) return true;
  return (!Number.isInteger(shown) || !Number.isInteger(counted)) && Math.abs(shown - counted) <= 0.0100001;
}

function union(first: string[], second: string[]): string[] {
  return [...new Set([...first, ...second])];
}

