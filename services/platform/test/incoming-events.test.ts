import { buildEvent, ContractError, labourTrainingHeld, policeCaseOpened, policeInspectionCompleted } from '@lienganh/contracts';
import { MAX_BATCH_SIZE, prepareIncoming } from '@lienganh/platform';

const inspection = () => {
  const { source: _source, subject: _subject, ...event } = buildEvent(policeInspectionCompleted, policeInspectionCompleted.example);
  return event; // as an agency system sends it: no source, no subject
};

function issuesOf(body: unknown): { path: string; message: string }[] {
  try {
    prepareIncoming(body, 'police');
  } catch (error) {
    if (error instanceof ContractError) return [...error.issues];
    throw error;
  }
  throw new Error('accepted');
}

describe('prepareIncoming', () => {
  it('fills source from the authenticated agency and subject from the data', () => {
    const [event] = prepareIncoming(inspection(), 'police');
    expect(event!.source).toBe('/pcmd/police');
    expect(event!.subject).toBe(policeInspectionCompleted.example.inspectionId);
  });

  it('keeps a unit the agency names in its source', () => {
    const [event] = prepareIncoming({ ...inspection(), source: '/pcmd/police/cap-quan-ba-dinh' }, 'police');
    expect(event!.source).toBe('/pcmd/police/cap-quan-ba-dinh');
  });

  it('refuses a source or a type of another agency', () => {
    expect(issuesOf({ ...inspection(), source: '/pcmd/labour' })).toEqual([
      { path: 'source', message: 'must name the authenticated agency: /pcmd/police[/<unit>]' },
    ]);
    const training = buildEvent(labourTrainingHeld, labourTrainingHeld.example);
    expect(issuesOf(training)).toEqual([{ path: 'type', message: `"${training.type}" is an event of labour, not of police` }]);
  });

  it('rejects a whole batch when one event is invalid, naming it by position', () => {
    const good = inspection();
    const bad = { ...buildEvent(policeCaseOpened, policeCaseOpened.example), data: { ...policeCaseOpened.example, suspects: -1 } };
    const { id: _id, ...withoutId } = inspection();
    expect(issuesOf([good, bad, withoutId]).map((issue) => issue.path)).toEqual(['[1].data.suspects', '[2].id']);
  });

  it('refuses an id twice in one batch, an empty batch and an oversized one', () => {
    const event = inspection();
    expect(issuesOf([event, event])).toEqual([{ path: '[1].id', message: `"${event.id}" appears twice in the batch` }]);
    expect(issuesOf([])).toEqual([{ path: '', message: 'the batch is empty' }]);
    expect(issuesOf(Array.from({ length: MAX_BATCH_SIZE + 1 }, inspection))[0]!.message).toMatch(/at most 1000 events/);
  });

  it('refuses what is not an event object', () => {
    expect(issuesOf('hello')).toEqual([{ path: '', message: 'a CloudEvent must be a JSON object' }]);
    expect(issuesOf([42])).toEqual([{ path: '[0]', message: 'a CloudEvent must be a JSON object' }]);
  });
});
