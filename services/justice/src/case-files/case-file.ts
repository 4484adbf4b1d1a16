import {
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
  applied: Set<string>;
}

export const emptyCaseFiles = (): CaseFilesState => ({ cases: new Map(), applied: new Set() });

export function evolve(state: CaseFilesState, event: BusEvent): void {
  if (state.applied.has(event.id)) return;
  state.applied.add(event.id);
  if (event.type === policeCaseTransferred.type) {
    const data = event.data as EventData<typeof policeCaseTransferred>;
    if (!state.cases.has(data.caseId)) {
      state.cases.set(data.caseId, { ...data, transferredAt: event.time, status: 'transferred' });
    }
    return;
  }
  const file = state.cases.get((event.data as { caseId: string }).caseId);
  if (!file) return;
  if (event.type === justiceCaseProsecuted.type) {
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
