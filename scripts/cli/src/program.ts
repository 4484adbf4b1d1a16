import { Command } from 'commander';
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
import { unitsCommand } from './commands/units.command.js';
import { checkRequiredOptions } from './required-option.js';
import { text } from './cli-language.js';
import { localiseCommander } from './commander-language.js';

/** The `lienganh` program with every command, in the locale's language (read now, see cli-language.ts). */
export function createProgram(): Command {
  const program = new Command('lienganh')
    .description(
      text({
        vi: 'lienganh (liên ngành): hệ thống trục liên ngành của Ban Chỉ đạo 138',
        en: 'lienganh (liên ngành): the inter-agency backbone of Ban Chỉ đạo 138 / Steering Committee 138',
      }),
    )
    .exitOverride()
    .hook('preAction', checkRequiredOptions);
  localiseCommander(program);
  for (const command of [catalogCommand(), docsCommand(), startCommand(), resetCommand(), natsCommand(), bodiesCommand(), consumersCommand(), subscriptionsCommand(), keysCommand(), usersCommand(), simulateCommand(), planCommand(), reportCommand(), alertsCommand(), replayCommand(), benchCommand(), checkCommand(), unitsCommand()]) program.addCommand(command);
  inheritSettings(program);
  return program;
}

/** addCommand() does not pass on exitOverride, output and help settings, at any depth; usage errors must exit 2. */
function inheritSettings(parent: Command): void {
  for (const command of parent.commands) {
    command.copyInheritedSettings(parent);
    inheritSettings(command);
  }
}
