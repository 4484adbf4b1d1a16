import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not point (server-side request forgery): the addresses of this host and of
 * the networks behind it. A receiver's URL whose host is, or resolves to, one of them is refused
 * unless `LIENGANH_WEBHOOK_ALLOW` allows it.
 */
const BLOCKED_RANGES: readonly { readonly cidr: string; readonly kind: string }[] = [
  { cidr: '0.0.0.0/8', kind: 'an unspecified ("this network")' },
  { cidr: '10.0.0.0/8', kind: 'a private' },
  { cidr: '100.64.0.0/10', kind: 'a carrier-grade NAT (shared)' },
  { cidr: '127.0.0.0/8', kind: 'a loopback' },
  { cidr: '169.254.0.0/16', kind: 'a link-local (cloud metadata)' },
  { cidr: '172.16.0.0/12', kind: 'a private' },
  { cidr: '192.168.0.0/16', kind: 'a private' },
  { cidr: '::/128', kind: 'an unspecified' },
  { cidr: '::1/128', kind: 'a loopback' },
  { cidr: 'fc00::/7', kind: 'a unique-local' },
  { cidr: 'fe80::/10', kind: 'a link-local' },
];

const BLOCKED = BLOCKED_RANGES.map(({ cidr, kind }) => {
  const list = new BlockList();
  const [network, prefix] = cidr.split('/') as [string, string];
  const family = isIP(network) === 6 ? 'ipv6' : 'ipv4';
  list.addSubnet(network, Number(prefix), family);
  return { list, family, kind } as const;
});

/** The variable that allow-lists webhook hosts, addresses and ranges. */
export const WEBHOOK_ALLOW_ENV = 'LIENGANH_WEBHOOK_ALLOW';

/** `::ffff:10.0.0.1` (and `::ffff:a00:1`) is the IPv4 address it maps; anything else as it is. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  if (isIP(address) === 4) return { address, family: 'ipv4' };
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted && isIP(dotted[1]!) === 4) return { address: dotted[1]!, family: 'ipv4' };
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 'ipv4' };
  }
  return { address: lower, family: 'ipv6' };
}

/** What kind of refused address `address` is (`a loopback`, `a private`…), or undefined when a webhook may use it. */
export function refusedAddressKind(address: string): string | undefined {
  const { address: plain, family } = unmapped(address);
  if (isIP(plain) === 0) return 'an unknown';
  return BLOCKED.find((range) => range.family === family && range.list.check(plain, family))?.kind;
}

/**
 * What `LIENGANH_WEBHOOK_ALLOW` allows: a comma-separated list of host names (`hooks.internal`,
 * `localhost`), addresses (`127.0.0.1`, `::1`) and CIDR ranges (`10.20.0.0/16`, `fd00::/8`).
 * A host name listed may resolve to anything; an address or range listed may be reached under
 * any name.
 */
export class WebhookAllowList {
  private readonly hosts = new Set<string>();
  private readonly addresses = new BlockList();
  private readonly entries: readonly string[];

