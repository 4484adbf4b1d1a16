/** The languages the CLI speaks: Vietnamese for the officials who use it, English otherwise. */
export type CliLanguage = 'vi' | 'en';

/** A text given in both languages; `text()` picks the one of the locale. */
export interface Bilingual {
  vi: string;
  en: string;
}

/**
 * The locale's language as gettext reads it: POSIX precedence `LC_ALL`, `LC_MESSAGES`, `LANG`,
 * with `LANGUAGE` (a list: its first entry) before them when set, except under the C locale, where
 * gettext ignores it. Vietnamese when it starts with `vi` (vi, vi_VN, vi_VN.UTF-8), else English.
 */
export function cliLanguage(env: NodeJS.ProcessEnv = process.env): CliLanguage {
  const posix = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '');
  const isC = posix === undefined || /^(C|POSIX)([.@]|$)/.test(posix);
  const language = env.LANGUAGE?.split(':')[0];
  const locale = language && !isC ? language : posix;
  return locale !== undefined && /^vi([_.@-]|$)/i.test(locale) ? 'vi' : 'en';
}

/** The text of the locale; read when called, so that a program built after a change of locale follows it. */
export function text(pair: Bilingual): string {
  return pair[cliLanguage()];
}
