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
 * Targets cover every measure kind: count (with `where`, with a sub-area), distinct, percentage
 * (distinct over distinct, count over `areas` of a level, distinct `areaCode` over `areas`, count
 * over count, and referral answers over referrals made), cadence (month, quarter).
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
  const wards = CT.wards.map((code) => ({ code, level: 'ward' as const, parent: CT.province, name: text(`Phường ${code.slice(3)}`) }));
  const communes = CT.communes.map((code) => ({ code, level: 'commune' as const, parent: CT.province, name: text(`Xã ${code.slice(3)}`) }));
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
    areas: [{ code: CT.province, level: 'province', name: text('Thành phố Cần Thơ', 'Cần Thơ city') }, ...wards, ...communes],
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

function target(id: string, agency: string, measure: unknown, goal: { min?: number; max?: number }) {
  return { id, title: text(`Chỉ tiêu ${id}`, `Target ${id}`), agency, measure, goal };
}

function task(id: string, lead: string, targets: string[], due: string) {
  return { id, title: text(`Nhiệm vụ ${id}`, `Task ${id}`), lead, supporting: [], due, targets };
}
