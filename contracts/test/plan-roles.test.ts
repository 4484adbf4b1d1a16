import { reportReceiverOf, validatePlan } from '@lienganh/contracts';
import { planIssuesOf as issuesOf } from './plan-issues.js';

// Roles per jurisdiction as data (issue 18): since the 2025 reform the standing body, the report
// receiver and the referral receivers may be health, or any body, instead of labour.

const province = {
  id: 'kh-thu-2026',
  number: '1/KH-UBND',
  issuedOn: '2026-01-20',
  issuingBody: 'ubnd-thu',
  level: 'province',
  area: 'thu',
  period: { start: '2026-01-01', end: '2026-12-31' },
  title: { vi: 'Kế hoạch thử', en: 'Test plan' },
  targets: [],
  tasks: [{ id: 'nv-1', title: { vi: 'Nhiệm vụ', en: 'Task' }, lead: 'police', due: '2026-06-30' }],
};
const healthRoles = { standingBody: 'health', referralReceivers: ['health'] };
const toHealth = { referralHandovers: [{ from: 'police', to: 'health', days: 7 }] };


describe('roles', () => {
  it('are optional: a plan without them reports to its reporting duty’s body, as before the reform', () => {
    const plan = validatePlan({ ...province, reporting: { to: 'labour', cadences: ['quarterly'] } });
    expect(plan.roles).toBeUndefined();
    expect(reportReceiverOf(plan)).toBe('labour');
  });

  it('name health as standing body, report receiver and referral receiver', () => {
    const plan = validatePlan({ ...province, roles: healthRoles, deadlines: toHealth, reporting: { to: 'health', cadences: ['half-yearly'] } });
    expect(plan.roles).toEqual(healthRoles);
    expect(reportReceiverOf(plan)).toBe('health'); // the standing body, when no other receiver is named
    expect(reportReceiverOf(validatePlan({ ...province, roles: { ...healthRoles, reportReceiver: 'coordination' }, deadlines: toHealth }))).toBe('coordination');
  });

  it('refuse reports sent to another body than the receiver, and hand-overs to a body that receives no referrals', () => {
    expect(issuesOf({ ...province, roles: healthRoles, deadlines: toHealth, reporting: { to: 'labour', cadences: ['annual'] } })).toEqual([
      { path: 'reporting.to', message: 'must be the report receiver of roles ("health")' },
    ]);
    // The default hand-overs (police → labour, labour → health) do not fit a jurisdiction where health receives: the plan must list its own.
    expect(issuesOf({ ...province, roles: healthRoles })).toEqual([
      {
        path: 'deadlines.referralHandovers.0.to',
        message: 'hands over to "labour", which is not one of roles.referralReceivers (health); list this plan\'s hand-overs under deadlines.referralHandovers',
      },
    ]);
  });

  it('are strict: an unknown role or a bad body code is refused with its path', () => {
    const paths = issuesOf({ ...province, roles: { standingBody: 'Y Tế', chair: 'health' } }).map((issue) => issue.path);
    expect(paths).toEqual(['roles.standingBody', 'roles.chair']);
  });
});
