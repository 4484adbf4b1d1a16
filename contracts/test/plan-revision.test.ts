import { revisionEffectiveFrom, revisionNumberOf, validatePlan } from '@lienganh/contracts';
import { planIssuesOf as issuesOf } from './plan-issues.js';

// Plan revisions (issue 18): an amended plan (kế hoạch sửa đổi, bổ sung) carries its revision
// number and the day it governs from; every refusal names the field.

const plan = {
  id: 'kh-thu-2021',
  number: '59/KH-UBND',
  issuedOn: '2021-01-15',
  issuingBody: 'ubnd-thu',
  level: 'district',
  area: 'thu',
  period: { start: '2021-01-01', end: '2021-12-31' },
  title: { vi: 'Kế hoạch thử', en: 'Test plan' },
  targets: [],
  tasks: [],
};


describe('plan revisions in the plan format', () => {
  it('reads a plan without a revision as version 1, in force from its period', () => {
    const original = validatePlan(plan);
    expect(original.revision).toBeUndefined();
    expect([revisionNumberOf(original), revisionEffectiveFrom(original)]).toEqual([1, '2021-01-01']);
  });

  it('takes an amendment: number 2 and up, from a day within the period', () => {
    const amended = validatePlan({ ...plan, number: '120/KH-UBND', revision: { number: 2, effectiveFrom: '2021-07-01' } });
    expect([revisionNumberOf(amended), revisionEffectiveFrom(amended)]).toEqual([2, '2021-07-01']);
  });

  it.each([
    [{ number: 1, effectiveFrom: '2021-07-01' }, 'revision.number'],
    [{ number: 2.5, effectiveFrom: '2021-07-01' }, 'revision.number'],
    [{ effectiveFrom: '2021-07-01' }, 'revision.number'],
    [{ number: 2 }, 'revision.effectiveFrom'],
    [{ number: 2, effectiveFrom: '01/07/2021' }, 'revision.effectiveFrom'],
    [{ number: 2, effectiveFrom: '2022-01-01' }, 'revision.effectiveFrom'],
    [{ number: 2, effectiveFrom: '2020-12-31' }, 'revision.effectiveFrom'],
    [{ number: 2, effectiveFrom: '2021-07-01', reason: 'sửa đổi' }, 'revision.reason'],
  ])('refuses revision %j, naming %s', (revision, path) => {
    expect(issuesOf({ ...plan, revision }).map((issue) => issue.path)).toEqual([path]);
  });
});
