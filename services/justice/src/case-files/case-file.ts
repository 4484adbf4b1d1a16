import {
  eventKey,
  justiceCaseProsecuted,
  justiceCaseTried,
  policeCaseTransferred,
  type BusEvent,
  type EventData,
  type EventDefinition,
} from '@lienganh/contracts';

/**
 * The criminal chain as justice sees it: police transfer a case file to the procuracy,
 * the procuracy prosecutes (truy tố), the court tries (xét xử). Pure `evolve`/`decide`.
 */
export type CaseFileStatus = 'transferred' | 'prosecuted' | 'tried';

export interface CaseFile {
  caseId: string;
  areaCode: string;
  procuracyUnit: string;
  defendants: number;
  transferredAt: string;
  status: CaseFileStatus;
  mobileTrial?: boolean;
  exemplaryTrial?: boolean;
}

export interface CaseFilesState {
  cases: Map<string, CaseFile>;
  /** Applied events by `eventKey` (source + id): a redelivered or replayed event changes nothing. */
  applied: Set<string>;
  /**
   * Steps read before the transfer they follow, by case: a replica reads transfers and steps
   * through two consumers, which need not keep pace. Applied, in order, when the transfer comes.
   */
  early: Map<string, BusEvent[]>;
}

export const emptyCaseFiles = (): CaseFilesState => ({ cases: new Map(), applied: new Set(), early: new Map() });

export function evolve(state: CaseFilesState, event: BusEvent): void {
  if (state.applied.has(eventKey(event))) return;
  if (event.type === policeCaseTransferred.type) {
    state.applied.add(eventKey(event));
    const data = event.data as EventData<typeof policeCaseTransferred>;
    if (!state.cases.has(data.caseId)) {
      state.cases.set(data.caseId, { ...data, transferredAt: event.time, status: 'transferred' });
    }
    const early = state.early.get(data.caseId) ?? [];
    state.early.delete(data.caseId);
    for (const step of early) evolve(state, step);
    return;
  }
  if (event.type !== justiceCaseProsecuted.type && event.type !== justiceCaseTried.type) return;
  const caseId = (event.data as { caseId: string }).caseId;
  const file = state.cases.get(caseId);
  if (!file) {
    const early = state.early.get(caseId) ?? [];
    if (!early.some((step) => step.id === event.id && step.source === event.source)) state.early.set(caseId, [...early, event]);
    return;
  }
  state.applied.add(eventKey(event));
  // A trial is never undone by a prosecution read after it (a replay, another replica's answer).
  if (event.type === justiceCaseProsecuted.type && file.status === 'transferred') {
    Object.assign(file, { status: 'prosecuted', defendants: (event.data as EventData<typeof justiceCaseProsecuted>).defendants });
  } else if (event.type === justiceCaseTried.type) {
    const tried = event.data as EventData<typeof justiceCaseTried>;
    Object.assign(file, { status: 'tried', defendants: tried.defendants, mobileTrial: tried.mobileTrial, exemplaryTrial: tried.exemplaryTrial });
  }
}

export type CaseCommand =
  | { kind: 'prosecute'; defendants: number; offences: EventData<typeof justiceCaseProsecuted>['offences'] }
  | { kind: 'try'; defendants: number; mobileTrial: boolean; exemplaryTrial: boolean; verdict: EventData<typeof justiceCaseTried>['verdict'] };

export class CaseFileNotFoundError extends Error {
  override readonly name = 'CaseFileNotFoundError';
}

export class CaseFileStateError extends Error {
  override readonly name = 'CaseFileStateError';
}

const STEP: Record<CaseCommand['kind'], { from: CaseFileStatus; definition: EventDefinition }> = {
  prosecute: { from: 'transferred', definition: justiceCaseProsecuted },
  try: { from: 'prosecuted', definition: justiceCaseTried },
};

export function decide(file: CaseFile | undefined, caseId: string, command: CaseCommand): { definition: EventDefinition; data: Record<string, unknown> } {
  if (!file) throw new CaseFileNotFoundError(`case "${caseId}" was not transferred to the procuracy`);
  const { kind, ...fields } = command;
  const step = STEP[kind];
  if (file.status !== step.from) throw new CaseFileStateError(`cannot ${kind} a case that is ${file.status}`);
  return { definition: step.definition, data: { caseId, areaCode: file.areaCode, ...fields } };
}
