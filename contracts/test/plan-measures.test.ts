import { ContractError, validatePlan } from '@lienganh/contracts';

/**
 * The measure language of real plans (ADR 0012, docs/plan-format.md): what a plan may say, and
 * every way of saying it wrongly refused with the path and the reason.
 */

const COMMUNES = Array.from({ length: 95 }, (_, index) => `tn-xa-${String(index + 1).padStart(3, '0')}`);

const text = (vi: string) => ({ vi, en: vi });

/** A five-year province plan (Tây Ninh-like) with one target of each new kind. */
const plan = (targets: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'kh-tay-ninh-2021-2025',
  number: '905/KH-UBND',
  issuedOn: '2021-01-10',
  issuingBody: 'ubnd-tay-ninh',
  level: 'province',
  area: 'tn',
  period: { start: '2021-01-01', end: '2025-12-31' },
  title: text('Kế hoạch 2021-2025'),
  bodies: [{ code: 'ubnd-tay-ninh', name: text('UBND tỉnh Tây Ninh') }, { code: 'womens-union', name: text('Hội LHPN tỉnh') }],
  areas: [
    { code: 'tn', level: 'province', kind: 'province', name: text('Tỉnh Tây Ninh') },
    { code: 'tn-hoa-thanh', level: 'district', kind: 'district-town', parent: 'tn', name: text('Thị xã Hòa Thành') },
    ...COMMUNES.map((code) => ({ code, level: 'commune', kind: 'commune', parent: 'tn-hoa-thanh', name: text(code) })),
  ],
  figures: [
    {
      id: 'officers-on-staff',
      title: text('Số cán bộ trong biên chế'),
      values: [
        { area: 'tn', asOf: '2021-01-01', value: 1240, source: 'Báo cáo 15/BC-SNV ngày 10/01/2021' },
        { area: 'tn', asOf: '2023-01-01', value: 1302, source: 'Báo cáo 09/BC-SNV ngày 08/01/2023' },
      ],
    },
  ],
  targets,
  tasks: [],
  ...extra,
});

const target = (id: string, measure: unknown, goal: unknown, more: Record<string, unknown> = {}) => ({ id, title: text(id), agency: 'culture', measure, goal, ...more });

const ASSESSMENT = 'vn.pcmd.culture.ward-assessment.completed.v1';
const ACTIVITY = 'vn.pcmd.reporting.activity.held.v1';

const valid = [
  target('tu-74-len-80', { kind: 'distinct', eventType: ASSESSMENT, field: 'areaCode', where: { result: 'healthy' } }, { min: 80 }, {
    baseline: { value: 74, asOf: '2020-12-31', source: 'Báo cáo tổng kết năm 2020', members: COMMUNES.slice(0, 74) },
  }),
  target('nguoi-tham-gia', { kind: 'sum', eventType: ACTIVITY, field: 'counts.participants', where: { kind: ['awareness-session', 'training-course'] } }, { min: 5_000 }),
  target(
    'can-bo-tap-huan',
    { kind: 'percentage', numerator: { kind: 'sum', eventType: 'vn.pcmd.labour.activity.held.v1', field: 'counts.officers' }, denominator: { kind: 'figure', figure: 'officers-on-staff' } },
    { min: 100, byYear: { '2021': { min: 20 }, '2023': { min: 60 } } },
  ),
  target(
    'huyen-va-xa',
    { kind: 'percentage', numerator: { kind: 'count', eventType: 'vn.pcmd.culture.activity.held.v1' }, denominator: { kind: 'areas', levels: ['district', 'commune'] } },
    { byLevel: { district: { min: 100 }, commune: { min: 80 } } },
  ),
  target('xa-phuong-thi-tran', { kind: 'percentage', numerator: { kind: 'distinct', eventType: ACTIVITY, field: 'areaCode' }, denominator: { kind: 'areas', kinds: ['commune', 'ward', 'town'] } }, { min: 100 }),
  target('ket-noi-dich-vu', { kind: 'referral-stage', eventType: 'vn.pcmd.police.referral.made.v1', where: { toAgency: 'labour' }, stage: 'service-delivered' }, { min: 80 }),
  target('95-xa', { kind: 'count', eventType: ACTIVITY, where: { areaCode: COMMUNES } }, { min: 95 }),
  target('co-so-dang-ky', { kind: 'distinct', eventType: 'vn.pcmd.police.business.registered.v1', field: 'businessId', dates: 'to-date' }, { min: 1 }),
  target('an-mai-dam', { kind: 'count', eventType: 'vn.pcmd.police.case.opened.v1', where: { offences: ['brokering', 'harbouring'] } }, { min: 6 }),
];

function problems(document: unknown): { path: string; message: string }[] {
  try {
    validatePlan(document);
  } catch (error) {
    if (error instanceof ContractError) return error.issues.map(({ path, message }) => ({ path, message }));
    throw error;
  }
  return [];
}

