import { UsageError } from './usage-error.js';

/** `base` (from `--url`) with `path` appended unless it already ends with it; a bad URL is a usage error (exit 2). */
export function serviceEndpoint(base: string, path: string): string {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new UsageError(`--url: địa chỉ không hợp lệ / not a URL: "${base}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url: phải là http(s) / must be http or https: "${base}"`);
  const trimmed = parsed.pathname.replace(/\/+$/, '');
  parsed.pathname = trimmed.endsWith(path) ? trimmed : `${trimmed}${path}`;
  return parsed.toString();
}
