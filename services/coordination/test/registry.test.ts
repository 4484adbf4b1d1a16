import { readFileSync } from 'node:fs';
import { parsePlanDocument, type Plan } from '@lienganh/contracts';
import { AgencyRegistry, AreaRegistry, checkPlanReferences, registerPlan } from '../src/index.js';

const baDinh = parsePlanDocument(readFileSync(new URL('../demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');

function registries() {
  const agencies = new AgencyRegistry();
  const areas = new AreaRegistry();
  registerPlan(baDinh, agencies, areas);
  return { agencies, areas };
}

describe('area registry', () => {
  it('places the 14 wards of Ba Đình under the district and the city', () => {
    const { areas } = registries();
    expect(areas.isWithin('hn-ba-dinh-lieu-giai', 'hn-ba-dinh')).toBe(true);
    expect(areas.isWithin('hn-ba-dinh-lieu-giai', 'hn')).toBe(true);
    expect(areas.isWithin('hn-ba-dinh', 'hn-ba-dinh-lieu-giai')).toBe(false);
    expect(areas.below('hn-ba-dinh', 'ward', '2021-06-01')).toHaveLength(14);
  });

  it('keeps an old plan measurable after the 2025 reform merged its wards into a ward of the city', () => {
    const { areas } = registries();
    const newWard = { code: 'hn-phuong-ba-dinh', name: { vi: 'Phường Ba Đình', en: 'Ba Dinh ward' }, level: 'ward' as const, parent: 'hn' };
    // Asked before the merge (and so remembered), answered again after it.
    expect(areas.isWithin('hn-phuong-ba-dinh', 'hn-ba-dinh')).toBe(false);
    areas.merge(['hn-ba-dinh-quan-thanh', 'hn-ba-dinh-truc-bach', 'hn-ba-dinh-dien-bien'], newWard, '2025-07-01');
    // Events from the new ward still count for the 2021 district plan…
    expect(areas.isWithin('hn-phuong-ba-dinh', 'hn-ba-dinh')).toBe(true);
    // …the district still had 14 wards in 2021, and the city counts the new ward after the reform.
    expect(areas.below('hn-ba-dinh', 'ward', '2021-06-01')).toHaveLength(14);
    const cityWards2026 = areas.below('hn', 'ward', '2026-01-01').map((area) => area.code);
    expect(cityWards2026).toContain('hn-phuong-ba-dinh');
    expect(cityWards2026).not.toContain('hn-ba-dinh-truc-bach');
    expect(areas.get('hn-ba-dinh-truc-bach')).toMatchObject({ successor: 'hn-phuong-ba-dinh', until: '2025-07-01' });
  });

  it('answers at once for areas whose parents run in a circle (bad data must not hang the projection)', () => {
    const areas = new AreaRegistry();
    areas.register({ code: 'a', name: { vi: 'A', en: 'A' }, level: 'ward', parent: 'b' });
    areas.register({ code: 'b', name: { vi: 'B', en: 'B' }, level: 'district', parent: 'a' });
    expect(areas.isWithin('a', 'b')).toBe(true);
    expect(areas.isWithin('a', 'c')).toBe(false);
    expect([...areas.ancestorsOf('b')].sort()).toEqual(['a', 'b']);
  });
});

describe('plan references', () => {
  const provincePlan = (declareBorderGuard: boolean): Plan =>
    parsePlanDocument(
      JSON.stringify({
        id: 'kh-tinh-2026',
        number: '12/KH-UBND',
        issuedOn: '2026-01-15',
        issuingBody: 'ubnd-tinh',
        level: 'province',
        area: 'qn',
        period: { start: '2026-01-01', end: '2026-12-31' },
        title: { vi: 'Kế hoạch 2026', en: 'Plan 2026' },
        bodies: [{ code: 'ubnd-tinh', name: { vi: 'UBND tỉnh', en: 'Provincial People’s Committee' } }].concat(
          declareBorderGuard ? [{ code: 'border-guard', name: { vi: 'Bộ đội Biên phòng', en: 'Border guard' } }] : [],
        ),
        areas: [
          { code: 'qn', name: { vi: 'Tỉnh Quảng Ninh', en: 'Quang Ninh province' }, level: 'province' },
          { code: 'qn-mong-cai-1', name: { vi: 'Phường Móng Cái 1', en: 'Mong Cai 1 ward' }, level: 'ward', parent: 'qn' },
        ],
        targets: [],
        tasks: [{ id: 'nv-bien-gioi', title: { vi: 'Tuần tra biên giới', en: 'Border patrols' }, lead: 'border-guard', supporting: ['police'], area: 'qn-mong-cai-1' }],
      }),
      'json',
    );

  it('says exactly which body a plan names without declaring it', () => {
    const { agencies, areas } = registries();
    expect(checkPlanReferences(provincePlan(false), agencies, areas)).toEqual([
      { path: 'tasks.0.lead', message: 'body "border-guard" is neither registered nor declared under bodies' },
    ]);
    expect(agencies.has('border-guard')).toBe(false);
  });

  it('registers the new bodies and areas of a two-tier province plan beside Ba Đình', () => {
    const { agencies, areas } = registries();
    const plan = provincePlan(true);
    expect(checkPlanReferences(plan, agencies, areas)).toEqual([]);
    expect(registerPlan(plan, agencies, areas)).toEqual({ bodiesAdded: ['ubnd-tinh', 'border-guard'], areasAdded: ['qn', 'qn-mong-cai-1'] });
    expect(agencies.get('border-guard')?.name.vi).toBe('Bộ đội Biên phòng');
    expect(areas.isWithin('qn-mong-cai-1', 'qn')).toBe(true);
    expect(areas.isWithin('hn-ba-dinh-kim-ma', 'hn-ba-dinh')).toBe(true);
  });

  it('finds nothing missing in the Ba Đình plan', () => {
    expect(checkPlanReferences(baDinh, new AgencyRegistry(), new AreaRegistry())).toEqual([]);
  });
});
