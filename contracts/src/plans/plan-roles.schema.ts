import { z } from 'zod';
import { AgencyCode } from '../common.js';

/**
 * Who does what for a jurisdiction under its plan, as data: the standing body (cơ quan thường
 * trực) that runs the programme for the issuing body, the body periodic reports go to, and the
 * bodies that receive people referred for support. Before the 2025 reform these were labour
 * everywhere; since, state management of prostitution prevention has moved to the health sector
 * in many provinces, so a 2026 plan names health (or any registered body) here.
 */
export const PlanRoles = z.strictObject({
  standingBody: AgencyCode.describe('Cơ quan thường trực'),
  /** Where periodic reports go; the standing body when omitted. `reporting.to` must name the same body. */
  reportReceiver: AgencyCode.optional(),
  /** Bodies that take in people referred for support (police → the standing body's social services, and on). */
  referralReceivers: z.array(AgencyCode).min(1).max(10).optional(),
});
export type PlanRoles = z.infer<typeof PlanRoles>;

interface RolesInPlan {
  roles?: PlanRoles;
  reporting?: { to: string };
  deadlines: { referralHandovers: readonly { to: string }[] };
}

/** The report receiver of a plan: its roles', else its reporting duty's `to`. */
export function reportReceiverOf(plan: RolesInPlan): string | undefined {
  return plan.roles ? (plan.roles.reportReceiver ?? plan.roles.standingBody) : plan.reporting?.to;
}

/** Where a plan's roles and the rest of it disagree, as [path, message] pairs. */
export function planRoleProblems(plan: RolesInPlan): [(string | number)[], string][] {
  const { roles } = plan;
  if (!roles) return [];
  const problems: [(string | number)[], string][] = [];
  const receiver = reportReceiverOf(plan)!;
  if (plan.reporting && plan.reporting.to !== receiver) {
    problems.push([['reporting', 'to'], `must be the report receiver of roles ("${receiver}")`]);
  }
  const receivers = roles.referralReceivers;
  if (receivers) {
    plan.deadlines.referralHandovers.forEach((handover, index) => {
      if (!receivers.includes(handover.to)) {
        problems.push([
          ['deadlines', 'referralHandovers', index, 'to'],
          `hands over to "${handover.to}", which is not one of roles.referralReceivers (${receivers.join(', ')}); list this plan's hand-overs under deadlines.referralHandovers`,
        ]);
      }
    });
  }
  return problems;
}
