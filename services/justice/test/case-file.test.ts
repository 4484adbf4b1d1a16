import { buildEvent, justiceCaseProsecuted, justiceCaseTried, policeCaseTransferred, type BusEvent } from '@lienganh/contracts';
import { emptyCaseFiles, evolve } from '../src/case-files/case-file.js';

const transferred = buildEvent(policeCaseTransferred, policeCaseTransferred.example);
const prosecuted = buildEvent(justiceCaseProsecuted, { ...justiceCaseProsecuted.example, defendants: 3 });
const tried = buildEvent(justiceCaseTried, justiceCaseTried.example);

function caseFilesAfter(...events: BusEvent[]) {
  const state = emptyCaseFiles();
  for (const event of events) evolve(state, event);
  return state;
}

describe('case files', () => {
  it('follows a transferred case through prosecution and trial', () => {
    expect(caseFilesAfter(transferred, prosecuted).cases.get(transferred.data.caseId)).toMatchObject({ status: 'prosecuted', defendants: 3 });
    expect(caseFilesAfter(transferred, prosecuted, tried).cases.get(transferred.data.caseId)).toMatchObject({ status: 'tried', mobileTrial: tried.data.mobileTrial });
  });

  it('keeps steps read before their transfer (another replica recorded them) and applies them, once, when it comes', () => {
    const state = caseFilesAfter(prosecuted, tried, prosecuted, transferred, tried);
    expect(state.cases.get(transferred.data.caseId)).toMatchObject({ status: 'tried', defendants: tried.data.defendants });
    expect(state.early.size).toBe(0);
  });

  it('never turns a tried case back into a prosecuted one', () => {
    const late = buildEvent(justiceCaseProsecuted, justiceCaseProsecuted.example);
    expect(caseFilesAfter(transferred, prosecuted, tried, late).cases.get(transferred.data.caseId)!.status).toBe('tried');
  });

  it('applies the same id from two police units as two transfers: an event is its source + id', () => {
    const fromUnitA = buildEvent(policeCaseTransferred, { ...policeCaseTransferred.example, caseId: 'va-a' }, { id: '1001', unit: '001' });
    const fromUnitB = buildEvent(policeCaseTransferred, { ...policeCaseTransferred.example, caseId: 'va-b' }, { id: '1001', unit: '002' });
    expect([...caseFilesAfter(fromUnitA, fromUnitB, fromUnitB).cases.keys()]).toEqual(['va-a', 'va-b']);
  });

  it('ignores a step for a case never transferred until its transfer comes', () => {
    expect(caseFilesAfter(prosecuted).cases.size).toBe(0);
  });
});
