import { NATIONAL_SUMMARY_STREAM, STREAMS } from '@lienganh/contracts';
import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager, type StreamSource } from '@nats-io/jetstream';

/**
 * The national topology's NATS side (issue #24, ADR 0024): a hub whose JetStream domain is
 * `hub` takes leaf connections; each province site runs its own nats-server, a leaf node of the
 * hub, with a JetStream domain of its own, so that its streams stay its own and keep taking
 * events while the link is down. The hub gathers what the sites hold by sourcing their streams
 * across the leaf connections (`$JS.<domain>.API`): a source resumes where it stopped when the
 * link returns, so nothing is lost, and each message is taken once.
 */
export const HUB_DOMAIN = 'hub';

/** A province site's JetStream domain: `p` and the province's official code (`p01` Hà Nội, `p79` Hồ Chí Minh City). */
export function siteDomain(provinceCode: string): string {
  if (!/^\d{2}$/.test(provinceCode)) throw new RangeError(`a province code is two digits (the official list), not "${provinceCode}"`);
  return `p${provinceCode}`;
}

/** What a site signs in to the hub's leaf port with (nats-server 2.9 takes a user and password on a leaf remote; ADR 0024). */
export interface LeafCredentials {
  user: string;
  password: string;
}

/**
 * A hub node's configuration: JetStream in the hub's domain, and the port the sites' leaf nodes
 * dial, open only to the sites given. Without `storeDir` the store is given on the command line
 * (`-js -sd`, a cluster node's). `advertise`: the address sites reach this node's leaf port at, when
 * not its listen address. The file holds the sites' passwords: readable by the server only.
 */
export function hubNatsConfig(options: { storeDir?: string; leafHost?: string; leafPort: number; advertise?: string; sites: readonly LeafCredentials[] }): string {
  // A connected site learns every hub node's leaf address and dials those too when its line drops:
  // the address a province reaches the node at (public, or a load balancer's), not its listen address.
  const advertise = options.advertise === undefined ? '' : `, advertise: ${JSON.stringify(options.advertise)}`;
  const store = options.storeDir === undefined ? '' : `, store_dir: ${JSON.stringify(options.storeDir)}`;
  const users = options.sites.map(({ user, password }) => `{ user: ${JSON.stringify(user)}, password: ${JSON.stringify(password)} }`).join(', ');
  return [
    `jetstream { domain: ${HUB_DOMAIN}${store} }`,
    `leafnodes { listen: ${JSON.stringify(`${options.leafHost ?? '127.0.0.1'}:${options.leafPort}`)}${advertise}, authorization { users: [ ${users} ] } }`,
    '',
  ].join('\n');
}

/**
 * The backbone's own subjects (`pcmd.events.…`, `pcmd.refusals.…`): every site publishes on the
 * same ones, so they never cross a leaf connection, or a site's stream would also store what
 * another site publishes. Only JetStream's traffic crosses (the hub sourcing a site's streams).
 */
export const SITE_LOCAL_SUBJECTS = ['pcmd.>'];

/**
 * A province site's configuration: JetStream in its own domain, and a leaf connection to the hub
 * (every hub node's leaf URL, for failover) signed in with the site's credentials, which the file
 * then holds: readable by the server only.
 */
export function siteNatsConfig(options: { storeDir: string; domain: string; hubLeafUrls: readonly string[]; credentials: LeafCredentials }): string {
  if (options.domain === HUB_DOMAIN) throw new RangeError(`a site's domain is its own, not "${HUB_DOMAIN}"`);
  const local = JSON.stringify(SITE_LOCAL_SUBJECTS);
  const signedIn = options.hubLeafUrls.map((url) => {
    const withUser = new URL(url);
    withUser.username = options.credentials.user;
    withUser.password = options.credentials.password;
    return withUser.toString();
  });
  return [
    `jetstream { domain: ${options.domain}, store_dir: ${JSON.stringify(options.storeDir)} }`,
    `leafnodes { remotes: [ { urls: ${JSON.stringify(signedIn)}, deny_imports: ${local}, deny_exports: ${local} } ] }`,
    '',
  ].join('\n');
}

/** A stream of a site that the hub gathers. */
export interface SiteStream {
  /** The site's JetStream domain (`siteDomain`). */
  domain: string;
  stream: string;
}

/**
 * Creates (or brings up to date) the hub stream `name` that sources every site stream given. It
 * has no subjects of its own: it would otherwise also store what a site publishes while connected,
 * once directly and once through the source. Sources named before are kept: a site is added, never
 * dropped by omission. `latestOnly`: keep the latest message per subject (the sites' summaries).
 */
export async function gatherSiteStreams(hub: JetStreamManager, name: string, sites: readonly SiteStream[], options: { replicas?: number; latestOnly?: boolean } = {}): Promise<void> {
  const wanted = sites.map(sourceOf);
  let existing: StreamSource[] | undefined;
  try {
    existing = (await hub.streams.info(name)).config.sources ?? [];
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
  }
  if (!existing) {
    await hub.streams.add({ name, subjects: [], sources: wanted, num_replicas: options.replicas ?? 1, ...(options.latestOnly ? { max_msgs_per_subject: 1 } : {}) });
    return;
  }
  const key = (source: StreamSource) => `${source.external?.api ?? ''}|${source.name}`;
  const known = new Set(existing.map(key));
  const added = wanted.filter((source) => !known.has(key(source)));
  if (added.length > 0) await hub.streams.update(name, { sources: [...existing, ...added] });
}

/**
 * The hub's part of the national view: `PCMD_NATIONAL_SUMMARY` gathers the summary stream of each
 * province's site (official codes), the latest per site. Made before the sites connect; a site
 * added later is added here again (`npx lienganh nats provision --national-sites`).
 */
export function gatherSiteSummaries(hub: JetStreamManager, provinces: readonly string[], options: { replicas?: number } = {}): Promise<void> {
  return gatherSiteStreams(hub, NATIONAL_SUMMARY_STREAM, provinces.map((province) => ({ domain: siteDomain(province), stream: STREAMS.siteSummary.name })), { ...options, latestOnly: true });
}

/** `01,79` → the province codes, each checked (`siteDomain`); a RangeError names the first that is not one. */
export function provinceCodesFrom(list: string): string[] {
  const codes = list.split(',').map((code) => code.trim()).filter(Boolean);
  if (codes.length === 0) throw new RangeError('names no province: give two-digit official codes, e.g. 01,79');
  codes.forEach(siteDomain);
  return [...new Set(codes)];
}

function sourceOf({ domain, stream }: SiteStream): StreamSource {
  return { name: stream, external: { api: `$JS.${domain}.API`, deliver: '' } };
}
