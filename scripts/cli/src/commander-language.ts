import { Help, type Argument, type Command, type Option } from 'commander';
import { cliLanguage, text } from './cli-language.js';

/** Commander's section titles (help.js formatHelp) in Vietnamese. */
const TITLES: Record<string, string> = {
  'Usage:': 'Cách dùng:',
  'Arguments:': 'Đối số:',
  'Options:': 'Tùy chọn:',
  'Global Options:': 'Tùy chọn chung:',
  'Commands:': 'Lệnh:',
};

/** The placeholders of commander's usage lines ("lienganh plan [options] [command]"). */
const PLACEHOLDERS: Record<string, string> = { '[options]': '[tùy chọn]', '[command]': '[lệnh]' };
const localisedUsage = (usage: string) => usage.replace(/\[(options|command)\]/g, (placeholder) => PLACEHOLDERS[placeholder]!);

/** The words of the "(default: …, choices: …)" commander appends to a description. */
const EXTRA_INFO: Record<string, string> = { choices: 'lựa chọn', default: 'mặc định', preset: 'giá trị sẵn', env: 'biến môi trường' };

/**
 * Commander's error messages (command.js, suggestSimilar.js) and the project's required option
 * message, in Vietnamese. Commander has no hook for its messages, only for their output, so they
 * are recognised by their wording; an unknown one keeps its English, behind a Vietnamese "lỗi:".
 */
const ERRORS: [RegExp, (...groups: string[]) => string][] = [
  [/^error: unknown option '([^']*)'/, (flag) => `lỗi: không có tùy chọn '${flag}'`],
  [/^error: unknown command '([^']*)'/, (name) => `lỗi: không có lệnh '${name}'`],
  [/^error: missing required argument '([^']*)'/, (name) => `lỗi: thiếu đối số bắt buộc '${name}'`],
  [/^error: option '([^']*)' argument missing/, (flags) => `lỗi: tùy chọn '${flags}' thiếu giá trị`],
  [/^error: required option '([^']*)' not specified/, (flags) => `lỗi: thiếu tùy chọn bắt buộc '${flags}'`],
  [
    /^error: too many arguments(?: for '([^']*)')?\. Expected (\d+) arguments? but got (\d+): (.*)\./,
    (name, expected, received, details) => `lỗi: thừa đối số${name ? ` cho lệnh '${name}'` : ''}: cần ${expected}, nhận ${received}: ${details}.`,
  ],
  [/^\(Did you mean one of (.*)\?\)/m, (candidates) => `(Ý bạn là một trong ${candidates}?)`],
  [/^\(Did you mean (.*)\?\)/m, (candidate) => `(Ý bạn là ${candidate}?)`],
  [/^error: /, () => 'lỗi: '],
];

/** A commander error message in the CLI's language; the flags and names it quotes stay as typed. */
export function localisedError(message: string): string {
  if (cliLanguage() === 'en') return message;
  let translated = message;
  for (const [pattern, replace] of ERRORS) {
    // An unmatched optional group is undefined; the offset and whole string that follow the groups are ignored.
    translated = translated.replace(pattern, (_match, ...groups: unknown[]) => replace(...groups.map((group) => (typeof group === 'string' ? group : ''))));
  }
  return translated;
}

/**
 * Makes commander speak the CLI's language on `program`: its help option and help command, the
 * titles, usage placeholders and "(default: …)" of the help, its error messages. Call before the
 * settings are passed on to the subcommands (copyInheritedSettings), so that every depth has them.
 */
export function localiseCommander(program: Command): Command {
  const helpDescription = text({ vi: 'hiện hướng dẫn của lệnh', en: 'display help for command' });
  program
    .helpOption('-h, --help', helpDescription)
    .helpCommand('help [command]', helpDescription)
    .showHelpAfterError(text({ vi: '(chạy với --help để xem cách dùng)', en: '(run with --help for usage)' }))
    .configureOutput({ outputError: (message, write) => write(localisedError(message)) });
  if (cliLanguage() === 'vi') {
    program.configureHelp({
      styleTitle: (title) => TITLES[title] ?? title,
      commandUsage(this: Help, command: Command) {
        return localisedUsage(Help.prototype.commandUsage.call(this, command));
      },
      subcommandTerm(this: Help, command: Command) {
        return localisedUsage(Help.prototype.subcommandTerm.call(this, command));
      },
      optionDescription(this: Help, option: Option) {
        return localisedExtraInfo(option.description, Help.prototype.optionDescription.call(this, option));
      },
      argumentDescription(this: Help, argument: Argument) {
        return localisedExtraInfo(argument.description, Help.prototype.argumentDescription.call(this, argument));
      },
    });
  }
  return program;
}

/** `described` is `description` followed by commander's "(default: …)"; only the latter is translated. */
function localisedExtraInfo(description: string, described: string): string {
  if (described === description) return described;
  const extra = description ? described.slice(description.length + 1) : described;
  const translated = extra.replace(/(^\(|, )(choices|default|preset|env): /g, (_match, before: string, word: string) => `${before}${EXTRA_INFO[word]}: `);
  return description ? `${description} ${translated}` : translated;
}
