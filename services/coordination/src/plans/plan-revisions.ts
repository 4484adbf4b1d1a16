import { coordinationPlanPublished, provenanceProblem, revisionEffectiveFrom, revisionNumberOf, STREAMS, type Plan } from '@lienganh/contracts';
import { replayEvents } from '@lienganh/platform';
import type { NatsConnection } from '@nats-io/transport-node';

/** One version of a plan as it was imported. */
export interface PlanRevisionEntry {
  /** `revision.number`: 1 for the plan as first issued. */
  number: number;
  /** The first day it governs: its `revision.effectiveFrom`, the period's start for the first version. */
  effectiveFrom: string;
  /** The document's own number and date ("Số 120/KH-UBND, 15/06/2021"). */
  documentNumber: string;
  issuedOn: string;
  /** When it was imported: the `time` of its `plan.published` event. */
  importedAt: string;
  /** Whether it is the version the board shows. */
  current: boolean;
}

/**
 * A plan's versions, read from coordination's stream, where every `plan.published` event is kept:
 * no store of its own, and the same list on every instance. Only the versions the board took are
 * listed (stream order, each with a higher revision than the one before), as the projection takes
 * them: a re-sent or lower revision changed nothing, so it is not history.
 */
export class PlanRevisionHistory {
  constructor(private readonly nc: NatsConnection) {}

  /** Oldest first; empty when no plan has that id. */
  async revisions(planId: string): Promise<PlanRevisionEntry[]> {
    const taken: PlanRevisionEntry[] = [];
    await replayEvents(this.nc, STREAMS.coordinationEvents.name, coordinationPlanPublished.subject, (event, _seq, subject) => {
      if (event.type !== coordinationPlanPublished.type || provenanceProblem(event, subject)) return;
      const plan = event.data as Plan;
      if (plan.id !== planId || (taken.length > 0 && revisionNumberOf(plan) <= taken.at(-1)!.number)) return;
      taken.push({ number: revisionNumberOf(plan), effectiveFrom: revisionEffectiveFrom(plan), documentNumber: plan.number, issuedOn: plan.issuedOn, importedAt: event.time, current: false });
    });
    if (taken.length > 0) taken.at(-1)!.current = true;
    return taken;
  }
}
