import { validatePlan, type Plan } from '@lienganh/contracts';

/**
 * The two plans of the figures oracle, in two jurisdictions:
 * - a three-tier one (a made-up Hà Nội province → district hn-ba-dinh → its wards, the plan at
 *   district level, like services/coordination/demo/ba-dinh-2021.plan.yaml), whose period
 *   crosses a year (2024-07-01 – 2025-06-30);
 * - a two-tier one (Cần Thơ province → its wards and communes directly, the plan at province
 *   level, like can-tho-2026.plan.yaml), 2025-01-01 – 2025-12-31.
 * The periods overlap in 2025-H1, so that an event (or a referral answer) of one jurisdiction
 * could leak into the other's figures. Both declare a body `finance` under their own name.
 * Targets cover every measure kind: count (with `where`, with a sub-area, with a `where` list of
 * 60 values, with a list field), distinct (also of a register `to-date`), sum, percentage
 * (distinct over distinct, count over `areas` of a level, distinct `areaCode` over `areas`, count
 * over count, referral answers over referrals made, a sum and a distinct over a registry figure
 * that changes mid-period, areas by kind, areas of two levels with a goal per level), cadence
 * (month, quarter), referral-stage; baselines (with and without members) and goals per year
 * (ADR 0012).
 */

export const HN = {
  province: 'hn',
  district: 'hn-ba-dinh',
  wards: ['hn-ba-dinh-kim-ma', 'hn-ba-dinh-lieu-giai', 'hn-ba-dinh-ngoc-ha', 'hn-ba-dinh-doi-can', 'hn-ba-dinh-giang-vo', 'hn-ba-dinh-truc-bach'],
  /** A sibling district of the same province: registered, never in the plan's figures. */
  sibling: 'hn-tay-ho',
  siblingWards: ['hn-tay-ho-quang-an', 'hn-tay-ho-nhat-tan'],
} as const;

export const CT = {
  province: 'ct',
  wards: ['ct-ninh-kieu', 'ct-cai-khe', 'ct-cai-rang', 'ct-binh-thuy', 'ct-o-mon'],
  communes: ['ct-phong-dien', 'ct-tran-de', 'ct-cu-lao-dung'],
} as const;

/** Areas no plan names (another province): events there count nowhere. */
export const OUTSIDE = ['dn', 'dn-hai-chau', 'dn-son-tra'] as const;

export const PLAN_A_ID = 'kh-oracle-ba-dinh';
export const PLAN_B_ID = 'kh-oracle-can-tho';

const text = (vi: string, en = vi) => ({ vi, en });

const POLICE_INSPECTION = 'vn.pcmd.police.inspection.completed.v1';
const POLICE_REGISTERED = 'vn.pcmd.police.business.registered.v1';
const JOINT_INSPECTION = 'vn.pcmd.labour.joint-inspection.completed.v1';
const AWARENESS = 'vn.pcmd.culture.awareness-activity.held.v1';
const ASSESSMENT = 'vn.pcmd.culture.ward-assessment.completed.v1';
const PUBLICATION = 'vn.pcmd.culture.publication.published.v1';
const TRAINING = 'vn.pcmd.labour.training.held.v1';
const BODY_ACTIVITY = 'vn.pcmd.reporting.activity.held.v1';
const LABOUR_ACTIVITY = 'vn.pcmd.labour.activity.held.v1';
const CULTURE_ACTIVITY = 'vn.pcmd.culture.activity.held.v1';

/** Sixty of Hà Nội's businesses by code: a `where` list past the old cap of 50. */
export const LISTED_BUSINESSES = Array.from({ length: 60 }, (_, index) => `0101${String(100_000 + index)}`);

