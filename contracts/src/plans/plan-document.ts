import { parse as parseYaml, YAMLParseError } from 'yaml';
import { findEventDefinition } from '../catalog.js';
import { ContractError, contractErrorMap, issuesFromZod, type ContractIssue } from '../errors.js';
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
  return validatePlan(document);
}

/** Validates a plan already read (e.g. a JSON request body): the schema, then the catalog. */
export function validatePlan(document: unknown): Plan {
  const result = Plan.safeParse(document, { error: contractErrorMap });
  const issues = [...(result.success ? [] : issuesFromZod(result.error)), ...unknownEventTypes(document)];
  if (issues.length > 0 || !result.success) throw new ContractError(issues);
  return result.data;
}

/** Measures naming an event type the catalog does not hold; read from the raw document so they show beside schema problems. */
function unknownEventTypes(document: unknown): ContractIssue[] {
  const targets = (document as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return [];
  const issues: ContractIssue[] = [];
  targets.forEach((target, index) => {
    const measure = (target as { measure?: Record<string, unknown> } | null)?.measure;
    if (!measure || typeof measure !== 'object') return;
    for (const [part, selection] of [['', measure], ['numerator.', measure.numerator], ['denominator.', measure.denominator]] as const) {
      const type = (selection as { eventType?: unknown } | undefined)?.eventType;
      if (typeof type === 'string' && /^vn\.pcmd\./.test(type) && !findEventDefinition(type)) {
        issues.push({ path: `targets.${index}.measure.${part}eventType`, message: 'is not an event type of the catalog' });
      }
    }
  });
  return issues;
}
