import type { Request } from 'express';

/** The dashboard's session cookie: the user's token, HttpOnly, sent to /api/ only. */
export const SESSION_COOKIE = 'lienganh_session';

/** The token a request presents: `Authorization: Bearer <token>` first, else the session cookie. */
export function presentedToken(request: Request): string | undefined {
  const bearer = /^Bearer ([\x21-\x7e]{1,512})$/.exec(request.headers.authorization ?? '')?.[1];
  return bearer ?? cookieOf(request.headers.cookie, SESSION_COOKIE);
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    try {
      const value = decodeURIComponent(part.slice(separator + 1).trim());
      return value.length > 0 && value.length <= 512 ? value : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
