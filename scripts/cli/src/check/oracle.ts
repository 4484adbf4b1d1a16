import type { BusEvent, Plan, PlanTarget } from '@lienganh/contracts';
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

type Selection = { kind: string; eventType: string; where?: Record<string, unknown> | undefined; area?: string | undefined; field?: string };

export function oracleFigures(plans: Plan[], arrivals: BusEvent[]): Figures {
  const world = new OracleWorld(plans, arrivals);
  return { plans: plans.map((plan) => world.planFigures(plan)) };
}

class OracleWorld {
  private readonly parent = new Map<string, string | undefined>();
  private readonly level = new Map<string, string>();
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

  planFigures(plan: Plan): PlanFigures {
    const children = this.areaCodes.filter((code) => this.parent.get(code) === plan.area);
    const targets: Record<string, number> = {};
    const areas: Record<string, Record<string, number>> = Object.fromEntries(children.map((code) => [code, {}]));
    const planLevel: Record<string, number> = {};
    for (const target of plan.targets) {
      const { value, contributing } = this.evaluate(plan, target, this.facts);
      targets[target.id] = value;
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
      const upTo = this.facts.filter((fact) => fact.at <= quarter.end);
      quarters[quarter.key] = Object.fromEntries(plan.targets.map((target) => [target.id, this.evaluate(plan, target, upTo).value]));
    }
    const { funnel, flows } = this.funnel(plan, children);
    return {
      planId: plan.id,
      targets,
      kinds: Object.fromEntries(plan.targets.map((target) => [target.id, target.measure.kind])),
      areas,
      planLevel,
      funnel,
      flows,
      quarters,
      bodies: Object.fromEntries(plan.bodies.map((body) => [body.code, body.name])),
    };
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

  /** A target's value over `facts`, and the facts that contribute to it. */
  private evaluate(plan: Plan, target: PlanTarget, facts: Fact[]): { value: number; contributing: Fact[] } {
    const { measure } = target;
    if (measure.kind === 'count') {
      const selected = facts.filter((fact) => this.selects(plan, measure, fact));
      return { value: selected.length, contributing: selected };
    }
    if (measure.kind === 'distinct') {
      const selected = facts.filter((fact) => this.selects(plan, measure, fact));
      return { value: new Set(selected.map((fact) => valueOf(fact, measure.field))).size, contributing: selected };
    }
    if (measure.kind === 'cadence') {
      const selected = facts.filter((fact) => this.selects(plan, measure, fact));
      return { value: new Set(selected.map((fact) => periodOf(fact.day, measure.every))).size, contributing: selected };
    }
    const { numerator, denominator } = measure;
    const inNumerator = facts.filter((fact) => this.selects(plan, numerator, fact));
    if (denominator.kind === 'areas') {
      const levelAreas = this.areaCodes.filter((code) => this.level.get(code) === denominator.level && code !== plan.area && this.within(code, plan.area));
      const members = inNumerator.filter((fact) => levelAreas.some((code) => this.within(fact.area!, code)));
      const covered = levelAreas.filter((code) => members.some((fact) => this.within(fact.area!, code)));
      return { value: levelAreas.length ? round2((covered.length / levelAreas.length) * 100) : 0, contributing: members };
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

  /** Rule 2 (and 3 for answers): the type, every `where`, the area within the selection's (the plan's when none), the day within the period. */
  private selects(plan: Plan, selection: Selection, fact: Fact): boolean {
    if (fact.event.type !== selection.eventType) return false;
    if (fact.area === undefined || !this.within(fact.area, selection.area ?? plan.area)) return false;
    if (!inPeriod(plan, fact.day)) return false;
    for (const [path, expected] of Object.entries(selection.where ?? {})) {
      const actual = valueAt(fact.event.data, path);
      if (Array.isArray(expected) ? !expected.includes(actual) : actual !== expected) return false;
    }
    return selection.kind !== 'distinct' || valueAt(fact.event.data, selection.field!) !== undefined;
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
