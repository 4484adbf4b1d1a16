import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ContractError, parsePlanDocument, type Plan } from '@lienganh/contracts';
import { AgencyRegistry, AreaRegistry, checkPlanReferences } from '@lienganh/coordination';
import { Command } from 'commander';
import { UsageError } from '../usage-error.js';

/** `lienganh plan …`: plans (Kế hoạch) in the plan format, YAML or JSON. `import` comes with the coordination service. */
export function planCommand(): Command {
  const plan = new Command('plan').description('Work with plans (kế hoạch): check a plan file before importing it');
  plan
    .command('validate')
    .description('Check a plan file (YAML or JSON): every problem is listed; exit 2 when there is any')
    .argument('<file>', 'the plan, .yaml/.yml or .json')
    .option('--json', 'print the result as JSON')
    .action((file: string, options: { json?: boolean }) => {
      const result = validate(file);
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.valid) {
        console.log(`Hợp lệ / valid: ${result.planId}, ${result.targets} chỉ tiêu / targets, ${result.tasks} nhiệm vụ / tasks`);
      } else {
        console.log(`Không hợp lệ / invalid: ${result.problems.length} problem(s)`);
        for (const problem of result.problems) console.log(`  ${problem.path || '(plan)'}: ${problem.message}`);
      }
      if (!result.valid) process.exitCode = 2;
    });
  return plan;
}

type ValidationResult =
  | { valid: true; planId: string; targets: number; tasks: number }
  | { valid: false; problems: { path: string; message: string }[] };

function validate(file: string): ValidationResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
  let plan: Plan;
  try {
    plan = parsePlanDocument(text, extname(file).toLowerCase() === '.json' ? 'json' : 'yaml');
  } catch (error) {
    if (error instanceof ContractError) return { valid: false, problems: [...error.issues] };
    throw error;
  }
  // Against empty registries: the plan must declare every body and area that is not a service.
  const problems = checkPlanReferences(plan, new AgencyRegistry(), new AreaRegistry());
  return problems.length ? { valid: false, problems } : { valid: true, planId: plan.id, targets: plan.targets.length, tasks: plan.tasks.length };
}
