import { readFileSync } from 'node:fs';
import { findEventDefinition, parsePlanDocument, PRODUCER_AGENCIES } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { asUser, TEST_USERS, tokens } from '../support/users.js';
import {
  DUTY_SECTIONS,
  headerAreaCodes,
  normalise,
  officialUnits,
  PLAN_FILE,
  planText,
  REFERENCE_TEXT_FILE,
  referenceText,
  sectionOfTask,
  sections,
  SHARED_REFERENCE_TEXT,
  SHARED_UNITS,
  sharedCopyIsPresent,
  taskSources,
  UNITS_FILE,
} from './can-tho-2016-source.js';

/**
 * The Cần Thơ plan of 2016 (Số 80/KH-UBND, 16/6/2016), transcribed whole as a shipped demo plan:
 * every duty of sections II and III a task with its sentence of the text, every body of section
 * III declared, every area an official unit of 2016, every target measured from events; and the
 * plan imports into a real coordination service with all of it on the board.
 */

const plan = parsePlanDocument(planText, 'yaml');
const text = normalise(referenceText);
const sources = taskSources();

/** The bodies of section III (TỔ CHỨC THỰC HIỆN), as the transcription names them. */
const SECTION_III_BODIES = {
  labour: 'III.1, III.4: Sở Lao động - Thương binh và Xã hội, the standing body',
  police: 'III.2: the city departments concerned (Công an thành phố)',
  health: 'III.2: the city departments concerned (Sở Y tế)',
  culture: 'III.2: the city departments concerned (Sở Văn hóa, Thể thao và Du lịch)',
  justice: 'III.2: the city departments concerned (Sở Tư pháp)',
  'ubnd-quan-huyen': 'III.2 "địa phương", the closing paragraph: Ủy ban nhân dân quận, huyện',
  coordination: 'III.2: Ban chỉ đạo 138 Thành phố, who receives the compiled reports',
  'ubnd-can-tho': 'III.2: Ủy ban nhân dân thành phố, who receives them and issues the plan',
  finance: 'III.3: Sở Tài chính',
  'fatherland-front': 'III.5: Ủy ban Mặt trận Tổ quốc Việt Nam thành phố',
  'front-member-organisations': 'III.5: các tổ chức thành viên',
} as const;

const DISTRICTS_2016 = ['916', '917', '918', '919', '923', '924', '925', '926', '927'];

