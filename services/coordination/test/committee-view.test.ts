import { readFileSync } from 'node:fs';
import { buildEvent, parsePlanDocument, policeInspectionCompleted } from '@lienganh/contracts';
import { addPlan, applyEvent, AgencyRegistry, AreaRegistry, committeeOverview, emptyCoordinationState, registerPlan, taskBoard } from '../src/index.js';

const baDinh = parsePlanDocument(readFileSync(new URL('../demo/ba-dinh-2021.plan.yaml', import.meta.url), 'utf8'), 'yaml');

function given() {
  const areas = new AreaRegistry();
  registerPlan(baDinh, new AgencyRegistry(), areas);
  const state = emptyCoordinationState();
  addPlan(state, baDinh, areas);
  return { state, areas };
}

const inspections = Array.from({ length: 37 }, (_, n) =>
  buildEvent(
    policeInspectionCompleted,
    { ...policeInspectionCompleted.example, inspectionId: `kt-${n}`, areaCode: 'hn-ba-dinh-kim-ma', business: { businessId: `b-${n}`, kind: 'karaoke' } },
    { id: `evt-${n}`, time: new Date(Date.parse('2021-03-01T09:00:00+07:00') + n * 3_600_000) },
  ),
);
const june = new Date('2021-06-01T00:00:00+07:00');

describe('committee view of the Ba Đình plan', () => {
  it('shows 37 police administrative inspections as 37 of 400', () => {
    const { state, areas } = given();
    for (const event of inspections) applyEvent(state, event);
    const target = committeeOverview(state, areas, june).find((item) => item.id === 'ct-kiem-tra-hanh-chinh-400');
    expect(target).toMatchObject({ planId: 'kh-ba-dinh-2021', agency: 'police', measure: 'count', goal: { min: 400 }, achieved: 37, percent: 9.25, status: 'at-risk' });
    expect(target!.title.vi).toMatch(/400/);
  });

  it('gives the same view whatever the order and however often an event arrives', () => {
    const once = given();
    for (const event of inspections) applyEvent(once.state, event);
    const shuffled = given();
    for (const event of [...inspections].reverse().concat(inspections.slice(0, 10))) applyEvent(shuffled.state, event);
    expect(committeeOverview(shuffled.state, shuffled.areas, june)).toEqual(committeeOverview(once.state, once.areas, june));
    expect(taskBoard(shuffled.state, shuffled.areas, june)).toEqual(taskBoard(once.state, once.areas, june));
  });

  it('moves the tasks that drive the target, naming the last contributing event', () => {
    const { state, areas } = given();
    for (const event of inspections) applyEvent(state, event);
    const board = taskBoard(state, areas, june);
    expect(board).toHaveLength(baDinh.tasks.length);
    const driven = board.filter((task) => baDinh.tasks.find((planned) => planned.id === task.taskId)!.targets.includes('ct-kiem-tra-hanh-chinh-400'));
    expect(driven.length).toBeGreaterThan(0);
    for (const task of driven) {
      expect(task.status).toBe('in-progress');
      expect(task.lastContributingEvent).toBe('evt-36');
    }
    const idle = board.find((task) => baDinh.tasks.find((planned) => planned.id === task.taskId)!.targets.length === 0)!;
    expect(idle).toMatchObject({ status: 'not-started', progress: 0 });
    expect(taskBoard(state, areas, new Date('2022-01-02T00:00:00+07:00')).find((task) => task.taskId === idle.taskId)!.status).toBe('overdue');
  });
});
