import { coordinationPlanPublished, type Plan } from '@lienganh/contracts';

// A plan made to raise alerts: tasks without targets (only their lead's report meets them),
// imported on IMPORTED and falling due around NOW, so that a tick at NOW finds each at the
// stage asked for (the plan warns 3 days before and escalates after 7 days overdue).

export const ALERT_PLAN_IMPORTED = '2021-06-01T09:00:00+07:00';
export const ALERT_PLAN_NOW = '2021-06-20T09:00:00+07:00';
/** A due date that puts a task at each stage on NOW (approaching: due in 2 days; overdue: 3 days ago; escalated: 15 days ago). */
const DUE = { approaching: '2021-06-22', overdue: '2021-06-17', escalated: '2021-06-05' } as const;
export const ALERT_PLAN_BODIES = [
  { code: 'police', name: { vi: 'Công an quận Ba Đình', en: 'Ba Đình District Police' } },
  { code: 'culture', name: { vi: 'Phòng Văn hóa và Thông tin', en: 'Culture and Information Office' } },
  { code: 'labour', name: { vi: 'Phòng Lao động - Thương binh và Xã hội', en: 'Labour, Invalids and Social Affairs Office' } },
  { code: 'health', name: { vi: 'Trung tâm Y tế quận', en: 'District Health Centre' } },
];
export const ALERT_PLAN_WARDS = [
  { code: 'hn-ba-dinh-kim-ma', name: { vi: 'Phường Kim Mã', en: 'Kim Mã Ward' }, level: 'ward', parent: 'hn-ba-dinh' },
  { code: 'hn-ba-dinh-lieu-giai', name: { vi: 'Phường Liễu Giai', en: 'Liễu Giai Ward' }, level: 'ward', parent: 'hn-ba-dinh' },
];

export type StageCounts = { approaching: number; overdue: number; escalated: number };

/** Task `nv-<stage>-<n>`, led by the bodies in turn, in the wards in turn. */
export function alertPlan(counts: StageCounts, id = 'kh-canh-bao-2021'): Plan {
  const example = coordinationPlanPublished.example as Plan;
  const tasks = (Object.keys(counts) as (keyof StageCounts)[]).flatMap((stage) =>
    Array.from({ length: counts[stage] }, (_, n) => ({
      id: `nv-${stage}-${n}`,
      title: { vi: `Nhiệm vụ ${stage} ${n}`, en: `Task ${stage} ${n}` },
      lead: ALERT_PLAN_BODIES[n % ALERT_PLAN_BODIES.length]!.code,
      supporting: [],
      area: ALERT_PLAN_WARDS[n % ALERT_PLAN_WARDS.length]!.code,
      due: DUE[stage],
      targets: [],
    })),
  );
  return {
    ...example,
    id,
    number: '12/KH-BCĐ',
    issuedOn: '2021-05-25',
    bodies: [...example.bodies!, ...ALERT_PLAN_BODIES],
    areas: [...example.areas!, ...ALERT_PLAN_WARDS],
    tasks,
  } as unknown as Plan;
}
