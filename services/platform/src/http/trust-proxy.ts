import { isIP } from 'node:net';

/** What Express's `trust proxy` takes: hops to trust, every proxy, or the proxies' addresses and ranges. */
export type TrustProxy = number | boolean | string[];

export class TrustProxyError extends Error {
  override readonly name = 'TrustProxyError';
}

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `TRUST_PROXY`, for a service behind a TLS-terminating proxy: which proxies may say, in
 * X-Forwarded-For and X-Forwarded-Proto, who the client is and whether it came over HTTPS. Then
 * `request.secure` (the session cookie's `Secure`) and `request.ip` (the per-address rate limit)
 * come from the proxy's headers. Unset (or `false`): none, the headers are ignored, since anyone
 * could send them. A number: that many proxies in front; `loopback`, `linklocal`, `uniquelocal`,
 * addresses and CIDR ranges, comma-separated: the proxies themselves; `true`: every sender (only
 * when nothing reaches the service but through the proxy).
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): TrustProxy | undefined {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || raw === 'false' || raw === 'off') return undefined;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops < 1 || hops > 10) throw new TrustProxyError(`TRUST_PROXY: số proxy từ 1 đến 10 / a number of proxies must be 1 to 10, got "${raw}"`);
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (NAMED_RANGES.has(entry)) continue;
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 4 ? 32 : 128;
    if (family === 0 || rest.length > 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new TrustProxyError(`TRUST_PROXY: "${entry}" không phải địa chỉ hay dải địa chỉ / is not an address, a CIDR range, loopback, linklocal or uniquelocal (or a number of proxies, true, false)`);
    }
  }
  return entries;
}
