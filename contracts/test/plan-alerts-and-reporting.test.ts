import { validatePlan } from '@lienganh/contracts';
import { planIssuesOf as issuesOf } from './plan-issues.js';

// The plan fields of issue #17, defects 8 and 10: `alertsFrom` (alerts start on that day; what
// was due before is a backlog) and `reporting.eachArea` (a body reports once per area of a level
// below the plan's, e.g. each ward's People's Committee for its ward).

const district = {
  id: 'kh-thu-2021',
  number: '1/KH-THU',
  issuedOn: '2021-01-05',
  issuingBody: 'ubnd-thu',
  level: 'district',
  area: 'hn-thu',
  period: { start: '2021-01-01', end: '2021-12-31' },
  title: { vi: 'Kế hoạch thử', en: 'Test plan' },
  targets: [],
  tasks: [{ id: 'nv-1', title: { vi: 'Nhiệm vụ', en: 'Task' }, lead: 'police', supporting: ['ubnd-phuong'], due: '2021-06-30' }],
};


describe('alertsFrom', () => {
  it('is optional, and a date within the plan period', () => {
    expect(validatePlan(district).alertsFrom).toBeUndefined();
    expect(validatePlan({ ...district, alertsFrom: '2021-06-01' }).alertsFrom).toBe('2021-06-01');
    expect(validatePlan({ ...district, alertsFrom: '2021-01-01' }).alertsFrom).toBe('2021-01-01');
    expect(validatePlan({ ...district, alertsFrom: '2021-12-31' }).alertsFrom).toBe('2021-12-31');
  });

  it('is refused outside the period, or when it is not a date', () => {
    expect(issuesOf({ ...district, alertsFrom: '2022-01-01' })).toEqual([{ path: 'alertsFrom', message: 'must be within the plan period' }]);
    expect(issuesOf({ ...district, alertsFrom: '2020-12-31' })).toEqual([{ path: 'alertsFrom', message: 'must be within the plan period' }]);
    expect(issuesOf({ ...district, alertsFrom: '1/6/2021' }).map((issue) => issue.path)).toEqual(['alertsFrom']);
  });
});

describe('reporting.eachArea', () => {
  const reporting = { to: 'labour', from: ['police', 'ubnd-phuong'], cadences: ['monthly'] };

  it('says which bodies report once per area of a level below the plan’s', () => {
    expect(validatePlan({ ...district, reporting: { ...reporting, eachArea: { 'ubnd-phuong': 'ward' } } }).reporting!.eachArea).toEqual({ 'ubnd-phuong': 'ward' });
    expect(validatePlan({ ...district, reporting: { ...reporting, eachArea: { 'ubnd-phuong': 'commune' } } }).reporting!.eachArea).toEqual({ 'ubnd-phuong': 'commune' });
    // A province plan may ask per district, per commune or per ward.
    expect(validatePlan({ ...district, level: 'province', reporting: { ...reporting, eachArea: { police: 'district' } } }).reporting!.eachArea).toEqual({ police: 'district' });
  });

  it('with no `from`, names a body with a task', () => {
    const { from: _from, ...withoutFrom } = reporting;
    expect(issuesOf({ ...district, reporting: { ...withoutFrom, eachArea: { 'ubnd-phuong': 'ward' } } })).toEqual([]);
  });

  it('refuses a body that does not report, a level not below the plan’s, and a level that is none', () => {
    expect(issuesOf({ ...district, reporting: { ...reporting, eachArea: { culture: 'ward' } } })).toEqual([
      { path: 'reporting.eachArea.culture', message: 'names a body that does not report under this plan ("culture")' },
    ]);
    expect(issuesOf({ ...district, reporting: { ...reporting, eachArea: { 'ubnd-phuong': 'district' } } })).toEqual([
      { path: 'reporting.eachArea.ubnd-phuong', message: "must be a level below the plan's (district): commune, ward" },
    ]);
    expect(issuesOf({ ...district, level: 'commune', reporting: { ...reporting, eachArea: { 'ubnd-phuong': 'ward' } } })).toEqual([
      { path: 'reporting.eachArea.ubnd-phuong', message: 'a commune plan has no level below its own' },
    ]);
    expect(issuesOf({ ...district, reporting: { ...reporting, eachArea: { 'ubnd-phuong': 'hamlet' } } }).map((issue) => issue.path)).toEqual(['reporting.eachArea.ubnd-phuong']);
  });
});
