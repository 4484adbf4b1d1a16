import { ContractError, parsePlanDocument } from '@lienganh/contracts';

const BA_DINH_EXCERPT = `
id: kh-ba-dinh-2021
number: KH-UBND quận Ba Đình 2021
issuedOn: 2021-02-01
issuingBody: ubnd-ba-dinh
level: district
area: hn-ba-dinh
implements: 26/KH-UBND
period: { start: 2021-01-01, end: 2021-12-31 }
title:
  vi: Kế hoạch phòng, chống tệ nạn mại dâm trên địa bàn quận Ba Đình năm 2021
  en: Ba Đình district prostitution prevention plan 2021
areas:
  - { code: hn-ba-dinh-lieu-giai, level: ward, parent: hn-ba-dinh, name: { vi: Phường Liễu Giai, en: Lieu Giai ward } }
targets:
  - id: ct-kiem-tra-hanh-chinh
    title: { vi: Công an kiểm tra hành chính 400 lượt, en: 400 police administrative inspections }
    agency: police
    measure: { kind: count, eventType: vn.pcmd.police.inspection.completed.v1 }
    goal: { min: 400 }
  - id: ct-doi-178
    title: { vi: Đội 178 kiểm tra 30 - 50 cơ sở, en: Team 178 inspects 30-50 businesses }
    agency: labour
    measure: { kind: distinct, eventType: vn.pcmd.labour.joint-inspection.completed.v1, field: business.businessId }
    goal: { min: 30, max: 50 }
  - id: ct-phuong-lanh-manh
    title: { vi: 100% phường không có tệ nạn mại dâm, en: Every ward free of prostitution }
    agency: culture
    measure:
      kind: percentage
      numerator: { kind: distinct, eventType: vn.pcmd.culture.ward-assessment.completed.v1, field: areaCode, where: { result: healthy } }
      denominator: { kind: areas, level: ward }
    goal: { min: 100 }
tasks:
  - id: nv-ca-kiem-tra
    title: { vi: Kiểm tra hành chính cơ sở kinh doanh có điều kiện, en: Administrative inspections of conditional businesses }
    lead: police
    supporting: [culture, labour]
    targets: [ct-kiem-tra-hanh-chinh]
    due: 2021-12-15
reporting: { to: labour, cadences: [monthly, quarterly, annual] }
`;

describe('plan documents', () => {
  it('reads a plan in YAML, and the same plan in JSON', () => {
    const plan = parsePlanDocument(BA_DINH_EXCERPT, 'yaml');
    expect(plan.targets.map((target) => target.id)).toEqual(['ct-kiem-tra-hanh-chinh', 'ct-doi-178', 'ct-phuong-lanh-manh']);
    expect(plan.tasks[0]).toMatchObject({ lead: 'police', supporting: ['culture', 'labour'], targets: ['ct-kiem-tra-hanh-chinh'] });
    expect(plan.reporting).toEqual({ to: 'labour', cadences: ['monthly', 'quarterly', 'annual'], dueDays: 5 });
    expect(parsePlanDocument(JSON.stringify(plan), 'json')).toEqual(plan);
  });

  it('lists every problem of an invalid plan at once', () => {
    const broken = BA_DINH_EXCERPT.replace('eventType: vn.pcmd.police.inspection.completed.v1', 'eventType: vn.pcmd.police.raid.done.v1')
      .replace('goal: { min: 30, max: 50 }', 'goal: { min: 50, max: 30 }')
      .replace('targets: [ct-kiem-tra-hanh-chinh]', 'targets: [ct-khong-co]')
      .replace('due: 2021-12-15', 'due: 2022-03-01\n    owner: Nguyễn Văn A');
    let error: ContractError | undefined;
    try {
      parsePlanDocument(broken, 'yaml');
    } catch (caught) {
      error = caught as ContractError;
    }
    expect(error).toBeInstanceOf(ContractError);
    expect(error!.issues.map((issue) => issue.path).sort()).toEqual([
      'targets.0.measure.eventType',
      'targets.1.goal',
      'tasks.0.due',
      'tasks.0.owner',
      'tasks.0.targets.0',
    ]);
    expect(error!.issues).toContainEqual({ path: 'tasks.0.targets.0', message: 'names no target of this plan ("ct-khong-co")' });
    expect(error!.issues).toContainEqual({ path: 'tasks.0.due', message: 'is outside the plan period' });
    expect(error!.issues).toContainEqual({ path: 'tasks.0.owner', message: 'unknown field (not in the schema)' });
    expect(error!.message).not.toContain('Nguyễn');
  });

  it('checks what a plan asks of the plans below it, and what it carries up to the plan above', () => {
    const issues = (yaml: string) => {
      try {
        parsePlanDocument(yaml, 'yaml');
        return [];
      } catch (error) {
        return (error as ContractError).issues;
      }
    };
    const asking = BA_DINH_EXCERPT.replace('implements: 26/KH-UBND', 'implementedBy: { level: commune, due: 2021-03-31 }');
    expect(issues(asking)).toEqual([]);
    expect(issues(asking.replace('level: commune, due: 2021-03-31', 'level: district, due: 2022-03-31'))).toEqual([
      { path: 'implementedBy.level', message: "must be a level below the plan's (district): commune" },
      { path: 'implementedBy.due', message: 'must be within the plan period' },
    ]);
    const carrying = (kind: string) => BA_DINH_EXCERPT.replace(`    goal: { min: ${kind === 'count' ? '400' : '100'} }`, `    goal: { min: ${kind === 'count' ? '400' : '100'} }\n    carriesUp: ct-thanh-pho`);
    expect(issues(carrying('count'))).toEqual([]);
    expect(issues(carrying('percentage'))).toEqual([{ path: 'targets.2.carriesUp', message: 'a percentage does not add up across plans: only count, sum and distinct targets carry up' }]);
    expect(issues(carrying('count').replace('implements: 26/KH-UBND\n', ''))).toEqual([{ path: 'targets.0.carriesUp', message: 'needs implements: the number of the plan whose target this one carries up' }]);
  });

  it('says where a document is not YAML', () => {
    expect(() => parsePlanDocument('id: [unclosed', 'yaml')).toThrow(/^the plan is not valid YAML at line 1$/);
    expect(() => parsePlanDocument('{', 'json')).toThrow(/^the plan is not valid JSON$/);
  });
});
