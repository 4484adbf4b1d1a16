import type { BusEvent, Plan, PlanFigure, PlanTarget } from '@lienganh/contracts';
import { emptyFunnel, round2, type Figures, type Flow, type PlanFigures } from './figures.js';

/**
 * The oracle: every figure of the board recomputed from the plain list of events by the rules
 * of ADR 0010, with plain filters and nothing shared with the projection (no import from
 * services/coordination). Slow and simple on purpose: each figure is a filter over all events.
 *
 * Readings of the ADR taken here (the ones that never claim more than was done):
 * - a referral answer counts where its referral was made and, for the plan period, on the
 *   referral's date (rule 3); for "as of the end of a quarter" (rule 7) it counts once its own
 *   `time` is reached (an answer given after the quarter did not stand at its end);
 * - the contributing events of a target (rule 5) are the events its numerator or denominator
 *   selects (for a `distinct`, those that have the field); with an `areas` denominator only the
 *   numerator events in an area of that level, since an event above that level is a member of
 *   none (rule 4);
 * - count over count is the ratio, capped at 100 %.
 * Readings of ADR 0012 (the measure language):
 * - a sum adds the field's value of each selected event where it is a number ≥ 0;
 * - a baseline is added to the value; a distinct measure's baseline members add nothing again;
 *   progress is what was added of what was to be added;
 * - a registry figure is the latest value dated on or before the day the value is taken (the
 *   period's end, today, a quarter's or a year's end, whichever is first), else the earliest;
 *   a count, sum or distinct over it is capped at 100 %;
 * - areas by levels and kinds are those of the plan's areas below its own, matching each filter;
 * - a goal per level measures each level on its own; the target's value is the level furthest
 *   behind (lowest progress to its goal, the first of equals); a goal per year measures what
 *   stood at that year's end;
 * - a referral stage: referrals made (selected as any selection) that got an answer of the stage
 *   or a later one (placed where and when the referral was made), over those made.
 */

interface Fact {
  event: BusEvent;
  /** Where it counts: its own area, or for a referral answer its referral's (none when the referral is unknown). */
  area: string | undefined;
  /** The day (Vietnam time) checked against a plan period: for an answer, its referral's. */
  day: string;
  /** When it stood (ms): its own time. */
  at: number;
}

type Selection = { kind: string; eventType: string; where?: Record<string, unknown> | undefined; area?: string | undefined; field?: string; dates?: string | undefined };

/** A day up to which a value is taken, and the facts standing then. */
interface Moment {
  facts: Fact[];
  /** The Vietnam day: which registry figure is in force, and up to when a year's goal counts. */
  day: string;
}

/** `now`: the board's clock (which registry figures are in force, which events stood). */
export function oracleFigures(plans: Plan[], arrivals: BusEvent[], now: Date = new Date('2026-12-01T00:00:00.000Z')): Figures {
  const world = new OracleWorld(plans, arrivals);
  return { plans: plans.map((plan) => world.planFigures(plan, now.getTime())) };
}

class OracleWorld {
  private readonly parent = new Map<string, string | undefined>();
  private readonly level = new Map<string, string>();
  private readonly kind = new Map<string, string | undefined>();
  /** Every area any plan names, in the order the plans name them. */
  private readonly areaCodes: string[] = [];
  private readonly facts: Fact[];
  private readonly made = new Map<string, BusEvent>();
  private readonly answers = new Map<string, BusEvent[]>();