export function planA(): Plan {
  const wards = HN.wards.map((code) => ({ code, level: 'ward' as const, parent: HN.district, name: text(`Phường ${code.slice(11)}`) }));
  const siblingWards = HN.siblingWards.map((code) => ({ code, level: 'ward' as const, parent: HN.sibling, name: text(`Phường ${code.slice(9)}`) }));
  return validatePlan({
    id: PLAN_A_ID,
    number: '01/KH-UBND-ORACLE',
    issuedOn: '2024-06-20',
    issuingBody: 'ubnd-ba-dinh',
    level: 'district',
    area: HN.district,
    period: { start: '2024-07-01', end: '2025-06-30' },
    title: text('Kế hoạch kiểm thử quận Ba Đình 2024-2025', 'Oracle plan, Ba Đình district 2024-2025'),
    bodies: [
      { code: 'ubnd-ba-dinh', name: text('Ủy ban nhân dân quận Ba Đình', "Ba Đình District People's Committee") },
      { code: 'womens-union', name: text('Hội Liên hiệp Phụ nữ quận Ba Đình', "Ba Đình District Women's Union") },
      { code: 'ubnd-phuong', name: text('Ủy ban nhân dân các phường', "Ward People's Committees") },
      { code: 'finance', name: text('Phòng Tài chính - Kế hoạch quận Ba Đình', 'Ba Đình District Finance and Planning Office') },
    ],
    areas: [
      { code: HN.province, level: 'province', name: text('Thành phố Hà Nội', 'Hanoi') },
      { code: HN.district, level: 'district', parent: HN.province, name: text('Quận Ba Đình', 'Ba Đình district') },
      ...wards,
      { code: HN.sibling, level: 'district', parent: HN.province, name: text('Quận Tây Hồ', 'Tây Hồ district') },
      ...siblingWards,
    ],
    figures: [
      {
        id: 'can-bo-bien-che',
        title: text('Số cán bộ trong biên chế', 'Officers on staff'),
        values: [
          { area: HN.district, asOf: '2024-07-01', value: 120, source: 'Báo cáo 01/BC-NV ngày 01/07/2024' },
          { area: HN.district, asOf: '2025-01-01', value: 150, source: 'Báo cáo 02/BC-NV ngày 01/01/2025' },
        ],
      },
    ],
    targets: [
      target('a-kiem-tra', 'police', { kind: 'count', eventType: POLICE_INSPECTION }, { min: 300 }),
      target(
        'a-kiem-tra-vi-pham',
        'police',
        { kind: 'count', eventType: POLICE_INSPECTION, where: { outcome: 'violations-found', 'business.kind': ['karaoke', 'massage', 'bar'] } },
        { min: 40 },
      ),
      target('a-an-kim-ma', 'police', { kind: 'count', eventType: 'vn.pcmd.police.case.opened.v1', area: 'hn-ba-dinh-kim-ma' }, { min: 3 }),
      target('a-doi-178', 'labour', { kind: 'distinct', eventType: JOINT_INSPECTION, field: 'business.businessId' }, { min: 30, max: 50 }),
      target(
        'a-kiem-tra-80',
        'ubnd-phuong',
        {
          kind: 'percentage',
          numerator: { kind: 'distinct', eventType: POLICE_INSPECTION, field: 'business.businessId' },
          denominator: { kind: 'distinct', eventType: POLICE_REGISTERED, field: 'businessId', where: { atRisk: true } },
        },
        { min: 80 },
      ),
      target(
        'a-mo-hinh',
        'labour',
        { kind: 'percentage', numerator: { kind: 'distinct', eventType: AWARENESS, field: 'areaCode' }, denominator: { kind: 'areas', level: 'ward' } },
        { min: 100 },
      ),
      target(
        'a-lanh-manh',
        'culture',
        { kind: 'percentage', numerator: { kind: 'count', eventType: ASSESSMENT, where: { result: 'healthy' } }, denominator: { kind: 'areas', level: 'ward' } },
        { min: 100 },
      ),
      target(
        'a-chuyen-gui',
        'labour',
        {
          kind: 'percentage',
          numerator: { kind: 'count', eventType: 'vn.pcmd.labour.referral.service-delivered.v1' },
          denominator: { kind: 'count', eventType: 'vn.pcmd.police.referral.made.v1' },
        },
        { min: 80 },
      ),
      target('a-tiep-nhan', 'labour', { kind: 'count', eventType: 'vn.pcmd.labour.referral.accepted.v1' }, { min: 20 }),
      target(
        'a-y-te',
        'health',
        {
          kind: 'percentage',
          numerator: { kind: 'distinct', eventType: 'vn.pcmd.health.referral.service-delivered.v1', field: 'referralId' },
          denominator: { kind: 'distinct', eventType: 'vn.pcmd.labour.referral.made.v1', field: 'referralId' },
        },
        { min: 80 },
      ),
      target('a-tin-bai', 'culture', { kind: 'cadence', eventType: PUBLICATION, every: 'month' }, { min: 12 }),
      target('a-tap-huan', 'labour', { kind: 'cadence', eventType: TRAINING, where: { audience: ['staff', 'ward-officials'] }, every: 'quarter' }, { min: 4 }),
      // ADR 0012: the measure language of real plans.
      target('a-kiem-tra-danh-sach', 'police', { kind: 'count', eventType: POLICE_INSPECTION, where: { 'business.businessId': LISTED_BUSINESSES } }, { min: 50 }),
      target('a-an-mai-dam', 'police', { kind: 'count', eventType: 'vn.pcmd.police.case.opened.v1', where: { offences: ['brokering', 'organising'] } }, { min: 6 }),
      target('a-dang-ky', 'police', { kind: 'distinct', eventType: POLICE_REGISTERED, field: 'businessId', where: { atRisk: true }, dates: 'to-date' }, { min: 40 }),
      target(
        'a-nguoi-tham-gia',
        'womens-union',
        { kind: 'sum', eventType: BODY_ACTIVITY, field: 'counts.participants', where: { kind: ['awareness-session', 'training-course'] } },
        { min: 3_000, byYear: { '2024': { min: 1_000 }, '2025': { min: 3_000 } } },
      ),
      target(
        'a-can-bo-tap-huan',
        'labour',
        { kind: 'percentage', numerator: { kind: 'sum', eventType: LABOUR_ACTIVITY, field: 'counts.officers', where: { kind: 'training-course' } }, denominator: { kind: 'figure', figure: 'can-bo-bien-che' } },
        { min: 100, byYear: { '2024': { min: 50 } } },
      ),
      target(
        'a-phuong-lanh-manh-nen',
        'culture',
        { kind: 'distinct', eventType: ASSESSMENT, field: 'areaCode', where: { result: 'healthy' } },
        { min: 6 },
        { value: 3, asOf: '2024-06-30', source: 'Báo cáo 03/BC-VH năm 2024', members: [HN.wards[0], HN.wards[1]] },
      ),
      target('a-xu-ly-nen', 'culture', { kind: 'count', eventType: 'vn.pcmd.culture.business.sanctioned.v1' }, { min: 30 }, { value: 12, asOf: '2024-06-30', source: 'Báo cáo 04/BC-VH năm 2024' }),
      target('a-ket-noi-dich-vu', 'labour', { kind: 'referral-stage', eventType: 'vn.pcmd.police.referral.made.v1', where: { toAgency: 'labour' }, stage: 'service-delivered' }, { min: 80 }),
    ],
    tasks: [
      task('nv-a-kiem-tra', 'police', ['a-kiem-tra', 'a-kiem-tra-vi-pham', 'a-kiem-tra-80'], '2025-06-30'),
      task('nv-a-ho-tro', 'labour', ['a-chuyen-gui', 'a-tiep-nhan', 'a-y-te'], '2025-06-30'),
      task('nv-a-tai-chinh', 'finance', [], '2024-12-31'),
      task('nv-a-phuong', 'ubnd-phuong', ['a-mo-hinh', 'a-lanh-manh'], '2025-06-15'),
    ],
  });
}

