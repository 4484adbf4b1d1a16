import { readFileSync } from 'node:fs';
import { parsePlanDocument } from '@lienganh/contracts';

/**
 * The demo plan (Ba Đình district, 2021, transcribed from the signed text) is a valid plan
 * document, and its transcription keeps what the text says: the targets of section II, the
 * district's 14 wards, and a lead task for every body section V assigns duties to.
 */

const text = readFileSync(new URL('../../services/coordination/demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8');
const plan = parsePlanDocument(text, 'yaml');

const SERVICES = ['labour', 'police', 'health', 'culture', 'justice', 'coordination'];

const WARDS = [
  'phuc-xa',
  'truc-bach',
  'vinh-phuc',
  'cong-vi',
  'lieu-giai',
  'nguyen-trung-truc',
  'quan-thanh',
  'ngoc-ha',
  'dien-bien',
  'doi-can',
  'ngoc-khanh',
  'kim-ma',
  'giang-vo',
  'thanh-cong',
].map((slug) => `hn-ba-dinh-${slug}`);

/** The bodies heading the 14 subsections of section V (PHÂN CÔNG TRÁCH NHIỆM). */
const SECTION_V_BODIES = [
  'labour', // 1. Phòng Lao động - Thương binh và Xã hội quận
  'police', // 2. Công an quận
  'culture', // 3. Phòng Văn hoá và Thông tin quận
  'education', // 4. Phòng Giáo dục - Đào tạo quận
  'health', // 5. Phòng Y tế, Trung tâm Y tế quận
  'finance', // 6. Phòng Tài chính - Kế hoạch quận
  'justice', // 7. Phòng Tư pháp quận; 9. Viện kiểm sát, Tòa án nhân dân quận
  'economy', // 8. Phòng Kinh tế
  'market-management-3', // 8. Đội quản lý thị trường số 3
  'fatherland-front', // 10. Ủy ban Mặt trận Tổ quốc quận
  'womens-union', // 11. Hội Liên hiệp Phụ nữ quận
  'youth-union', // 12. Đoàn Thanh niên Cộng sản Hồ Chí Minh quận
  'labour-federation', // 13. Liên đoàn Lao động quận
  'ubnd-phuong', // 14. UBND các phường
];

describe('the Ba Đình 2021 demo plan', () => {
  it('parses as a district plan implementing Hanoi plan 26/KH-UBND', () => {
    expect(plan).toMatchObject({
      id: 'kh-ba-dinh-2021',
      level: 'district',
      area: 'hn-ba-dinh',
      issuingBody: 'ubnd-ba-dinh',
      implements: '26/KH-UBND',
      period: { start: '2021-01-01', end: '2021-12-31' },
    });
    expect(plan.reporting).toMatchObject({ to: 'labour', cadences: ['monthly', 'quarterly', 'annual'], dueDays: 5 });
  });

  it('has every target of section II and the two of section V, among them the 400 inspections and the 30-50 range', () => {
    expect(plan.targets.length).toBeGreaterThanOrEqual(9);
    expect(plan.targets).toContainEqual(
      expect.objectContaining({
        agency: 'police',
        measure: expect.objectContaining({ kind: 'count', eventType: 'vn.pcmd.police.inspection.completed.v1' }),
        goal: { min: 400 },
      }),
    );
    expect(plan.targets).toContainEqual(
      expect.objectContaining({
        measure: expect.objectContaining({
          kind: 'distinct',
          eventType: 'vn.pcmd.labour.joint-inspection.completed.v1',
          field: 'business.businessId',
        }),
        goal: { min: 30, max: 50 },
      }),
    );
  });

  it.each(WARDS)('has ward %s under hn-ba-dinh', (code) => {
    expect(plan.areas).toContainEqual(expect.objectContaining({ code, level: 'ward', parent: 'hn-ba-dinh' }));
  });

  it('places the district under Hanoi', () => {
    expect(plan.areas).toContainEqual(expect.objectContaining({ code: 'hn', level: 'province' }));
    expect(plan.areas).toContainEqual(expect.objectContaining({ code: 'hn-ba-dinh', level: 'district', parent: 'hn' }));
    expect(plan.areas.filter((area) => area.level === 'ward')).toHaveLength(WARDS.length);
  });

  it('uses only agency services and the bodies it declares', () => {
    const known = new Set([...SERVICES, ...plan.bodies.map((body) => body.code)]);
    const used = [
      ...plan.targets.map((target) => target.agency),
      ...plan.tasks.flatMap((task) => [task.lead, ...task.supporting]),
      ...(plan.reporting ? [plan.reporting.to, ...(plan.reporting.from ?? [])] : []),
    ];
    expect([...new Set(used)].filter((code) => !known.has(code))).toEqual([]);
  });

  it.each(SECTION_V_BODIES)('gives section-V body %s at least one task as lead', (code) => {
    expect(plan.tasks.filter((task) => task.lead === code).length).toBeGreaterThan(0);
  });
});