  constructor(plans: Plan[], arrivals: BusEvent[]) {
    for (const plan of plans) {
      for (const area of plan.areas) {
        if (this.level.has(area.code)) continue;
        this.parent.set(area.code, area.parent);
        this.level.set(area.code, area.level);
        this.kind.set(area.code, area.kind);
        this.areaCodes.push(area.code);
      }
    }
    // Rule 1: an event is its source and id; the first to arrive is the one kept.
    const seen = new Set<string>();
    const events: BusEvent[] = [];
    for (const event of arrivals) {
      const key = `${event.source} ${event.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      events.push(event);
    }
    for (const event of events) {
      const action = referralAction(event.type);
      const referralId = (event.data as { referralId?: string }).referralId;
      if (action === 'made' && referralId && !this.made.has(referralId)) this.made.set(referralId, event);
      if (action && action !== 'made' && referralId) this.answers.set(referralId, [...(this.answers.get(referralId) ?? []), event]);
    }
    this.facts = events.map((event) => this.factOf(event));
  }

  planFigures(plan: Plan, now: number): PlanFigures {
    const children = this.areaCodes.filter((code) => this.parent.get(code) === plan.area);
    const targets: Record<string, number> = {};
    const parts: Record<string, Record<string, number>> = {};
    const areas: Record<string, Record<string, number>> = Object.fromEntries(children.map((code) => [code, {}]));
    const planLevel: Record<string, number> = {};
    const today = vietnamDay(now);
    const upToNow: Moment = { facts: this.facts, day: today < plan.period.end ? today : plan.period.end };
    for (const target of plan.targets) {
      const { value, contributing, parts: targetParts } = this.measure(plan, target, upToNow);
      targets[target.id] = value;
      if (targetParts) parts[target.id] = targetParts;
      for (const child of children) areas[child]![target.id] = 0;
      planLevel[target.id] = 0;
      for (const fact of contributing) {
        const place = this.placeOf(plan, children, fact.area!);
        if (place === plan.area) planLevel[target.id]!++;
        else areas[place]![target.id]!++;
      }
    }
    const quarters: PlanFigures['quarters'] = {};
    for (const quarter of quartersOf(plan.period.start, plan.period.end)) {
      const day = vietnamDay(quarter.end);
      const moment: Moment = { facts: this.facts.filter((fact) => fact.at <= quarter.end), day: day < plan.period.end ? day : plan.period.end };
      quarters[quarter.key] = Object.fromEntries(plan.targets.map((target) => [target.id, this.measure(plan, target, moment).value]));
    }
    const { funnel, flows } = this.funnel(plan, children);
    const kindOf = (target: PlanTarget) => (target.baseline ? `${target.measure.kind} from a baseline` : target.measure.kind);
    return {
      planId: plan.id,
      targets,
      parts,
      kinds: Object.fromEntries(plan.targets.map((target) => [target.id, kindOf(target)])),
      areas,
      planLevel,
      funnel,
      flows,
      quarters,
      bodies: Object.fromEntries(plan.bodies.map((body) => [body.code, body.name])),
    };
  }

  /** A target's value at a moment, with its goals per level or per year (each its own value), and the facts that contribute. */
  private measure(plan: Plan, target: PlanTarget, moment: Moment): { value: number; contributing: Fact[]; parts?: Record<string, number> } {
    const { goal, measure } = target;
    if (goal.byLevel && measure.kind === 'percentage' && measure.denominator.kind === 'areas') {
      const denominator = measure.denominator;
      const levels = Object.entries(goal.byLevel).map(([level, bound]) => {
        const single = { ...target, measure: { ...measure, denominator: { kind: 'areas' as const, levels: [level as 'ward'], ...(denominator.kinds ? { kinds: denominator.kinds } : {}) } } };
        const { value } = this.evaluate(plan, single, moment);
        return { level, value, progress: progressTo(value, bound!, 0) };
      });
      const behind = levels.reduce((worst, entry) => (entry.progress < worst.progress ? entry : worst), levels[0]!);
      return { value: behind.value, contributing: this.evaluate(plan, target, moment).contributing, parts: Object.fromEntries(levels.map((entry) => [entry.level, entry.value])) };
    }
    const whole = this.evaluate(plan, target, moment);
    if (!goal.byYear) return whole;
    const parts: Record<string, number> = {};
    for (const year of Object.keys(goal.byYear).sort()) {
      const end = Date.parse(`${year}-12-31T23:59:59.999+07:00`);
      const yearEnd = `${year}-12-31` < plan.period.end ? `${year}-12-31` : plan.period.end;
      const day = moment.day < yearEnd ? moment.day : yearEnd;
      parts[year] = this.evaluate(plan, target, { facts: moment.facts.filter((fact) => fact.at <= end), day }).value;
    }
    parts['term'] = whole.value;
    return { ...whole, parts };
  }

  /** Rule 6: cumulative stages, per plan and per (from, to, area); only referrals whose `made` is known, made in the plan's area and period. */
  private funnel(plan: Plan, children: string[]): { funnel: PlanFigures['funnel']; flows: Flow[] } {
    const funnel = emptyFunnel();
    const flows = new Map<string, Flow>();
    for (const [referralId, made] of this.made) {
      const fact = this.factOf(made);
      if (!fact.area || !this.within(fact.area, plan.area) || !inPeriod(plan, fact.day)) continue;
      const actions = new Set((this.answers.get(referralId) ?? []).map((answer) => referralAction(answer.type)));
      const stages = {
        made: 1,
        accepted: actions.has('accepted') || actions.has('service-delivered') || actions.has('closed') ? 1 : 0,
        declined: actions.has('declined') ? 1 : 0,
        serviceDelivered: actions.has('service-delivered') || actions.has('closed') ? 1 : 0,
        closed: actions.has('closed') ? 1 : 0,
      };
      const from = made.type.split('.')[2]!;
      const to = (made.data as { toAgency: string }).toAgency;
      const area = this.placeOf(plan, children, fact.area);
      const key = `${from}|${to}|${area}`;
      const flow = flows.get(key) ?? { from, to, area, ...emptyFunnel() };
      flows.set(key, flow);
      for (const stage of Object.keys(stages) as (keyof typeof stages)[]) {
        funnel[stage] += stages[stage];
        flow[stage] += stages[stage];
      }
    }
    return { funnel, flows: [...flows.values()] };
  }

  /** A target's value over the facts of a moment, and the facts that contribute to it. */
  private evaluate(plan: Plan, target: PlanTarget, moment: Moment): { value: number; contributing: Fact[] } {
    const { measure, baseline } = target;
    const { facts } = moment;
    const base = baseline?.value ?? 0;
    if (measure.kind === 'count') {
      const selected = facts.filter((fact) => this.selects(plan, measure, fact));
      return { value: base + selected.length, contributing: selected };
    }
    if (measure.kind === 'sum') {
      const selected = facts.filter((fact) => this.selects(plan, measure, fact) && amountAt(fact, measure.field) !== undefined);
      return { value: round2(base + selected.reduce((total, fact) => total + amountAt(fact, measure.field)!, 0)), contributing: selected };
    }
    if (measure.kind === 'distinct') {
      const selected = facts.filter((fact) => this.selects(plan, measure, fact));
      const members = new Set(baseline?.members ?? []);
      const added = new Set(selected.map((fact) => valueOf(fact, measure.field)).filter((value) => !members.has(value)));
      return { value: base + added.size, contributing: selected };
    }
    if (measure.kind === 'cadence') {
      const selected = facts.filter((fact) => this.selects(plan, measure, fact));
      return { value: new Set(selected.map((fact) => periodOf(fact.day, measure.every))).size, contributing: selected };
    }
    if (measure.kind === 'referral-stage') {
      const made = facts.filter((fact) => this.selects(plan, measure, fact));
      const reached = STAGES_REACHING[measure.stage] ?? [];
      const answers = facts.filter((fact) => {
        const action = referralAction(fact.event.type);
        return action !== undefined && reached.includes(action) && this.inScope(plan, measure, fact);
      });
      const madeIds = new Set(made.map((fact) => (fact.event.data as { referralId: string }).referralId));
      const reachedIds = new Set(answers.map((fact) => (fact.event.data as { referralId: string }).referralId).filter((id) => madeIds.has(id)));
      return { value: madeIds.size ? round2((reachedIds.size / madeIds.size) * 100) : 0, contributing: [...made, ...answers] };
    }
    const { numerator, denominator } = measure;
    const inNumerator = facts.filter((fact) => this.selects(plan, numerator, fact) && (numerator.kind !== 'sum' || amountAt(fact, numerator.field) !== undefined));
    if (denominator.kind === 'areas') {
      const levels = denominator.levels ?? (denominator.level ? [denominator.level] : undefined);
      const kinds = denominator.kinds;
      const setAreas = this.areaCodes.filter(
        (code) => code !== plan.area && this.within(code, plan.area) && (!levels || levels.includes(this.level.get(code) as never)) && (!kinds || kinds.includes(this.kind.get(code) as never)),
      );
      const members = inNumerator.filter((fact) => setAreas.some((code) => this.within(fact.area!, code)));
      const covered = setAreas.filter((code) => members.some((fact) => this.within(fact.area!, code)));
      return { value: setAreas.length ? round2((covered.length / setAreas.length) * 100) : 0, contributing: members };
    }
    if (denominator.kind === 'figure') {
      const figure = inForce(plan.figures ?? [], denominator.figure, denominator.area ?? numerator.area ?? plan.area, moment.day);
      const counted =
        numerator.kind === 'sum'
          ? inNumerator.reduce((total, fact) => total + amountAt(fact, numerator.field)!, 0)
          : numerator.kind === 'count'
            ? inNumerator.length
            : new Set(inNumerator.map((fact) => valueOf(fact, numerator.field))).size;
      return { value: figure ? round2((Math.min(figure, counted) / figure) * 100) : 0, contributing: inNumerator };
    }
    const inDenominator = facts.filter((fact) => this.selects(plan, denominator, fact));
    const contributing = [...new Set([...inNumerator, ...inDenominator])];
    if (numerator.kind === 'distinct' && denominator.kind === 'distinct') {
      const set = new Set(inDenominator.map((fact) => valueOf(fact, denominator.field)));
      const members = new Set(inNumerator.map((fact) => valueOf(fact, numerator.field)).filter((value) => set.has(value)));
      return { value: set.size ? round2((members.size / set.size) * 100) : 0, contributing };
    }
    if (numerator.kind === 'count' && denominator.kind === 'count') {
      const ratio = inDenominator.length ? (inNumerator.length / inDenominator.length) * 100 : 0;
      return { value: round2(Math.min(100, ratio)), contributing };
    }
    throw new Error(`the oracle has no rule for a ${numerator.kind} over a ${denominator.kind} (target ${target.id})`);
  }

  /** Rule 2 (and 3 for answers): the type, every `where`, the area within the selection's (the plan's when none), the day within the period (or up to its end, `to-date`). */
  private selects(plan: Plan, selection: Selection, fact: Fact): boolean {
    if (fact.event.type !== selection.eventType || !this.inScope(plan, selection, fact)) return false;
    for (const [path, expected] of Object.entries(selection.where ?? {})) {
      const actual = valueAt(fact.event.data, path);
      const wanted = Array.isArray(expected) ? expected : [expected];
      // A list field (a case's offences) matches when any of its values is wanted.
      if (!(Array.isArray(actual) ? actual : [actual]).some((value) => wanted.includes(value))) return false;
    }
    return selection.kind !== 'distinct' || valueAt(fact.event.data, selection.field!) !== undefined;
  }

  private inScope(plan: Plan, selection: Selection, fact: Fact): boolean {
    if (fact.area === undefined || !this.within(fact.area, selection.area ?? plan.area)) return false;
    return fact.day <= plan.period.end && (selection.dates === 'to-date' || fact.day >= plan.period.start);
  }

  /** Rule 5: the area right below the plan's that holds `area`, or the plan's own area. */
  private placeOf(plan: Plan, children: string[], area: string): string {
    return children.find((child) => this.within(area, child)) ?? plan.area;
  }

  private within(area: string, ancestor: string): boolean {
    for (let current: string | undefined = area; current !== undefined; current = this.parent.get(current)) {
      if (current === ancestor) return true;
    }
    return false;
  }

  private factOf(event: BusEvent): Fact {
    const at = Date.parse(event.time);
    const action = referralAction(event.type);
    if (action && action !== 'made') {
      const made = this.made.get((event.data as { referralId: string }).referralId);
      if (!made) return { event, area: undefined, day: vietnamDay(at), at };
      return { event, area: (made.data as { areaCode: string }).areaCode, day: vietnamDay(Date.parse(made.time)), at };
    }
    const area = (event.data as { areaCode?: unknown }).areaCode;
    return { event, area: typeof area === 'string' ? area : undefined, day: vietnamDay(at), at };
  }
}

function referralAction(type: string): string | undefined {
  const match = /^vn\.pcmd\.[a-z]+\.referral\.([a-z-]+)\.v\d+$/.exec(type);
  return match && ['made', 'accepted', 'declined', 'service-delivered', 'closed'].includes(match[1]!) ? match[1] : undefined;
}

function valueAt(data: unknown, path: string): unknown {
  let value = data;
  for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

const valueOf = (fact: Fact, field: string) => String(valueAt(fact.event.data, field));

/** A sum's addend: a number ≥ 0, else none. */
function amountAt(fact: Fact, field: string): number | undefined {
  const value = valueAt(fact.event.data, field);
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Answers that show a referral reached a stage (the funnel's cumulative stages). */
const STAGES_REACHING: Record<string, string[]> = {
  accepted: ['accepted', 'service-delivered', 'closed'],
  'service-delivered': ['service-delivered', 'closed'],
  closed: ['closed'],
  declined: ['declined'],
};

/** The figure's value for an area on a day: the latest dated on or before it, else the earliest. */
function inForce(figures: readonly PlanFigure[], id: string, area: string, day: string): number | undefined {
  const values = (figures.find((figure) => figure.id === id)?.values ?? []).filter((value) => value.area === area);
  const before = values.filter((value) => value.asOf <= day);
  const pick = (list: typeof values, later: boolean) => list.reduce<(typeof values)[number] | undefined>((best, value) => (!best || (later ? value.asOf > best.asOf : value.asOf < best.asOf) ? value : best), undefined);
  return (pick(before, true) ?? pick(values, false))?.value;
}

/** Progress to a goal, 0-100, as the board shows it (for choosing the level furthest behind). */
function progressTo(value: number, goal: { min?: number | undefined; max?: number | undefined }, from: number): number {
  if (goal.min === undefined) return value <= goal.max! ? 100 : 0;
  if (goal.min === 0) return 100;
  return Math.max(0, Math.min(100, round2(((value - from) / (goal.min - from)) * 100)));
}

const inPeriod = (plan: Plan, day: string) => day >= plan.period.start && day <= plan.period.end;

const vietnamDay = (instant: number) => new Date(instant + 7 * 3_600_000).toISOString().slice(0, 10);

function periodOf(day: string, every: 'month' | 'quarter' | 'half-year' | 'year'): string {
  const month = Number(day.slice(5, 7));
  if (every === 'month') return day.slice(0, 7);
  if (every === 'quarter') return `${day.slice(0, 4)}-Q${Math.ceil(month / 3)}`;
  if (every === 'half-year') return `${day.slice(0, 4)}-H${month <= 6 ? 1 : 2}`;
  return day.slice(0, 4);
}

/** The quarters a period touches, each with the last instant of its last day (Vietnam time). */
export function quartersOf(start: string, end: string): { key: string; end: number }[] {
  const quarters: { key: string; end: number }[] = [];
  let year = Number(start.slice(0, 4));
  let quarter = Math.ceil(Number(start.slice(5, 7)) / 3);
  for (;;) {
    const firstDay = `${year}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
    if (firstDay > end) break;
    const lastDay = new Date(Date.UTC(year, quarter * 3, 0)).toISOString().slice(0, 10);
    quarters.push({ key: `${year}-Q${quarter}`, end: Date.parse(`${lastDay}T23:59:59.999+07:00`) });
    if (quarter === 4) {
      year++;
      quarter = 1;
    } else quarter++;
  }
  return quarters;
}
