import { ContractError, validatePlan } from '@lienganh/contracts';

/** The issues `validatePlan` finds in a document (none when it is valid): for the plan-format tests. */
export function planIssuesOf(document: unknown): readonly { path: string; message: string }[] {
  try {
    validatePlan(document);
    return [];
  } catch (error) {
    if (error instanceof ContractError) return error.issues;
    throw error;
  }
}