describe('the measure language of plans', () => {
  it('takes baselines, sums, figures, area sets by level and kind, goals per level and per year, referral stages, 95 codes in a where list and registers to date', () => {
    const parsed = validatePlan(plan(valid));
    expect(parsed.targets.map((entry) => entry.measure.kind)).toEqual(['distinct', 'sum', 'percentage', 'percentage', 'percentage', 'referral-stage', 'count', 'distinct', 'count']);
    expect(parsed.targets[0]!.baseline).toMatchObject({ value: 74, source: 'Báo cáo tổng kết năm 2020' });
    expect(parsed.targets[2]!.goal.byYear).toEqual({ '2021': { min: 20 }, '2023': { min: 60 } });
    expect(parsed.areas[1]).toMatchObject({ kind: 'district-town' });
    expect(parsed.figures![0]!.values).toHaveLength(2);
  });

  it.each([
    ['a sum over anything but a figure', target('x', { kind: 'percentage', numerator: { kind: 'sum', eventType: ACTIVITY, field: 'counts.officers' }, denominator: { kind: 'count', eventType: ACTIVITY } }, { min: 1 }), 'targets.0.measure.denominator.kind', /must be figure/],
    ['a figure the plan does not give', target('x', { kind: 'percentage', numerator: { kind: 'count', eventType: ACTIVITY }, denominator: { kind: 'figure', figure: 'businesses' } }, { min: 1 }), 'targets.0.measure.denominator.figure', /names no figure/],
    ['a figure with no value for the area measured', target('x', { kind: 'percentage', numerator: { kind: 'count', eventType: ACTIVITY, area: 'tn-hoa-thanh' }, denominator: { kind: 'figure', figure: 'officers-on-staff' } }, { min: 1 }), 'targets.0.measure.denominator.figure', /no value for area "tn-hoa-thanh"/],
    ['goals per level without a percentage of areas', target('x', { kind: 'count', eventType: ACTIVITY }, { byLevel: { commune: { min: 80 } } }), 'targets.0.goal.byLevel', /percentage of areas/],
    ['a goal for a level the denominator does not have', target('x', { kind: 'percentage', numerator: { kind: 'count', eventType: ACTIVITY }, denominator: { kind: 'areas', levels: ['commune'] } }, { byLevel: { district: { min: 100 } } }), 'targets.0.goal.byLevel.district', /not one of the denominator's levels/],
    ['goals per level beside a goal of its own', target('x', { kind: 'percentage', numerator: { kind: 'count', eventType: ACTIVITY }, denominator: { kind: 'areas', levels: ['commune'] } }, { min: 50, byLevel: { commune: { min: 80 } } }), 'targets.0.goal', /byLevel goes alone/],
    ['a yearly goal outside the period', target('x', { kind: 'count', eventType: ACTIVITY }, { min: 10, byYear: { '2026': { min: 5 } } }), 'targets.0.goal.byYear.2026', /outside the plan period/],
    ['a baseline on a percentage', target('x', { kind: 'percentage', numerator: { kind: 'count', eventType: ACTIVITY }, denominator: { kind: 'areas', level: 'commune' } }, { min: 80 }, { baseline: { value: 3, asOf: '2020-12-31', source: 'x' } }), 'targets.0.baseline', /count, distinct and sum/],
    ['baseline members on a count', target('x', { kind: 'count', eventType: ACTIVITY }, { min: 80 }, { baseline: { value: 3, asOf: '2020-12-31', source: 'x', members: ['a'] } }), 'targets.0.baseline.members', /distinct measures only/],
    ['more members than the baseline value', target('x', { kind: 'distinct', eventType: ASSESSMENT, field: 'areaCode' }, { min: 80 }, { baseline: { value: 1, asOf: '2020-12-31', source: 'x', members: ['a', 'b'] } }), 'targets.0.baseline.members', /more members than/],
    ['a referral stage of an answer type', target('x', { kind: 'referral-stage', eventType: 'vn.pcmd.labour.referral.accepted.v1', stage: 'closed' }, { min: 80 }), 'targets.0.measure.eventType', /referral.made/],
    ['an area set naming neither level nor kind', target('x', { kind: 'percentage', numerator: { kind: 'count', eventType: ACTIVITY }, denominator: { kind: 'areas' } }, { min: 80 }), 'targets.0.measure.denominator', /level, levels or kinds/],
    ['a where list past 2,000 values', target('x', { kind: 'count', eventType: ACTIVITY, where: { areaCode: Array.from({ length: 2_001 }, (_, index) => `a-${index}`) } }, { min: 1 }), 'targets.0.measure.where.areaCode', /list of 1-2000/],
    ['an unknown area kind', target('x', { kind: 'percentage', numerator: { kind: 'count', eventType: ACTIVITY }, denominator: { kind: 'areas', kinds: ['hamlet'] } }, { min: 1 }), 'targets.0.measure.denominator.kinds.0', /./],
  ])('refuses %s, naming the field and why', (_, bad, path, message) => {
    const found = problems(plan([bad]));
    expect(found).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('refuses a figure value that is not positive or has no source', () => {
    const found = problems(plan(valid, { figures: [{ id: 'officers-on-staff', title: text('x'), values: [{ area: 'tn', asOf: '2021-01-01', value: 0, source: '' }] }] }));
    expect(found.map((issue) => issue.path)).toEqual(expect.arrayContaining(['figures.0.values.0.value', 'figures.0.values.0.source']));
  });
});
