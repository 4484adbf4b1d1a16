import { readFileSync } from 'node:fs';
import { findEventDefinition, isProducerAgency, parsePlanDocument, PRODUCER_AGENCIES } from '@lienganh/contracts';

/**
 * The second demo plan (Cần Thơ city, 2026): a province-level plan under the two-tier local
 * government (province → communes and wards, no districts since July 2025), naming a body no
 * code knows, the border guard, which the coast brought in with the 2025 merger.
 */

const text = readFileSync(new URL('../../services/coordination/demo/can-tho-2026.plan.yaml', import.meta.url), 'utf8');
const plan = parsePlanDocument(text, 'yaml');
const BORDER_GUARD = 'border-guard';

describe('the Cần Thơ 2026 demo plan', () => {
  it('parses as a province-level plan of Cần Thơ for 2026', () => {
    expect(plan).toMatchObject({
      id: 'kh-can-tho-2026',
      level: 'province',
      area: 'ct',
      issuingBody: 'ubnd-can-tho',
      period: { start: '2026-01-01', end: '2026-12-31' },
    });
    expect(plan.reporting?.to).toBe('health'); // the standing body since the 2025 reform
    expect(plan.roles).toEqual({ standingBody: 'health', reportReceiver: 'health', referralReceivers: ['health'] });
    expect(plan.reporting?.cadences.length).toBeGreaterThan(0);
  });

  it('has two tiers: the province, and every other area a ward or commune directly under it', () => {
    const province = plan.areas.filter((area) => area.level === 'province');
    expect(province).toEqual([expect.objectContaining({ code: plan.area })]);
    const below = plan.areas.filter((area) => area.level !== 'province');
    expect(below.length).toBeGreaterThanOrEqual(8);
    for (const area of below) {
      expect(area).toMatchObject({ parent: plan.area, level: expect.stringMatching(/^(ward|commune)$/) });
      expect(area.code).toMatch(/^ct-/); // no clash with Ba Đình's hn-…
    }
    expect(below.some((area) => area.level === 'ward')).toBe(true);
    expect(below.some((area) => area.level === 'commune')).toBe(true);
  });

  it('declares the border guard with Vietnamese and English names, and gives it tasks', () => {
    const body = plan.bodies.find((entry) => entry.code === BORDER_GUARD);
    expect(body?.name).toEqual({ vi: expect.stringContaining('Biên phòng'), en: expect.stringMatching(/border guard/i) });
    expect(isProducerAgency(BORDER_GUARD)).toBe(false); // no code knows it: the plan brings it
    const tasks = plan.tasks.filter((task) => task.lead === BORDER_GUARD || task.supporting.includes(BORDER_GUARD));
    expect(tasks.filter((task) => task.lead === BORDER_GUARD).length).toBeGreaterThan(0);
    expect(tasks.length).toBeGreaterThan(1);
  });

  it('measures every target from event types of the catalog', () => {
    const eventTypes = plan.targets.flatMap(({ measure }) =>
      measure.kind !== 'percentage'
        ? [measure.eventType]
        : [measure.numerator.eventType, ...('eventType' in measure.denominator ? [measure.denominator.eventType] : [])],
    );
    for (const type of eventTypes) expect(findEventDefinition(type)).toBeDefined();
    expect(plan.targets).toContainEqual(expect.objectContaining({ goal: { max: 0 } }));
    expect(plan.targets).toContainEqual(
      expect.objectContaining({ measure: expect.objectContaining({ kind: 'percentage', denominator: { kind: 'areas', level: 'ward' } }) }),
    );
  });

  it('names only the agency services and the bodies and areas it declares', () => {
    const bodies = new Set<string>([...PRODUCER_AGENCIES, ...plan.bodies.map((body) => body.code)]);
    const used = [
      plan.issuingBody,
      ...plan.targets.map((target) => target.agency),
      ...plan.tasks.flatMap((task) => [task.lead, ...task.supporting]),
      ...(plan.reporting ? [plan.reporting.to, ...(plan.reporting.from ?? [])] : []),
    ];
    expect([...new Set(used)].filter((code) => !bodies.has(code))).toEqual([]);
    const areas = new Set(plan.areas.map((area) => area.code));
    const named = [plan.area, ...plan.tasks.flatMap((task) => (task.area ? [task.area] : []))];
    expect(named.filter((code) => !areas.has(code))).toEqual([]);
  });
});