export function planB(): Plan {
  const wards = CT.wards.map((code) => ({ code, level: 'ward' as const, kind: 'ward' as const, parent: CT.province, name: text(`Phường ${code.slice(3)}`) }));
  // The last commune is a special zone (đặc khu): of the commune tier, not of the kind `commune`.
  const communes = CT.communes.map((code, index) => ({ code, level: 'commune' as const, kind: index === CT.communes.length - 1 ? ('special-zone' as const) : ('commune' as const), parent: CT.province, name: text(`Xã ${code.slice(3)}`) }));
  return validatePlan({
    id: PLAN_B_ID,
    number: '02/KH-UBND-ORACLE',
    issuedOn: '2025-01-10',
    issuingBody: 'ubnd-can-tho',
    level: 'province',
    area: CT.province,
    period: { start: '2025-01-01', end: '2025-12-31' },
    title: text('Kế hoạch kiểm thử thành phố Cần Thơ 2025', 'Oracle plan, Cần Thơ city 2025'),
    bodies: [
      { code: 'ubnd-can-tho', name: text('Ủy ban nhân dân thành phố Cần Thơ', "Cần Thơ City People's Committee") },
      { code: 'ubnd-xa-phuong', name: text('Ủy ban nhân dân các xã, phường', "Commune and Ward People's Committees") },
      { code: 'finance', name: text('Sở Tài chính thành phố Cần Thơ', 'Cần Thơ Department of Finance') },
    ],
    areas: [{ code: CT.province, level: 'province', kind: 'municipality', name: text('Thành phố Cần Thơ', 'Cần Thơ city') }, ...wards, ...communes],
    figures: [
      {
        id: 'co-so-dang-ky',
        title: text('Số cơ sở kinh doanh dịch vụ nhạy cảm đã đăng ký', 'Sensitive businesses registered'),
        values: [
          { area: CT.province, asOf: '2025-01-01', value: 40, source: 'Báo cáo 10/BC-CA ngày 01/01/2025' },
          { area: CT.province, asOf: '2025-07-01', value: 45, source: 'Báo cáo 11/BC-CA ngày 01/07/2025' },
          { area: CT.wards[0], asOf: '2025-01-01', value: 12, source: 'Báo cáo 10/BC-CA ngày 01/01/2025' },
        ],
      },
    ],
    targets: [
      target('b-kiem-tra', 'police', { kind: 'count', eventType: POLICE_INSPECTION }, { min: 400 }),
      target(
        'b-van-hoa-ninh-kieu',
        'culture',
        { kind: 'count', eventType: 'vn.pcmd.culture.inspection.completed.v1', area: 'ct-ninh-kieu', where: { outcome: ['violations-found', 'closed-down'] } },
        { min: 10 },
      ),
      target('b-doi-178', 'labour', { kind: 'distinct', eventType: JOINT_INSPECTION, field: 'business.businessId', where: { 'business.kind': ['karaoke', 'massage', 'sauna'] } }, { min: 20 }),
      target(
        'b-cam-ket',
        'culture',
        {
          kind: 'percentage',
          numerator: { kind: 'distinct', eventType: 'vn.pcmd.culture.business-commitment.signed.v1', field: 'businessId' },
          denominator: { kind: 'distinct', eventType: POLICE_REGISTERED, field: 'businessId', where: { atRisk: true } },
        },
        { min: 100 },
      ),
      target(
        'b-danh-gia-phuong',
        'culture',
        { kind: 'percentage', numerator: { kind: 'distinct', eventType: ASSESSMENT, field: 'areaCode', where: { year: 2025 } }, denominator: { kind: 'areas', level: 'ward' } },
        { min: 100 },
      ),
      target(
        'b-tuyen-truyen-xa',
        'ubnd-xa-phuong',
        { kind: 'percentage', numerator: { kind: 'count', eventType: AWARENESS }, denominator: { kind: 'areas', level: 'commune' } },
        { min: 100 },
      ),
      target(
        'b-ho-tro',
        'labour',
        {
          kind: 'percentage',
          numerator: { kind: 'distinct', eventType: 'vn.pcmd.labour.referral.service-delivered.v1', field: 'referralId' },
          denominator: { kind: 'distinct', eventType: 'vn.pcmd.police.referral.made.v1', field: 'referralId' },
        },
        { min: 80 },
      ),
      target('b-tu-choi', 'health', { kind: 'count', eventType: 'vn.pcmd.health.referral.declined.v1' }, { max: 5 }),
      target(
        'b-xet-xu',
        'justice',
        {
          kind: 'percentage',
          numerator: { kind: 'count', eventType: 'vn.pcmd.justice.case.tried.v1' },
          denominator: { kind: 'count', eventType: 'vn.pcmd.police.case.opened.v1' },
        },
        { min: 60 },
      ),
      target('b-dong-ho-so', 'labour', { kind: 'count', eventType: 'vn.pcmd.labour.referral.closed.v1', where: { outcome: ['reintegrated', 'services-completed'] } }, { min: 10 }),
      target('b-tin-bai', 'culture', { kind: 'cadence', eventType: PUBLICATION, every: 'month' }, { min: 12 }),
      target('b-tap-huan', 'labour', { kind: 'cadence', eventType: TRAINING, every: 'quarter' }, { min: 4 }),
      // ADR 0012: the measure language of real plans.
      target(
        'b-tuyen-truyen-cap',
        'ubnd-xa-phuong',
        { kind: 'percentage', numerator: { kind: 'count', eventType: BODY_ACTIVITY, where: { kind: 'awareness-session' } }, denominator: { kind: 'areas', levels: ['ward', 'commune'] } },
        { byLevel: { ward: { min: 100 }, commune: { min: 80 } } },
      ),
      target(
        'b-xa-van-hoa',
        'culture',
        { kind: 'percentage', numerator: { kind: 'distinct', eventType: CULTURE_ACTIVITY, field: 'areaCode' }, denominator: { kind: 'areas', kinds: ['commune', 'ward'] } },
        { min: 100 },
      ),
      target(
        'b-cam-ket-so-lieu',
        'culture',
        { kind: 'percentage', numerator: { kind: 'distinct', eventType: 'vn.pcmd.culture.business-commitment.signed.v1', field: 'businessId' }, denominator: { kind: 'figure', figure: 'co-so-dang-ky' } },
        { min: 100 },
      ),
      target(
        'b-cam-ket-ninh-kieu',
        'culture',
        { kind: 'percentage', numerator: { kind: 'count', eventType: 'vn.pcmd.culture.business-commitment.signed.v1', area: CT.wards[0] }, denominator: { kind: 'figure', figure: 'co-so-dang-ky' } },
        { min: 100 },
      ),
      target('b-y-te-tiep-nhan', 'health', { kind: 'referral-stage', eventType: 'vn.pcmd.labour.referral.made.v1', stage: 'accepted' }, { min: 90 }),
      target('b-tu-choi-ty-le', 'health', { kind: 'referral-stage', eventType: 'vn.pcmd.labour.referral.made.v1', stage: 'declined' }, { max: 10 }),
    ],
    tasks: [
      task('nv-b-kiem-tra', 'police', ['b-kiem-tra'], '2025-12-31'),
      task('nv-b-ho-tro', 'labour', ['b-ho-tro', 'b-dong-ho-so'], '2025-12-31'),
      task('nv-b-tai-chinh', 'finance', [], '2025-03-31'),
      task('nv-b-xa-phuong', 'ubnd-xa-phuong', ['b-tuyen-truyen-xa'], '2025-11-30'),
    ],
  });
}

export function oraclePlans(): Plan[] {
  return [planA(), planB()];
}

function target(id: string, agency: string, measure: unknown, goal: Record<string, unknown>, baseline?: Record<string, unknown>) {
  return { id, title: text(`Chỉ tiêu ${id}`, `Target ${id}`), agency, measure, goal, ...(baseline ? { baseline } : {}) };
}

function task(id: string, lead: string, targets: string[], due: string) {
  return { id, title: text(`Nhiệm vụ ${id}`, `Task ${id}`), lead, supporting: [], due, targets };
}