describe('the Cần Thơ 2016 plan as transcribed (Số 80/KH-UBND)', () => {
  it('is a valid plan document of the city for 2016, with the signed number and date', () => {
    expect(plan).toMatchObject({
      id: 'kh-can-tho-2016',
      number: '80/KH-UBND',
      issuedOn: '2016-06-16',
      issuingBody: 'ubnd-can-tho',
      level: 'province',
      area: 'ct',
      implements: '361/QĐ-TTg',
      period: { start: '2016-01-01', end: '2016-12-31' },
    });
    expect(text).toContain('Số: 80 /KH-UBND');
    expect(text).toContain('Cần Thơ, ngày 16 tháng 6 năm 2016');
    expect(text).toContain('Căn cứ Quyết định số 361/QĐ-TTg');
    expect(() => parsePlanDocument(planText.replace('lead: finance', 'lead: so-khong-co\n    owner: finance'), 'yaml')).toThrow();
  });

  it('ships as a demo plan, after the two that tests take by position', () => {
    expect(DEMO_PLAN_FILES).toHaveLength(3);
    expect(DEMO_PLAN_FILES[2]).toBe(PLAN_FILE.pathname);
  });

  it('gives every task the sentence of the text it transcribes, found in the part its id names', () => {
    const parts = new Map(sections().map((part) => [part.section, part]));
    expect([...parts.keys()]).toEqual(DUTY_SECTIONS);
    const missing = plan.tasks.filter((task) => !sources.has(task.id)).map((task) => task.id);
    expect(missing).toEqual([]);
    for (const task of plan.tasks) {
      const source = normalise(sources.get(task.id)!);
      expect({ task: task.id, found: parts.get(sectionOfTask(task.id))!.text.includes(source) }).toEqual({ task: task.id, found: true });
    }
  });

  it('has a task for every numbered part of sections II and III, and for every bullet of each', () => {
    const taskSections = new Set(plan.tasks.map((task) => sectionOfTask(task.id)));
    expect(DUTY_SECTIONS.filter((section) => !taskSections.has(section))).toEqual([]);
    const uncovered: string[] = [];
    for (const part of sections()) {
      const own = plan.tasks.filter((task) => sectionOfTask(task.id) === part.section).map((task) => normalise(sources.get(task.id)!));
      for (const bullet of part.bullets) if (!own.some((source) => bullet.includes(source))) uncovered.push(`${part.section}: ${bullet.slice(0, 80)}`);
    }
    expect(uncovered).toEqual([]);
    // The three pilot districts of II.8, each with the task of its model.
    for (const [area, section] of [
      ['ct-quan-cai-rang', 'II.8.1'],
      ['ct-quan-ninh-kieu', 'II.8.2'],
      ['ct-quan-binh-thuy', 'II.8.3'],
    ] as const) {
      expect(plan.tasks.filter((task) => task.area === area).map((task) => sectionOfTask(task.id))).toEqual(expect.arrayContaining([section]));
    }
  });

  it('quotes, for every target, a sentence of the text, and measures it from event types of the catalog', () => {
    expect(plan.targets.length).toBeGreaterThanOrEqual(20);
    for (const target of plan.targets) {
      expect({ target: target.id, found: target.source !== undefined && text.includes(normalise(target.source)) }).toEqual({ target: target.id, found: true });
      const { measure } = target;
      const types = measure.kind === 'percentage' ? [measure.numerator.eventType, ...('eventType' in measure.denominator ? [measure.denominator.eventType] : [])] : [measure.eventType];
      for (const type of types) expect(findEventDefinition(type)).toBeDefined();
    }
    // Every target is some task's progress.
    const linked = new Set(plan.tasks.flatMap((task) => task.targets));
    expect(plan.targets.map((target) => target.id).filter((id) => !linked.has(id))).toEqual([]);
    // A target filtering on a task names a task of this plan, whose targets include it.
    for (const target of plan.targets) {
      const { measure } = target;
      const where = measure.kind === 'percentage' ? measure.numerator.where : measure.where;
      if (where?.taskId === undefined) continue;
      const task = plan.tasks.find((entry) => entry.id === where.taskId);
      expect({ target: target.id, task: task?.id, linked: task?.targets.includes(target.id) }).toEqual({ target: target.id, task: where.taskId, linked: true });
    }
  });

  it('declares every body of section III with Vietnamese and English names, and gives each a duty', () => {
    const declared = new Map(plan.bodies.map((body) => [body.code, body.name]));
    for (const code of Object.keys(SECTION_III_BODIES)) {
      expect({ code, name: declared.get(code) }).toEqual({ code, name: { vi: expect.any(String), en: expect.any(String) } });
    }
    expect(declared.get('labour')!.vi).toContain('Sở Lao động - Thương binh và Xã hội');
    expect(declared.get('labour')!.vi).toContain('Chi cục Phòng, chống tệ nạn xã hội');
    expect(declared.get('finance')!.vi).toBe('Sở Tài chính thành phố Cần Thơ');
    expect(declared.get('fatherland-front')!.vi).toBe('Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Cần Thơ');
    expect(declared.get('coordination')!.vi).toContain('Ban Chỉ đạo 138');
    // Every body but the issuer leads a task or answers for a target, or supports one (BCĐ 138).
    const leads = new Set([...plan.tasks.map((task) => task.lead), ...plan.targets.map((target) => target.agency)]);
    const supports = new Set(plan.tasks.flatMap((task) => task.supporting));
    for (const code of Object.keys(SECTION_III_BODIES).filter((code) => code !== plan.issuingBody)) {
      expect({ code, hasDuty: leads.has(code) || supports.has(code) }).toEqual({ code, hasDuty: true });
    }
    expect(Object.keys(SECTION_III_BODIES).filter((code) => code !== 'coordination' && code !== plan.issuingBody && !leads.has(code))).toEqual([]);
    // Nothing named that is neither a service nor declared.
    const known = new Set<string>([...PRODUCER_AGENCIES, ...declared.keys()]);
    const named = [plan.issuingBody, ...plan.targets.map((t) => t.agency), ...plan.tasks.flatMap((t) => [t.lead, ...t.supporting]), plan.reporting!.to, ...plan.reporting!.from!];
    expect([...new Set(named)].filter((code) => !known.has(code))).toEqual([]);
  });

  it('asks for half-yearly and annual reports through the standing body, each district committee for its district', () => {
    expect(plan.reporting).toEqual({
      to: 'labour',
      from: ['police', 'health', 'culture', 'justice', 'finance', 'ubnd-quan-huyen'],
      eachArea: { 'ubnd-quan-huyen': 'district' },
      cadences: ['half-yearly', 'annual'],
      dueDays: 5,
    });
    expect(text).toContain('chế độ báo định kỳ, 06 tháng, 01 năm và đột xuất');
    expect(text).toContain('qua Sở Lao động - Thương binh và Xã hội (Chi cục phòng, chống tệ nạn xã hội)');
  });

  it('names the city and its nine districts of 2016, each by its official code, mapped in the header', () => {
    const units = new Map(officialUnits().map((unit) => [unit.code, unit]));
    const mapping = headerAreaCodes();
    expect(mapping.map((entry) => entry.code).sort()).toEqual(plan.areas.map((area) => area.code).sort());
    expect(mapping.map((entry) => entry.official).sort()).toEqual(['92', ...DISTRICTS_2016].sort());
    for (const entry of mapping) {
      const unit = units.get(entry.official);
      const area = plan.areas.find((candidate) => candidate.code === entry.code)!;
      expect({ code: entry.code, name: unit?.name, plan: area.name.vi }).toEqual({ code: entry.code, name: entry.name, plan: entry.name });
      if (entry.official === '92') {
        expect(area).toMatchObject({ level: 'province' });
        expect(area.code).toBe(plan.area);
      } else {
        expect({ code: entry.code, level: unit!.level, parent: unit!.parentCode }).toEqual({ code: entry.code, level: 'district', parent: '92' });
        expect(area).toMatchObject({ level: 'district', parent: plan.area });
        // The convention of the other plans: the province's prefix, then the district's kind and name.
        expect(area.code).toMatch(unit!.kind === 'Quận' ? /^ct-quan-/ : /^ct-huyen-/);
      }
    }
    // No code of the 2026 plan's wards and communes is reused for a 2016 district.
    const [, canTho2026File] = DEMO_PLAN_FILES as [string, string, string];
    const plan2026 = parsePlanDocument(readFileSync(canTho2026File, 'utf8'), 'yaml');
    const codes2026 = new Map(plan2026.areas.map((area) => [area.code, area]));
    for (const area of plan.areas) {
      const other = codes2026.get(area.code);
      if (other) expect({ code: area.code, same: other }).toEqual({ code: area.code, same: area });
    }
  });

  (sharedCopyIsPresent() ? it : it.skip)('keeps verbatim copies of the shared reference text and unit list beside the test', () => {
    const shared = readFileSync(SHARED_REFERENCE_TEXT, 'utf8');
    const copy = readFileSync(REFERENCE_TEXT_FILE, 'utf8');
    expect(copy.length).toBeGreaterThan(5_000);
    expect(shared.startsWith(copy)).toBe(true);
    const sharedUnits = new Set(readFileSync(SHARED_UNITS, 'utf8').split('\n'));
    for (const line of readFileSync(UNITS_FILE, 'utf8').split('\n')) if (line.trim()) expect(sharedUnits.has(line)).toBe(true);
  });
});

