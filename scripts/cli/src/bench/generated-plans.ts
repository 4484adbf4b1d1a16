import { validatePlan, type Plan } from '@lienganh/contracts';

export const TASKS_PER_PLAN = 1_000; // the plan schema's cap

const LEADS = ['police', 'labour', 'health', 'culture', 'justice', 'ubnd-phuong'] as const;

/**
 * `count` district plans shaped like Ba Đình's (its bodies, targets, reporting duty and
 * deadline rules) for made-up districts `hn-bench-NN` with 14 wards each, and 1,000 tasks each
 * (leads and supporting bodies in turn, a ward, a due date in 2021, one or two of the targets).
 * Their targets count events in their own district, so the benchmark's Ba Đình events do not
 * count for them: a city board holding many districts' plans.
 */
export function generatePlans(template: Plan, count: number): Plan[] {
  return Array.from({ length: count }, (_, planIndex) => {
    const district = `hn-bench-${String(planIndex + 1).padStart(2, '0')}`;
    const wards = Array.from({ length: 14 }, (_, ward) => `${district}-p${String(ward + 1).padStart(2, '0')}`);
    const targets = template.targets.map((target) => target.id);
    const tasks = Array.from({ length: TASKS_PER_PLAN }, (_, taskIndex) => {
      const lead = LEADS[taskIndex % LEADS.length]!;
      const supporting = [LEADS[(taskIndex + 1) % LEADS.length]!, LEADS[(taskIndex + 2) % LEADS.length]!];
      const month = String((taskIndex % 12) + 1).padStart(2, '0');
      const day = String((taskIndex % 28) + 1).padStart(2, '0');
      return {
        id: `nv-${String(taskIndex + 1).padStart(4, '0')}`,
        title: { vi: `Nhiệm vụ số ${taskIndex + 1} của ${district}`, en: `Task no. ${taskIndex + 1} of ${district}` },
        lead,
        supporting,
        area: wards[taskIndex % wards.length]!,
        due: `2021-${month}-${day}`,
        targets: taskIndex % 3 === 0 ? [targets[taskIndex % targets.length]!, targets[(taskIndex + 1) % targets.length]!] : [targets[taskIndex % targets.length]!],
      };
    });
    return validatePlan({
      ...template,
      id: `kh-bench-${String(planIndex + 1).padStart(2, '0')}-2021`,
      number: `KH-BENCH-${planIndex + 1}`,
      area: district,
      title: { vi: `Kế hoạch thử tải số ${planIndex + 1}`, en: `Benchmark plan no. ${planIndex + 1}` },
      areas: [
        { code: 'hn', level: 'province', name: { vi: 'Thành phố Hà Nội', en: 'Hanoi' } },
        { code: district, level: 'district', parent: 'hn', name: { vi: `Quận thử ${planIndex + 1}`, en: `Benchmark district ${planIndex + 1}` } },
        ...wards.map((code, ward) => ({ code, level: 'ward' as const, parent: district, name: { vi: `Phường ${ward + 1}`, en: `Ward ${ward + 1}` } })),
      ],
      tasks,
    });
  });
}
