import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ContractError, parsePlanDocument, type ContractIssue, type Plan } from '@lienganh/contracts';
import { AgencyRegistry, AreaRegistry, checkPlanReferences } from '@lienganh/coordination';
import { Command } from 'commander';
import { DEFAULT_COORDINATION_URL, plansEndpoint, postPlan, reportImport } from '../plans/plan-import.js';
import { UsageError } from '../usage-error.js';
import { TOKEN_HELP, userToken } from '../user-token.js';
import { text } from '../cli-language.js';

/** `lienganh plan …`: plans (Kế hoạch) in the plan format, YAML or JSON. */
export function planCommand(): Command {
  const plan = new Command('plan').description(text({ vi: 'Làm việc với kế hoạch: kiểm tra tệp kế hoạch, nhập kế hoạch vào dịch vụ điều phối', en: 'Work with plans (kế hoạch): check a plan file, import it into the coordination service' }));
  plan
    .command('validate')
    .description(text({ vi: 'Kiểm tra tệp kế hoạch (YAML hoặc JSON): liệt kê mọi lỗi; thoát mã 2 nếu có lỗi', en: 'Check a plan file (YAML or JSON): every problem is listed; exit 2 when there is any' }))
    .argument('<file>', text({ vi: 'tệp kế hoạch, .yaml/.yml hoặc .json', en: 'the plan, .yaml/.yml or .json' }))
    .option('--json', text({ vi: 'in kết quả dạng JSON', en: 'print the result as JSON' }))
    .action((file: string, options: { json?: boolean }) => {
      const read = readPlan(file);
      // Against empty registries: the plan must declare every body and area that is not a service.
      const problems = 'problems' in read ? read.problems : checkPlanReferences(read.plan, new AgencyRegistry(), new AreaRegistry());
      if ('problems' in read || problems.length > 0) return printInvalid(problems, options.json);
      const result = { valid: true, planId: read.plan.id, targets: read.plan.targets.length, tasks: read.plan.tasks.length };
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else console.log(`Hợp lệ / valid: ${result.planId}, ${result.targets} chỉ tiêu / targets, ${result.tasks} nhiệm vụ / tasks`);
    });
  plan
    .command('import')
    .description(text({ vi: 'Nhập tệp kế hoạch vào dịch vụ điều phối (POST /api/v1/plans); kiểm tra tại đây trước: nếu không hợp lệ thì thoát mã 2 và không gửi gì', en: 'Import a plan file into the coordination service (POST /api/v1/plans); checked here first: when invalid, exit 2 and nothing is sent' }))
    .argument('<file>', text({ vi: 'tệp kế hoạch, .yaml/.yml hoặc .json', en: 'the plan, .yaml/.yml or .json' }))
    .option('--url <url>', text({ vi: `dịch vụ điều phối (mặc định: $LIENGANH_COORDINATION_URL, nếu không có thì ${DEFAULT_COORDINATION_URL})`, en: `the coordination service (default: $LIENGANH_COORDINATION_URL, else ${DEFAULT_COORDINATION_URL})` }))
    .option('--token <token>', text(TOKEN_HELP))
    .option('--json', text({ vi: 'in câu trả lời của dịch vụ dạng JSON', en: "print the service's answer as JSON" }))
    .action(async (file: string, options: { url?: string; token?: string; json?: boolean }) => {
      const endpoint = plansEndpoint(options.url);
      // Schema and catalog only: bodies and areas are checked by the service, against its registries.
      const read = readPlan(file);
      if ('problems' in read) return printInvalid(read.problems, options.json);
      process.exitCode = reportImport(await postPlan(endpoint, read.plan, userToken(options.token)), endpoint, options.json === true);
    });
  return plan;
}

/** Reads and parses a plan file (YAML, or JSON by its extension); an unreadable file is bad usage (exit 2). */
function readPlan(file: string): { plan: Plan } | { problems: ContractIssue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
  try {
    return { plan: parsePlanDocument(text, extname(file).toLowerCase() === '.json' ? 'json' : 'yaml') };
  } catch (error) {
    if (error instanceof ContractError) return { problems: [...error.issues] };
    throw error;
  }
}

/** Every problem, one a line (or as JSON); exit 2. */
function printInvalid(problems: readonly ContractIssue[], json: boolean | undefined): void {
  if (json) process.stdout.write(`${JSON.stringify({ valid: false, problems }, null, 2)}\n`);
  else {
    console.log(`Không hợp lệ / invalid: ${problems.length} problem(s)`);
    for (const problem of problems) console.log(`  ${problem.path || '(plan)'}: ${problem.message}`);
  }
  process.exitCode = 2;
}
