import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ContractError, parseOrThrow } from '../errors.js';
import { Plan } from './plan.schema.js';

export type PlanFormat = 'yaml' | 'json';

/** Reads a plan document (YAML or JSON); a plan that does not validate fails with every problem listed. */
export function parsePlanDocument(text: string, format: PlanFormat): Plan {
  let document: unknown;
  try {
    document = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw ContractError.single('', `the plan is not valid ${format.toUpperCase()}${where}`);
  }
  return parseOrThrow(Plan, document);
}
