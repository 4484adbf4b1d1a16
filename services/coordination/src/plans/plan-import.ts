import { ContractError, coordinationPlanPublished, revisionNumberOf, validatePlan, type Plan } from '@lienganh/contracts';
import { systemClock, type Clock } from '../http/tokens.js';
import type { CoordinationProjector } from '../projection/coordination-projector.js';
import type { AreaRegistry } from '../registry/area-registry.js';
import type { NationalUnits } from '../registry/national-units.js';
import { checkPlanReferences } from '../registry/plan-registration.js';
import { withOfficialAreas } from './official-areas.js';
import { carriedTargetProblems, upperPlanOf, type AreaHierarchy } from './plan-hierarchy.js';
import type { CoordinationPublisher } from '../publishing/coordination-publisher.js';

export interface PlanImported {
  planId: string;
  /** Bodies and areas the registries learnt from this plan. */
  registered: { bodies: string[]; areas: string[] };
  /** The version imported: its `revision.number`, 1 for a plan without one. */
  revision: number;
  /** The revision it superseded, when the plan was known. */
  supersedes?: number;
}

/** The plan is known at this revision or a later one: amending it needs a higher `revision.number`. */
export class PlanExistsError extends Error {
  override readonly name = 'PlanExistsError';
  constructor(
    readonly planId: string,
    readonly currentRevision: number,
  ) {
    super(`plan "${planId}" is at revision ${currentRevision}; to amend it, import revision.number ${currentRevision + 1} (revision: { number: ${currentRevision + 1}, effectiveFrom: … })`);
  }
}

/** The plan was stored on the stream, but the board did not show it in time. */
export class PlanNotVisibleError extends Error {
  override readonly name = 'PlanNotVisibleError';
}

/**
 * Imports a plan: schema, catalog and registry problems are listed together (a
 * `ContractError`, nothing stored); a valid plan is published on coordination's stream and
 * the call returns once the board shows it. The event's `time`, from the service's clock, is
 * when the plan was imported: deadlines that had passed by then raise no alert (ADR 0010, 8).
 */
export class PlanImport {
  constructor(
    private readonly projector: CoordinationProjector,
    private readonly publisher: CoordinationPublisher,
    private readonly visibleWithinMs = 30_000,
    private readonly clock: Clock = systemClock,
    /** The country's units: a plan may name its areas by official code without declaring them. */
    private readonly units?: NationalUnits,
  ) {}

  async import(document: unknown): Promise<PlanImported> {
    const plan = this.validate(document);
    const { agencies, areas, state } = this.projector.projection;
    const current = state.plans.get(plan.id);
    const revision = revisionNumberOf(plan);
    if (current && revision <= revisionNumberOf(current)) throw new PlanExistsError(plan.id, revisionNumberOf(current));
    const registered = {
      bodies: plan.bodies.filter((entry) => !agencies.has(entry.code)).map((entry) => entry.code),
      areas: plan.areas.filter((entry) => !areas.has(entry.code)).map((entry) => entry.code),
    };
    const visible = this.projector.whenPlanCommitted(plan.id);
    // One message id per version: JetStream drops a retried import of it, never a new revision.
    const id = revision === 1 ? `plan-published-${plan.id}` : `plan-published-${plan.id}-r${revision}`;
    await this.publisher.publish(coordinationPlanPublished, plan, { id, time: this.clock.now() });
    await withTimeout(visible, this.visibleWithinMs);
    return { planId: plan.id, registered, revision, ...(current ? { supersedes: revisionNumberOf(current) } : {}) };
  }

  private validate(document: unknown): Plan {
    const { agencies, areas, state } = this.projector.projection;
    let plan = validatePlan(document);
    if (this.units) {
      // Checked again whole: the units added count against the plan's limits too.
      const completed = withOfficialAreas(plan, this.units, areas);
      if (completed.plan !== plan) plan = validatePlan(completed.plan);
    }
    const issues = checkPlanReferences(plan, agencies, areas);
    const upper = upperPlanOf(plan, state.plans.values(), withPlanAreas(plan, areas));
    if (upper) for (const [path, message] of carriedTargetProblems(plan, upper)) issues.push({ path, message });
    if (issues.length > 0) throw new ContractError(issues);
    return plan;
  }
}

/** The registry's hierarchy with a plan's own areas over it: where a plan being imported lies, before the registry learns its areas. */
function withPlanAreas(plan: Plan, areas: AreaRegistry): AreaHierarchy {
  const declared = new Map(plan.areas.map((area) => [area.code, area]));
  return {
    isWithin(code, ancestor) {
      const seen = new Set<string>();
      for (let current: string | undefined = code; current && !seen.has(current); current = declared.get(current)?.parent) {
        if (current === ancestor) return true;
        if (!declared.has(current)) return areas.isWithin(current, ancestor);
        seen.add(current);
      }
      return false;
    },
  };
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new PlanNotVisibleError(`the plan is stored but not on the board after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
