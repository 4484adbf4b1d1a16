import type { z } from 'zod';
import { findPersonalData } from './personal-data.js';

/** One thing wrong with an input: where (a dotted path such as `data.business.kind`) and why. */
export interface ContractIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Raised for any input that breaks a contract: an unknown event type, a missing CloudEvents
 * attribute, a payload that fails its schema, a NATS message in neither content mode.
 * `issues` lists every problem found, not only the first, so that a caller can fix them all at once.
 */
export class ContractError extends Error {
  override readonly name = 'ContractError';

  constructor(readonly issues: readonly ContractIssue[]) {
    super(issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '));
  }

  static single(path: string, message: string): ContractError {
    return new ContractError([{ path, message }]);
  }
}

/** Error map used for every parse: says "is required" instead of zod's "received undefined". */
export const contractErrorMap: z.core.$ZodErrorMap = (issue) =>
  (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined ? 'is required' : undefined;

/**
 * Flattens zod issues into ContractIssues. An unknown key is reported at its own path
 * (`data.extra: unknown field`), which is what a caller needs to find it.
 * The offending input value is never echoed: it may hold personal data.
 */
export function issuesFromZod(error: z.ZodError, prefix = ''): ContractIssue[] {
  const issues: ContractIssue[] = [];
  for (const issue of error.issues) {
    const base = [prefix, ...issue.path.map(nameableKey)].filter((part) => part !== '');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: [...base, nameableKey(key)].join('.'), message: 'unknown field (not in the schema)' });
      }
    } else {
      issues.push({ path: base.join('.'), message: issue.message });
    }
  }
  return issues;
}

/** Parses `input` with `schema`, or throws a ContractError listing every issue (under `prefix`). */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(input, { error: contractErrorMap });
  if (!result.success) throw new ContractError(issuesFromZod(result.error, prefix));
  return result.data;
}

/** What stands in a path for a key that cannot be named. */
export const UNNAMEABLE_KEY = '[…]';
const PLAIN_KEY = /^[A-Za-z0-9_$][A-Za-z0-9_$.:-]{0,63}$/;

/**
 * A key as a path may name it: the sender's own keys (`{"0912 345 678": …}`, `{"Nguyễn Thị Hoa": …}`)
 * are values in all but name, and a path is what refusals, answers and logs repeat.
 */
function nameableKey(key: PropertyKey): string {
  if (typeof key === 'number') return String(key);
  const text = String(key);
  return PLAIN_KEY.test(text) && findPersonalData(text).length === 0 ? text : UNNAMEABLE_KEY;
}
