import type { Request } from 'express';

/** The dashboard's session cookie: an opaque session id (ADR 0013), HttpOnly, sent to /api/ only. Never a token. */
export const SESSION_COOKIE = 'lienganh_session';

/** `Authorization: Bearer <token>`, if the request has one. */
export function bearerToken(request: Request): string | undefined {
  return /^Bearer ([\x21-\x7e]{1,512})$/.exec(request.headers.authorization ?? '')?.[1];
}

/** The session id of the dashboard's cookie, if the request has one. */
export function sessionCookie(request: Request): string | undefined {
  return cookieOf(request.headers.cookie, SESSION_COOKIE);
}

/** What a request presents to say who it is: the bearer token first, else the session id (the rate limit's client). */
export function presentedToken(request: Request): string | undefined {
  return bearerToken(request) ?? sessionCookie(request);
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
