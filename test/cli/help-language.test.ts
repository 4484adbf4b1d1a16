import type { Command } from 'commander';
import { cliLanguage } from '../../scripts/cli/src/cli-language.js';
import { createProgram } from '../../scripts/cli/src/program.js';
import { runCli } from '../support/cli.js';

// The test machine's own locale must not decide which language a run expects.
const NO_LOCALE = { LANGUAGE: '', LC_ALL: '', LC_MESSAGES: '', LANG: '' };
const VI = { ...NO_LOCALE, LANG: 'vi_VN.UTF-8' };
// A letter only Vietnamese uses: a description that lacks one was not translated.
const VIETNAMESE_LETTER = /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i;

describe('the language of the CLI', () => {
  it('follows the locale as gettext does: LANGUAGE, then LC_ALL, LC_MESSAGES, LANG', () => {
    expect(cliLanguage({ LANG: 'vi_VN.UTF-8' })).toBe('vi');
    expect(cliLanguage({ LANG: 'vi' })).toBe('vi');
    expect(cliLanguage({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(cliLanguage({ LANG: 'C' })).toBe('en');
    expect(cliLanguage({})).toBe('en');
    expect(cliLanguage({ LANG: 'vivid' })).toBe('en');
    expect(cliLanguage({ LC_ALL: 'vi_VN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('vi');
    expect(cliLanguage({ LC_ALL: 'en_US.UTF-8', LANG: 'vi_VN.UTF-8' })).toBe('en');
    expect(cliLanguage({ LC_MESSAGES: 'vi_VN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('vi');
    expect(cliLanguage({ LC_ALL: '', LANG: 'vi_VN.UTF-8' })).toBe('vi');
    expect(cliLanguage({ LANGUAGE: 'vi:en', LANG: 'en_US.UTF-8' })).toBe('vi');
    expect(cliLanguage({ LANGUAGE: 'en', LANG: 'vi_VN.UTF-8' })).toBe('en');
    expect(cliLanguage({ LANGUAGE: 'vi', LANG: 'C' })).toBe('en'); // gettext ignores LANGUAGE under C
  });
});

interface Described {
  path: string;
  description: string;
}

/** Every command, option and described argument of the program, at every depth, by where it is. */
function descriptions(command: Command, path = command.name()): Described[] {
  const help = command.createHelp();
  return [
    { path, description: command.description() },
    ...help.visibleOptions(command).map((option) => ({ path: `${path} ${option.flags}`, description: option.description })),
    ...command.registeredArguments.filter((argument) => argument.description).map((argument) => ({ path: `${path} <${argument.name()}>`, description: argument.description })),
    ...help.visibleCommands(command).flatMap((sub) => (command.commands.includes(sub) ? descriptions(sub, `${path} ${sub.name()}`) : [{ path: `${path} ${sub.name()}`, description: sub.description() }])),
  ];
}

function programIn(locale: NodeJS.ProcessEnv): Command {
  const saved = { ...process.env };
  Object.assign(process.env, NO_LOCALE, locale);
  try {
    return createProgram();
  } finally {
    for (const name of Object.keys(NO_LOCALE)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

describe('every description of the CLI', () => {
  const english = descriptions(programIn({ LANG: 'C' }));
  const vietnamese = descriptions(programIn({ LANG: 'vi_VN.UTF-8' }));

  it('walks the same commands and options in both languages', () => {
    expect(vietnamese.map((item) => item.path)).toEqual(english.map((item) => item.path));
    expect(english.length).toBeGreaterThan(100);
    for (const path of ['lienganh plan validate <file>', 'lienganh bodies credentials issue --out <file>', 'lienganh report --period <period>', 'lienganh help'])
      expect(english.map((item) => item.path)).toContain(path);
  });

  it('has a Vietnamese description, unlike the English one, for every command, subcommand, option and argument', () => {
    const untranslated = vietnamese
      .map((item, index) => ({ ...item, english: english[index]!.description }))
      .filter((item) => !item.description || item.description === item.english || !VIETNAMESE_LETTER.test(item.description));
    expect(untranslated).toEqual([]);
  });
});

describe('npx lienganh help and usage errors by locale', () => {
  it('speaks Vietnamese under a Vietnamese locale, English otherwise, at every depth', async () => {
    const [top, validate, issue, docs, english, c, lcAll] = await Promise.all([
      runCli(['--help'], VI),
      runCli(['plan', 'validate', '--help'], VI),
      runCli(['bodies', 'credentials', 'issue', '--help'], VI),
      runCli(['docs', '--help'], VI),
      runCli(['--help'], { ...NO_LOCALE, LANG: 'en_US.UTF-8' }),
      runCli(['plan', 'validate', '--help'], { ...NO_LOCALE, LANG: 'C' }),
      runCli(['--help'], { ...NO_LOCALE, LC_ALL: 'vi_VN.UTF-8', LANG: 'en_US.UTF-8' }),
    ]);
    for (const result of [top, validate, issue, docs, english, c, lcAll]) expect(result.code).toBe(0);

    for (const { stdout } of [top, lcAll]) {
      expect(stdout).toMatch(/^Cách dùng: lienganh /);
      for (const vi of ['Tùy chọn:', 'Lệnh:', 'hiện hướng dẫn của lệnh', 'Liệt kê mọi loại sự kiện', 'Làm việc với kế hoạch']) expect(stdout).toContain(vi);
      for (const en of ['Usage:', 'Options:', 'Commands:', 'display help for command', 'List every event type', 'Work with plans']) expect(stdout).not.toContain(en);
    }
    expect(validate.stdout).toMatch(/^Cách dùng: lienganh plan validate \[tùy chọn\] <file>\n/);
    expect(top.stdout).toContain('help [lệnh]');
    expect(top.stdout).not.toContain('[options]');
    for (const vi of ['Đối số:', 'tệp kế hoạch, .yaml/.yml hoặc .json', 'Kiểm tra tệp kế hoạch', 'in kết quả dạng JSON']) expect(validate.stdout).toContain(vi);
    expect(validate.stdout).not.toContain('Check a plan file');
    expect(issue.stdout).toContain('Cấp thông tin xác thực mới');
    expect(issue.stdout).toContain('Tùy chọn:');
    expect(issue.stdout).not.toContain('Issue new credentials');
    expect(docs.stdout).toContain('(mặc định: "');
    expect(docs.stdout).not.toContain('(default: ');

    expect(english.stdout).toMatch(/^Usage: lienganh /);
    for (const en of ['Options:', 'Commands:', 'display help for command', 'List every event type']) expect(english.stdout).toContain(en);
    expect(english.stdout).not.toContain('Cách dùng:');
    expect(c.stdout).toMatch(/^Usage: lienganh plan validate /);
    for (const en of ['Arguments:', 'Check a plan file', 'the plan, .yaml/.yml or .json']) expect(c.stdout).toContain(en);
  }, 120_000); // several npx runs, each a few seconds on a loaded machine

  it('names usage errors in Vietnamese, the option meant included, and exits 2', async () => {
    const cases: [string[], string[]][] = [
      [['report', '--peroid', '2021-Q2'], ["lỗi: không có tùy chọn '--peroid'", '(Ý bạn là --period?)', '(chạy với --help để xem cách dùng)']],
      [['simulate', '--agency', 'police'], ["lỗi: thiếu tùy chọn bắt buộc '--count <n>'"]],
      [['plan', 'validate'], ["lỗi: thiếu đối số bắt buộc 'file'"]],
      [['plan', 'validate', 'a.yaml', 'b.yaml'], ["lỗi: thừa đối số cho lệnh 'validate': cần 1, nhận 2: a.yaml, b.yaml."]],
      [['plna'], ["lỗi: không có lệnh 'plna'", '(Ý bạn là plan?)']],
      [['report', '--period'], ["lỗi: tùy chọn '--period <period>' thiếu giá trị"]],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, VI)));
    results.forEach((result, index) => {
      const [args, expected] = cases[index]!;
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      for (const text of expected) expect(result.stderr).toContain(text);
      expect(result.stderr).not.toMatch(/error:|Did you mean|run with --help/);
    });
    const english = await runCli(['report', '--peroid', '2021-Q2'], { ...NO_LOCALE, LANG: 'en_US.UTF-8' });
    expect(english.code).toBe(2);
    expect(english.stderr).toContain("error: unknown option '--peroid'\n(Did you mean --period?)");
  }, 120_000);
});
