import { Option, type Command } from 'commander';
import { text } from './cli-language.js';

const required = new WeakSet<Option>();

/**
 * An option the command cannot run without. Unlike Commander's `requiredOption`, it is checked
 * after unknown options, so `report --peroid 2021-Q3` is told "unknown option '--peroid' (Did you
 * mean --period?)" rather than that `--period` is missing.
 */
export function requiredOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  required.add(option);
  return option;
}

/** The program's `preAction` hook: refuses a command run without one of its required options (exit 2). */
export function checkRequiredOptions(_program: Command, action: Command): void {
  const missing = action.options.find((option) => required.has(option) && action.getOptionValue(option.attributeName()) === undefined);
  if (missing) action.error(text({ vi: `lỗi: thiếu tùy chọn bắt buộc '${missing.flags}'`, en: `error: required option '${missing.flags}' not specified` }), { code: 'commander.missingMandatoryOptionValue', exitCode: 2 });
}