describe('the Cần Thơ 2016 plan on a real coordination service', () => {
  let nats: NatsFixture;
  let coordination: RunningCoordinationService;
  const july2016 = { now: () => new Date('2016-07-01T09:00:00+07:00') };

  beforeAll(async () => {
    nats = await startNatsFixture();
    coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, clock: july2016, deadlineTickMs: 0, users: TEST_USERS });
  });
  afterAll(async () => {
    await coordination?.close();
    await nats?.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${coordination.url}${path}`, { headers: asUser() });
    expect(response.status).toBe(200);
    return (await response.json()) as any;
  };

  it('imports it, registering its bodies and districts, and shows its tasks, targets and districts on the board', async () => {
    const imported = await postJson(`${coordination.url}/api/v1/plans`, plan, tokens.secretariat);
    expect(imported.status).toBe(201);
    expect(imported.body.planId).toBe('kh-can-tho-2016');
    expect(imported.body.registered.bodies).toEqual(expect.arrayContaining(['ubnd-can-tho', 'finance', 'fatherland-front', 'front-member-organisations', 'ubnd-quan-huyen']));
    expect(imported.body.registered.areas).toEqual(expect.arrayContaining(plan.areas.map((area) => area.code)));

    const tasks = (await get('/api/v1/tasks?plan=kh-can-tho-2016')).tasks as { taskId: string; lead: string }[];
    expect(tasks.map((task) => task.taskId).sort()).toEqual(plan.tasks.map((task) => task.id).sort());
    expect((await get('/api/v1/tasks?agency=front-member-organisations')).tasks.map((task: { taskId: string }) => task.taskId)).toContain('nv-iii-5-02');

    const overview = await get('/api/v1/committee/overview');
    const targets = overview.targets.filter((target: { planId: string }) => target.planId === 'kh-can-tho-2016');
    expect(targets.map((target: { id: string }) => target.id).sort()).toEqual(plan.targets.map((target) => target.id).sort());
    expect(targets.every((target: { achieved: number }) => target.achieved === 0)).toBe(true);
    const summary = overview.plans.find((entry: { id: string }) => entry.id === 'kh-can-tho-2016');
    expect(summary.areas.map((area: { code: string }) => area.code).sort()).toEqual(plan.areas.filter((area) => area.level === 'district').map((area) => area.code).sort());
    expect(summary.bodies.find((body: { code: string }) => body.code === 'labour').name.vi).toContain('Sở Lao động - Thương binh và Xã hội thành phố Cần Thơ');
  });
});