  constructor(entries: readonly string[] = []) {
    const kept: string[] = [];
    for (const raw of entries) {
      const entry = raw.trim();
      if (entry === '') continue;
      const [network, prefix, ...rest] = entry.replace(/^\[(.*)\]$/, '$1').split('/');
      const family = isIP(network!);
      if (prefix !== undefined || rest.length > 0) {
        const bits = Number(prefix);
        if (family === 0 || rest.length > 0 || !/^\d+$/.test(prefix ?? '') || bits > (family === 4 ? 32 : 128)) {
          throw new Error(`${WEBHOOK_ALLOW_ENV}: "${entry}" is not a host name, an address or a CIDR range`);
        }
        this.addresses.addSubnet(network!, bits, family === 4 ? 'ipv4' : 'ipv6');
      } else if (family !== 0) {
        this.addresses.addAddress(network!, family === 4 ? 'ipv4' : 'ipv6');
      } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(entry)) {
        this.hosts.add(entry.toLowerCase().replace(/\.$/, ''));
      } else {
        throw new Error(`${WEBHOOK_ALLOW_ENV}: "${entry}" is not a host name, an address or a CIDR range`);
      }
      kept.push(entry);
    }
    this.entries = kept;
  }

  /** From a comma- or space-separated text (the value of `LIENGANH_WEBHOOK_ALLOW`). */
  static parse(text: string | undefined): WebhookAllowList {
    return new WebhookAllowList((text ?? '').split(/[\s,]+/));
  }

  get size(): number {
    return this.entries.length;
  }

  allowsHost(host: string): boolean {
    return this.hosts.has(host.toLowerCase().replace(/\.$/, ''));
  }

  allowsAddress(address: string): boolean {
    const { address: plain, family } = unmapped(address);
    if (this.addresses.check(plain, family)) return true;
    // An IPv4 address listed also allows its IPv4-mapped IPv6 form, and the other way round.
    return family === 'ipv4' ? false : this.addresses.check(address, 'ipv6');
  }
}

/** Reads `LIENGANH_WEBHOOK_ALLOW`; unset: nothing allowed beyond public addresses. */
export function loadWebhookAllowList(env: NodeJS.ProcessEnv = process.env): WebhookAllowList {
  return WebhookAllowList.parse(env.LIENGANH_WEBHOOK_ALLOW);
}

/** The host of a URL as DNS and `net` take it: no brackets around IPv6, lower-case. */
export function urlHost(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/** Names that always mean this host, whatever DNS says (RFC 6761). */
function isLocalhostName(host: string): boolean {
  const name = host.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Why the webhook `host` at `address` is refused (`127.0.0.1 is a loopback address`), or
 * undefined when it may be used.
 */
export function refusal(host: string, address: string, allow: WebhookAllowList): string | undefined {
  if (allow.allowsHost(host) || allow.allowsAddress(address)) return undefined;
  const kind = refusedAddressKind(address);
  if (kind === undefined) return undefined;
  const named = host === address ? address : `${host} resolves to ${address}`;
  return `${named}, ${kind} address: refused (allow it in ${WEBHOOK_ALLOW_ENV})`;
}

/**
 * What can be told without DNS: a host that is an address, or `localhost`. Returns the reason
 * it is refused, or undefined (a name still to be resolved, or allowed).
 */
export function literalRefusal(url: string, allow: WebhookAllowList): string | undefined {
  const host = urlHost(url);
  if (isIP(host) !== 0) return refusal(host, host, allow);
  if (isLocalhostName(host)) {
    if (allow.allowsHost(host)) return undefined;
    return refusal(host, '127.0.0.1', allow) ?? refusal(host, '::1', allow);
  }
  return undefined;
}

export type Lookup = (host: string) => Promise<readonly LookupAddress[]>;

/** Every address `host` resolves to (the system resolver, as a connection would use it). */
export const systemLookup: Lookup = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

export class WebhookAddressRefusedError extends Error {
  override readonly name = 'WebhookAddressRefusedError';
}

/**
 * The addresses a webhook's host may be reached at: every address it resolves to is checked,
 * and any refused one refuses the host (a name that resolves to both a public and a private
 * address is not used). Throws `WebhookAddressRefusedError` saying why.
 */
export async function checkedAddresses(url: string, allow: WebhookAllowList, lookup: Lookup = systemLookup): Promise<LookupAddress[]> {
  const host = urlHost(url);
  const literal = literalRefusal(url, allow);
  if (literal) throw new WebhookAddressRefusedError(literal);
  if (isIP(host) !== 0) return [{ address: host, family: isIP(host) }];
  const addresses = isLocalhostName(host) ? [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }] : [...(await lookup(host))];
  if (addresses.length === 0) throw new WebhookAddressRefusedError(`${host} resolves to no address`);
  for (const { address } of addresses) {
    const reason = refusal(host, address, allow);
    if (reason) throw new WebhookAddressRefusedError(reason);
  }
  return addresses;
}
