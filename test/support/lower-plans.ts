import { buildEvent, policeInspectionCompleted, reportingReportSubmitted, type BusEvent } from '@lienganh/contracts';

/**
 * Lai Châu's province plan (official code 12, the two-tier list) of 2026, which asks each of its
 * communes for a plan by 30 April and a monthly report, and commune plans that implement it, each
 * carrying its inspections target up (issue #24). The plans name their areas by official code only.
 */

export const PROVINCE = '12'; // Tỉnh Lai Châu
export const BINH_LU = '03390'; // Xã Bình Lư: its plan on time
export const SIN_SUOI_HO = '03394'; // Xã Sin Suối Hồ: its plan late, no report
export const DOAN_KET = '03388'; // Phường Đoàn Kết: no plan of its own

const bodies = [
  { code: 'ubnd-tinh', name: { vi: 'UBND tỉnh', en: "Province People's Committee" } },
  { code: 'ubnd-xa', name: { vi: 'UBND xã', en: "Commune People's Committee" } },
];
export const inspections = { kind: 'count', eventType: policeInspectionCompleted.type };

export const provincePlan = {
  id: 'lai-chau-2026',
  number: '45/KH-UBND',
  issuedOn: '2026-03-25',
  issuingBody: 'ubnd-tinh',
  level: 'province',
  area: PROVINCE,
  period: { start: '2026-04-01', end: '2026-12-31' },
  title: { vi: 'Kế hoạch phòng, chống mại dâm tỉnh Lai Châu 2026', en: 'Lai Châu province prostitution prevention plan 2026' },
  bodies,
  implementedBy: { level: 'commune', due: '2026-04-30' },
  targets: [{ id: 'kt-400', title: { vi: 'Kiểm tra 400 lượt cơ sở', en: '400 inspections' }, agency: 'police', measure: inspections, goal: { min: 400 } }],
  tasks: [],
  reporting: { to: 'labour', from: ['ubnd-xa'], cadences: ['monthly'], dueDays: 5, eachArea: { 'ubnd-xa': 'commune' } },
};

export const communePlan = (id: string, area: string, issuedOn: string, carriesUp = 'kt-400') => ({
  id,
  number: `${id.slice(-2)}/KH-UBND`,
  issuedOn,
  issuingBody: 'ubnd-xa',
  level: 'commune',
  area,
  implements: provincePlan.number,
  period: { start: '2026-04-01', end: '2026-12-31' },
  title: { vi: 'Kế hoạch phòng, chống mại dâm của xã năm 2026', en: 'Commune prostitution prevention plan 2026' },
  bodies,
  targets: [{ id: 'kt-xa-20', title: { vi: 'Kiểm tra 20 lượt cơ sở', en: '20 inspections' }, agency: 'police', measure: inspections, goal: { min: 20 }, carriesUp }],
  tasks: [],
});

const inspection = (id: string, areaCode: string, time = '2026-04-15T09:00:00+07:00'): BusEvent =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: `kt-${id}`, areaCode, business: { businessId: `b-${id}`, kind: 'karaoke' } }, { id: `evt-kt-${id}`, time });

/** Inspections in both communes and in a ward without a plan; Bình Lư's April report (Sin Suối Hồ sends none). */
export const LAI_CHAU_EVENTS: BusEvent[] = [
  inspection('bl-1', BINH_LU),
  inspection('bl-2', BINH_LU),
  inspection('bl-3', BINH_LU),
  inspection('ssh-1', SIN_SUOI_HO),
  inspection('ssh-2', SIN_SUOI_HO),
  inspection('dk-1', DOAN_KET), // the province's own figure counts it; no commune plan carries it up
  buildEvent(reportingReportSubmitted, { reportId: 'bc-bl-2026-04', reportingBody: 'ubnd-xa', areaCode: BINH_LU, cadence: 'monthly', period: '2026-04' }, { id: 'evt-bc-bl-2026-04', source: '/pcmd/reporting/ubnd-xa', time: '2026-05-03T10:00:00+07:00' }),
];
