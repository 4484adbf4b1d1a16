import { Command, CommanderError } from 'commander';
import { alertsCommand } from './commands/alerts.command.js';
import { benchCommand } from './commands/bench.command.js';
import { catalogCommand } from './commands/catalog.command.js';
import { checkCommand } from './commands/check.command.js';
import { docsCommand } from './commands/docs.command.js';
import { natsCommand } from './commands/nats.command.js';
import { bodiesCommand } from './commands/bodies.command.js';
import { consumersCommand } from './commands/consumers.command.js';
import { subscriptionsCommand } from './commands/subscriptions.command.js';
import { keysCommand } from './commands/keys.command.js';
import { usersCommand } from './commands/users.command.js';
import { planCommand } from './commands/plan.command.js';
import { reportCommand } from './commands/report.command.js';
import { replayCommand } from './commands/replay.command.js';
import { resetCommand } from './commands/reset.command.js';
import { simulateCommand } from './commands/simulate.command.js';
import { startCommand } from './commands/start.command.js';
import { checkRequiredOptions } from './required-option.js';
import { UsageError } from './usage-error.js';

const program = new Command('lienganh')
  .description('lienganh (liên ngành): the inter-agency backbone of Ban Chỉ đạo 138 / Steering Committee 138')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) })
  .showHelpAfterError('(run with --help for usage)')
  .hook('preAction', checkRequiredOptions);

for (const command of [catalogCommand(), docsCommand(), startCommand(), resetCommand(), natsCommand(), bodiesCommand(), consumersCommand(), subscriptionsCommand(), keysCommand(), usersCommand(), simulateCommand(), planCommand(), reportCommand(), alertsCommand(), replayCommand(), benchCommand(), checkCommand()]) program.addCommand(command);
inheritSettings(program);

/** addCommand() does not pass on exitOverride and output settings, at any depth; usage errors must exit 2. */
function inheritSettings(parent: Command): void {
  for (const command of parent.commands) {
    command.copyInheritedSettings(parent);
    inheritSettings(command);
  }
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

/** 0 done, 1 failure, 2 bad usage or bad input (DESIGN.md conventions). */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0; // --help, --version
    return 2;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`lienganh: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`lienganh: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
