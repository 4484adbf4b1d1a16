import { DEMO_CREDENTIALS_FILE, demoUserToken } from '@lienganh/platform';
import type { Bilingual } from './cli-language.js';

/** The `--token` option's description, for `text()`. */
export const TOKEN_HELP: Bilingual = {
  vi: 'mã truy cập của người dùng cho API của dịch vụ điều phối (mặc định: $LIENGANH_TOKEN, nếu không có thì mã của thường trực Ban Chỉ đạo demo trong .data/demo-credentials.json, do npm start ghi)',
  en: "a user's token for the coordination API (default: $LIENGANH_TOKEN, else the demo secretariat's token in .data/demo-credentials.json, written by npm start)",
};

/** `--token`, else `LIENGANH_TOKEN`, else the demo secretariat's token (`npm start` writes it); undefined when there is none. */
export function userToken(option: string | undefined): string | undefined {
  return option || process.env.LIENGANH_TOKEN || demoUserToken('secretariat', process.env.LIENGANH_CREDENTIALS_FILE ?? DEMO_CREDENTIALS_FILE);
}

export const authorization = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** The coordination service refused the user (401 or 403): why, and what to do (exit 2). */
export function refusedLine(status: number, message: string | undefined, token: string | undefined): string {
  const hint =
    status === 401
      ? token
        ? 'mã truy cập không được chấp nhận / the token was not accepted: check --token or LIENGANH_TOKEN'
        : 'cần mã truy cập / a token is needed: --token or LIENGANH_TOKEN (npm start writes demo tokens to .data/demo-credentials.json)'
      : 'người dùng này không được phép / this user may not do this';
  return `dịch vụ điều phối từ chối / refused by the coordination service (HTTP ${status})${message ? `: ${message}` : ''}; ${hint}`;
}
