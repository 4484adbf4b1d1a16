import { readFileSync } from 'node:fs';
import { AGENCY_SERVICES, eventsOf, parseEvent, parsePlanDocument, type BusEvent } from '@lienganh/contracts';
import { BA_DINH, BA_DINH_WARDS, createRecordGenerator, simulatedTypes } from '../src/simulation/record-generator.js';

const generate = (agency: (typeof AGENCY_SERVICES)[number], seed: number, count: number): BusEvent[] =>
  Array.from({ length: count }, createRecordGenerator(agency, { seed, count }).next);

/** Every key of an object, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

describe.each(AGENCY_SERVICES.map((agency) => [agency] as const))('simulated %s records', (agency) => {
  const events = generate(agency, 7, 2_000);
  const data = (type: string) => events.filter((event) => event.type === type).map((event) => event.data as Record<string, unknown>);

  it('are valid events of the agency, with distinct ids', () => {
    for (const event of events) expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    expect(events.filter((event) => !event.source.startsWith(`/pcmd/${agency}/`))).toEqual([]);
  });

  it('cover every type of the agency, each with records made for it', () => {
    const types = eventsOf(agency).map((definition) => definition.type);
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(types));
    expect(types.filter((type) => !simulatedTypes().includes(type))).toEqual([]);
  });

  it('take place in 2021, Hanoi time, in order of the days', () => {
    expect(events.filter((event) => !/^2021-\d\d-\d\dT\d\d:\d\d:00\+07:00$/.test(event.time))).toEqual([]);
    const days = events.map((event) => event.time.slice(0, 10));
    expect([...days].sort()).toEqual(days);
    expect(new Set(days.map((day) => day.slice(0, 7))).size).toBe(12);
  });

  it('happen in Ba Đình and its wards', () => {
    const areas = new Set(events.map((event) => (event.data as { areaCode?: string }).areaCode).filter((area) => area !== undefined));
    expect([...areas].filter((area) => area !== BA_DINH && !BA_DINH_WARDS.includes(area))).toEqual([]);
  });

  it('name no person: no field like a name, phone or address; people only as sr_ references', () => {
    const keys = new Set(events.flatMap((event) => keysOf(event.data)));
    expect([...keys].filter((key) => /name|phone|^mobile$|address|email|birth|dob|identity|passport|cccd|cmnd/i.test(key))).toEqual([]);
    const refs = events.map((event) => (event.data as { subjectRef?: string }).subjectRef).filter((ref) => ref !== undefined);
    expect(refs.filter((ref) => !/^sr_[A-Za-z0-9_-]{43}$/.test(ref))).toEqual([]);
  });

  it("report activities, progress and completions of the Ba Đình plan's tasks the agency leads", () => {
    const plan = parsePlanDocument(readFileSync(new URL('../../../services/coordination/demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');
    const led = new Set(plan.tasks.filter((task) => task.lead === agency).map((task) => task.id));
    const about = (action: string) => data(`vn.pcmd.${agency}.task.${action}.v1`) as { planId: string; taskId: string }[];
    const completions = about('completed');
    expect(completions.length).toBeGreaterThan(0);
    expect(data(`vn.pcmd.${agency}.activity.held.v1`).length).toBeGreaterThan(0);
    for (const task of [...about('progress-reported'), ...completions]) {
      expect(task.planId).toBe(plan.id);
      expect(led.has(task.taskId)).toBe(true);
    }
  });

  it('are the same for the same seed, and differ for another', () => {
    expect(generate(agency, 7, 2_000)).toEqual(events);
    expect(generate(agency, 8, 50)).not.toEqual(events.slice(0, 50));
  });

  if (agency === 'police') {
    it('weigh the mix like real work: many inspections, few cases', () => {
      expect(data('vn.pcmd.police.inspection.completed.v1').length).toBeGreaterThan(10 * data('vn.pcmd.police.case.opened.v1').length);
      expect(data('vn.pcmd.police.hotspot.patrolled.v1').length).toBeGreaterThan(5 * data('vn.pcmd.police.hotspot.reactivated.v1').length);
    });

    it('weigh business kinds towards karaoke, massage and lodging', () => {
      const kinds = data('vn.pcmd.police.inspection.completed.v1').map((inspection) => (inspection.business as { kind: string }).kind);
      const share = (kind: string) => kinds.filter((candidate) => candidate === kind).length / kinds.length;
      expect(share('karaoke')).toBeGreaterThan(share('cafe'));
      expect(share('karaoke') + share('massage') + share('guesthouse') + share('hotel') + share('bar')).toBeGreaterThan(0.6);
    });
  }
});

describe('records of several agencies with one seed', () => {
  const ofType = (events: BusEvent[], type: string) => events.filter((event) => event.type === type).map((event) => event.data as Record<string, unknown>);
  const police = generate('police', 5, 3_000);

  it('answer the referrals police made: labour takes on the people police referred', () => {
    const made = new Map(ofType(police, 'vn.pcmd.police.referral.made.v1').map((referral) => [referral.referralId, referral]));
    const answers = generate('labour', 5, 1_000).filter((event) => /^vn\.pcmd\.labour\.referral\.(accepted|declined|service-delivered|closed)\.v1$/.test(event.type));
    expect(answers.length).toBeGreaterThan(0);
    for (const { data } of answers as BusEvent<{ referralId: string; service?: string }>[]) {
      expect(made.has(data.referralId)).toBe(true);
      if (data.service) expect(made.get(data.referralId)!.servicesRequested).toContain(data.service);
    }
  });

  it('try the cases police opened, in the same ward', () => {
    const opened = new Map(ofType(police, 'vn.pcmd.police.case.opened.v1').map((opening) => [opening.caseId, opening.areaCode]));
    const tried = ofType(generate('justice', 5, 500), 'vn.pcmd.justice.case.tried.v1');
    expect(tried.length).toBeGreaterThan(0);
    for (const trial of tried) expect(opened.get(trial.caseId)).toBe(trial.areaCode);
  });

  it('sanction the people police later refer', () => {
    const sanctioned = new Map(ofType(police, 'vn.pcmd.police.sanction.issued.v1').map((sanction) => [sanction.sanctionId, sanction.subjectRef]));
    const referred = ofType(police, 'vn.pcmd.police.referral.made.v1').filter((referral) => referral.reason === 'sanctioned' && sanctioned.has(referral.relatedId));
    expect(referred.length).toBeGreaterThan(10);
    for (const referral of referred) expect(sanctioned.get(referral.relatedId)).toBe(referral.subjectRef);
  });
});
