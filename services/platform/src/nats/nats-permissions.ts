import { AGENCY_SERVICES, NATIONAL_SUMMARY_STREAM, READABLE_ENTITIES, READABLE_STREAM, readableSubjectOf, readerConsumerOf, readerInboxPrefixOf, REFUSAL_SUBJECT_PREFIX, refusalConsumerOf, refusalSubjectFor, REPORTING_SERVICE, STREAMS, SUBJECT_PREFIX, type AgencyService } from '@lienganh/contracts';
import { SESSIONS_BUCKET, USERS_BUCKET } from '../access/access-buckets.js';
import { BODIES_BUCKET, bodyInboxPrefix, bodyPublishSubject } from '../bodies/body-record.js';
import { deadLetterSubject } from '../consuming/event-consumer.js';
import { AGENCY_KEYS_BUCKET } from '../ingestion/agency-key-register.js';
import { SUBSCRIPTIONS_BUCKET } from '../subscriptions/subscriptions-bucket.js';
import { CASE_KEYS_BUCKET } from '../access/case-keys-bucket.js';
import { SNAPSHOTS_BUCKET } from './snapshots-bucket.js';

/**
 * Who may say and read what on NATS, derived from the agency registry: one nkey user per
 * identity, its subject permissions, and the nats-server configuration that carries them.
 * Pure: the CLI writes the result to deploy/nats/, a test checks the committed copy is current.
 *
 * - An agency service publishes only its own `pcmd.events.<agency>.>` subjects, and reads only
 *   through the consumers it declares (durable ones for its reactions, named replays at start).
 * - The reporting service publishes `pcmd.events.reporting.>` (each event on its body's subject)
 *   and reads the register of bodies' credentials (the `PCMD_BODIES` bucket).
 * - Coordination publishes its own subjects, reads the agency and coordination streams, keeps
 *   its lease in a key-value bucket, writes the register of bodies and keeps the snapshots of its
 *   read model in an object store (ADR 0022).
 * - A body issued credentials at run time (ADR 0011) publishes only `pcmd.events.reporting.<body>.>`;
 *   those users are not in the committed file: the process that runs nats-server adds them
 *   (`withBodyUsers`) and reloads it.
 * - A consumer identity (an outside system that reads, ADR 0017) publishes nothing: it may only
 *   create, look at, pull from and ack its own durable consumers on coordination's stream, one per
 *   kind of fact, each filter pinned within `pcmd.events.coordination.<plan|task|target|deadline>.>`.
 * - The operator (provisioning the streams, the CLI, tests) may do everything.
 * - Refusals (ADR 0014): coordination's refusal gate may remove a message from the agency stream
 *   and publish `pcmd.refusals.>`; each agency and each body reads only its own refusals, through
 *   the one durable consumer its permissions name (`refusals-<agency>`, `refusals-reporting-<body>`).
 * No service may create, change or delete a stream: only the operator provisions them.
 */

export const NATS_IDENTITIES = [...AGENCY_SERVICES, REPORTING_SERVICE, 'coordination', 'operator'] as const;
export type NatsIdentity = (typeof NATS_IDENTITIES)[number];

/** Coordination's key-value bucket for the lease that picks the instance running singleton work. */
export const COORDINATION_LEASE_BUCKET = 'coordination_lease';

/** One consumer an agency service reads through; permissions name it, filter included. */
export interface NatsRead {
  stream: string;
  /** The consumer's name: durable, or the fixed name of a replay (see `replayEvents`). */
  consumer: string;
  /** Its one filter subject; the whole stream when omitted. */
  filterSubject?: string;
  /** Durable consumers ack and dead-letter what keeps failing; replays only read. */
  kind: 'durable' | 'replay';
}

/** What each agency service reads (from its definition's `consumers` and `replays`). */
export type AgencyReads = Readonly<Record<AgencyService, readonly NatsRead[]>>;

export interface NatsUser {
  identity: NatsIdentity;
  /** The environment variable that holds the identity's public nkey when the server starts. */
  nkeyVariable: string;
  /** The connection's inbox prefix: replies and deliveries arrive only there. */
  inboxPrefix: string;
  publish: string[];
  subscribe: string[];
  /** One line for the configuration's comment. */
  summary: string;
}

/** Replies and consumer deliveries come to `<prefix>.>`; each identity subscribes to its own only. */
export function inboxPrefixOf(identity: NatsIdentity): string {
  return identity === 'operator' ? '_INBOX' : `_INBOX_${identity}`;
}

export function nkeyVariableOf(identity: NatsIdentity): string {
  return `LIENGANH_NKEY_${identity.toUpperCase()}`;
}

const API = '$JS.API';

/** JetStream API subjects to read one stream through a consumer of the given name (or `*`). */
function consumerApi(stream: string, consumer: string, createTail: string): string[] {
  return [
    `${API}.CONSUMER.CREATE.${stream}.${consumer}${createTail}`,
    `${API}.CONSUMER.INFO.${stream}.${consumer}`,
    `${API}.CONSUMER.DELETE.${stream}.${consumer}`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
  ];
}

/**
 * Read one's own refusals: create (with its filter pinned), look at and pull from the one durable
 * consumer named after the refusals subject, and ack what it delivers.
 */
export function refusalReads(refusalSubject: string): string[] {
  const stream = STREAMS.refusals.name;
  const consumer = refusalConsumerOf(refusalSubject);
  return [`${API}.INFO`, `${API}.STREAM.INFO.${stream}`, ...consumerApi(stream, consumer, `.${refusalSubject}`), `$JS.ACK.${stream}.${consumer}.>`];
}

function agencyUser(agency: AgencyService, reads: readonly NatsRead[]): NatsUser {
  const durables = reads.filter((read) => read.kind === 'durable');
  const streams = [STREAMS.agencyEvents.name, ...(durables.length > 0 ? [STREAMS.deadLetter.name] : [])];
  const publish = [
    `${SUBJECT_PREFIX}.${agency}.>`,
    `${API}.INFO`,
    ...streams.map((stream) => `${API}.STREAM.INFO.${stream}`),
    ...reads.flatMap((read) => [
      // The new consumer API puts the filter in the subject, so the permission pins it (nats-server >= 2.9).
      ...consumerApi(read.stream, read.consumer, read.filterSubject ? `.${read.filterSubject}` : ''),
      ...(read.kind === 'durable' ? [`$JS.ACK.${read.stream}.${read.consumer}.>`, deadLetterSubject(read.consumer)] : []),
    ]),
    ...refusalReads(refusalSubjectFor({ agency })),
    // Its API key issued at run time: digests only, never a key.
    ...bucketReads(AGENCY_KEYS_BUCKET),
  ];
  const what = reads.length === 0 ? 'reads nothing' : `reads ${[...new Set(reads.map((read) => read.filterSubject ?? read.stream))].join(', ')}`;
  return user(agency, dedupe(publish), `${agency}: publishes ${SUBJECT_PREFIX}.${agency}.>, ${what}; its refusals: ${refusalSubjectFor({ agency })}; its API key: ${AGENCY_KEYS_BUCKET}`);
}

/** Watch a key-value bucket (a push consumer with flow control on its stream) and read one entry. */
function bucketReads(bucket: string): string[] {
  return streamReads(`KV_${bucket}`);
}

/**
 * Read and replace the objects of an object store bucket: an object's description is the last
 * message on its `$O.<bucket>.M.<name>` subject (read by message get), its chunks are read through
 * an ordered push consumer with flow control; a put publishes the chunks and the description on
 * `$O.<bucket>.>`, then purges the chunks of the object it replaced.
 */
function objectStoreWrites(bucket: string): string[] {
  const stream = `OBJ_${bucket}`;
  return [`$O.${bucket}.>`, ...streamReads(stream), `${API}.STREAM.PURGE.${stream}`];
}

/** Read a bucket's stream: a push consumer with flow control on it, and one message by subject. */
function streamReads(stream: string): string[] {
  return [
    `${API}.STREAM.INFO.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}.>`,
    `${API}.CONSUMER.INFO.${stream}.*`,
    `${API}.CONSUMER.DELETE.${stream}.*`,
    `${API}.DIRECT.GET.${stream}.>`,
    `${API}.STREAM.MSG.GET.${stream}`,
    `$JS.FC.${stream}.>`,
  ];
}

function reportingUser(): NatsUser {
  const publish = [`${SUBJECT_PREFIX}.${REPORTING_SERVICE}.>`, `${API}.INFO`, `${API}.STREAM.INFO.${STREAMS.agencyEvents.name}`, ...bucketReads(BODIES_BUCKET)];
  return user(REPORTING_SERVICE, dedupe(publish), `${REPORTING_SERVICE}: publishes ${SUBJECT_PREFIX}.${REPORTING_SERVICE}.> (each body's own subjects), reads the register of bodies ${BODIES_BUCKET}`);
}

function coordinationUser(): NatsUser {
  const read = [STREAMS.agencyEvents.name, STREAMS.coordinationEvents.name];
  const lease = `KV_${COORDINATION_LEASE_BUCKET}`;
  const publish = [
    `${SUBJECT_PREFIX}.coordination.>`,
    deadLetterSubject('>'),
    `${API}.INFO`,
    ...Object.values(STREAMS).map((stream) => `${API}.STREAM.INFO.${stream.name}`),
    ...read.flatMap((stream) => [...consumerApi(stream, '*', '.>'), `${API}.CONSUMER.CREATE.${stream}.*`, `$JS.ACK.${stream}.>`]),
    // A target's latest contributing events are read back by sequence (ADR 0023).
    ...read.map((stream) => `${API}.STREAM.MSG.GET.${stream}`),
    // The refusal gate (ADR 0014): removes a refused message from the agency stream, tells its producer.
    `${API}.STREAM.MSG.DELETE.${STREAMS.agencyEvents.name}`,
    `${REFUSAL_SUBJECT_PREFIX}.>`,
    // The lease bucket is coordination's own: create it, write keys, read one key (no watchers).
    `$KV.${COORDINATION_LEASE_BUCKET}.>`,
    `${API}.STREAM.CREATE.${lease}`,
    `${API}.STREAM.INFO.${lease}`,
    `${API}.DIRECT.GET.${lease}.>`,
    // The register of bodies: the secretariat registers bodies and issues credentials through coordination.
    `$KV.${BODIES_BUCKET}.>`,
    ...bucketReads(BODIES_BUCKET),
    // Users and sessions of the dashboard and the API (ADR 0013): every instance watches and writes them.
    ...[USERS_BUCKET, SESSIONS_BUCKET].flatMap((bucket) => [`$KV.${bucket}.>`, ...bucketReads(bucket)]),
    // Agency API keys issued and revoked at run time.
    `$KV.${AGENCY_KEYS_BUCKET}.>`,
    ...bucketReads(AGENCY_KEYS_BUCKET),
    // Webhook subscriptions of outside systems (ADR 0017): the API writes them, the leader delivers and logs.
    `$KV.${SUBSCRIPTIONS_BUCKET}.>`,
    ...bucketReads(SUBSCRIPTIONS_BUCKET),
    // The key of case references (ADR 0021): written once by the first instance, read by all.
    `$KV.${CASE_KEYS_BUCKET}.>`,
    ...bucketReads(CASE_KEYS_BUCKET),
    // Snapshots of the read model (ADR 0022): each instance saves and loads them.
    ...objectStoreWrites(SNAPSHOTS_BUCKET),
    // Nationwide (ADR 0024): a site's coordination publishes its summary; the hub's reads the gathered ones.
    ...STREAMS.siteSummary.subjects,
    `${API}.STREAM.INFO.${NATIONAL_SUMMARY_STREAM}`,
    `${API}.STREAM.MSG.GET.${NATIONAL_SUMMARY_STREAM}`,
  ];
  return user(
    'coordination',
    dedupe(publish),
    `coordination: publishes ${SUBJECT_PREFIX}.coordination.>, reads ${read.join(' and ')} (through consumers, and by sequence), removes refused messages and publishes ${REFUSAL_SUBJECT_PREFIX}.>, keeps its lease in ${COORDINATION_LEASE_BUCKET}, writes the register of bodies ${BODIES_BUCKET}, users ${USERS_BUCKET}, sessions ${SESSIONS_BUCKET}, agency keys ${AGENCY_KEYS_BUCKET}, webhook subscriptions ${SUBSCRIPTIONS_BUCKET}, the key of case references ${CASE_KEYS_BUCKET} and the snapshots of its read model ${SNAPSHOTS_BUCKET}; publishes its site's summary ${STREAMS.siteSummary.subjects[0]} and reads the hub's ${NATIONAL_SUMMARY_STREAM}`,
  );
}

function operatorUser(): NatsUser {
  return { ...user('operator', ['>'], 'operator: provisions the streams; the CLI and tests; everything'), subscribe: ['>'] };
}

function user(identity: NatsIdentity, publish: string[], summary: string): NatsUser {
  const inboxPrefix = inboxPrefixOf(identity);
  return { identity, nkeyVariable: nkeyVariableOf(identity), inboxPrefix, publish, subscribe: [`${inboxPrefix}.>`], summary };
}

function dedupe(subjects: string[]): string[] {
  return [...new Set(subjects)];
}

/** Every identity with its permissions, agencies first (registry order), then coordination and the operator. */
export function natsUsers(reads: AgencyReads): NatsUser[] {
  return [...AGENCY_SERVICES.map((agency) => agencyUser(agency, reads[agency])), reportingUser(), coordinationUser(), operatorUser()];
}

const GENERATED = '# Generated by `npx lienganh nats config` from the agency registry: do not edit by hand.';

/** The `authorization` block: one nkey user per identity; the keys come from the environment, never from this file. */
export function renderAuthConf(users: readonly NatsUser[]): string {
  const blocks = users.map((entry) => userBlock(entry.summary, `$${entry.nkeyVariable}`, entry.publish, entry.subscribe));
  return `${GENERATED}
# One nkey user per identity, in the one (global) account that holds the JetStream streams.
# Each user's public key is read from the environment variable named here (\`npx lienganh nats keys\`
# writes them to an env file); nats-server refuses to start when one is missing.
# Bodies issued credentials at run time (ADR 0011) are added after the last user by the process
# that runs nats-server, or by \`npx lienganh nats config --bodies\`, then the server is reloaded.
authorization {
  users = [
${blocks.join(',\n')}
  ]
}
`;
}

function userBlock(summary: string, nkey: string, publish: readonly string[], subscribe: readonly string[]): string {
  const quote = (subject: string) => JSON.stringify(subject);
  const list = (subjects: readonly string[]) => `[\n${subjects.map((subject) => `          ${quote(subject)}`).join(',\n')}\n        ]`;
  return `    # ${summary}
    {
      nkey: ${nkey}
      permissions: {
        publish: { allow: ${list(publish)} }
        subscribe: { allow: ${list(subscribe)} }
      }
    }`;
}

/** A body (or consumer identity) issued credentials at run time: its public nkey (not secret) and code. */
export interface BodyNatsUser {
  code: string;
  natsPublicKey: string;
  /** `consumer`: reads coordination's facts only (ADR 0017). */
  role?: 'consumer';
}

/**
 * What a consumer identity may ask JetStream: its own durable consumers on coordination's stream
 * (one per kind of fact, the filter pinned within it: the new consumer API puts the filter in the
 * subject), their info, deletion, pulls and acks. No publish on any event subject, no other stream,
 * no direct message reads.
 */
export function consumerReads(code: string): string[] {
  return [
    `${API}.INFO`,
    `${API}.STREAM.INFO.${READABLE_STREAM}`,
    ...READABLE_ENTITIES.flatMap((entity) => {
      const consumer = readerConsumerOf(code, entity);
      return [...consumerApi(READABLE_STREAM, consumer, `.${readableSubjectOf(entity)}`), `$JS.ACK.${READABLE_STREAM}.${consumer}.>`];
    }),
  ];
}

export class AuthConfShapeError extends Error {
  override readonly name = 'AuthConfShapeError';
}

const AUTH_CONF_END = '\n  ]\n}\n';

/**
 * `auth.conf` (as `renderAuthConf` wrote it) with one nkey user per body after the last user:
 * each may publish only `pcmd.events.reporting.<body>.>`, read only its own refusals
 * (`pcmd.refusals.reporting.<body>`) and receive only on its own inbox; and one per consumer
 * identity, which reads coordination's facts through its own consumers (`consumerReads`).
 * nats-server cannot include a file inside the users list, so the whole file is rewritten.
 */
export function withBodyUsers(authConf: string, bodies: readonly BodyNatsUser[]): string {
  if (!authConf.endsWith(AUTH_CONF_END)) throw new AuthConfShapeError('auth.conf does not end with its users list: regenerate it with `npx lienganh nats config`');
  if (bodies.length === 0) return authConf;
  const blocks = bodies.map((body) => {
    if (!/^[a-z][a-z0-9-]{1,47}$/.test(body.code)) throw new AuthConfShapeError(`"${body.code}" is not a body code`);
    if (!/^U[A-Z2-7]{55}$/.test(body.natsPublicKey)) throw new AuthConfShapeError(`the NATS key of ${body.code} is not a public user nkey`);
    if (body.role === 'consumer') {
      return userBlock(
        `consumer ${body.code}: publishes nothing, reads ${READABLE_ENTITIES.map(readableSubjectOf).join(', ')} through its own durable consumers on ${READABLE_STREAM}`,
        body.natsPublicKey,
        consumerReads(body.code),
        [`${readerInboxPrefixOf(body.code)}.>`],
      );
    }
    const refusals = refusalSubjectFor({ body: body.code });
    return userBlock(
      `body ${body.code}: publishes ${bodyPublishSubject(body.code)} only, reads its refusals ${refusals}`,
      body.natsPublicKey,
      [bodyPublishSubject(body.code), ...refusalReads(refusals)],
      [`${bodyInboxPrefix(body.code)}.>`],
    );
  });
  return `${authConf.slice(0, -AUTH_CONF_END.length)},\n    # Bodies issued credentials at run time (ADR 0011)\n${blocks.join(',\n')}${AUTH_CONF_END}`;
}

/** One node: what `npm start` and the test harness run, with their address, port and store as flags. */
export function renderServerConf(): string {
  return `${GENERATED}
# A single nats-server with JetStream: \`nats-server -c deploy/nats/server.conf -sd <store dir>\`
# (the store is a flag, because nats-server refuses one in both places). The test harness and
# \`npm start\` run this file with their own address and port too (flags override the file).
server_name: lienganh
listen: 127.0.0.1:4222
jetstream: enabled
include auth.conf
`;
}

export const CLUSTER_NODES = [1, 2, 3] as const;
export type ClusterNode = (typeof CLUSTER_NODES)[number];

/** Client and route ports of the loopback cluster (4251-4253, 6251-6253). */
export function clusterPorts(node: ClusterNode): { client: number; route: number } {
  return { client: 4250 + node, route: 6250 + node };
}

/** One node of the three-node JetStream cluster on loopback (streams with 3 replicas survive one node). */
export function renderClusterNodeConf(node: ClusterNode): string {
  const { client, route } = clusterPorts(node);
  const routes = CLUSTER_NODES.filter((other) => other !== node).map((other) => `    nats-route://127.0.0.1:${clusterPorts(other).route}`);
  return `${GENERATED}
# Node ${node} of 3 of a JetStream cluster on loopback, run from the repository root (the store is
# under .data/). Routes are plain TCP on 127.0.0.1: across machines, put them on a private network
# with TLS and route authorization (deploy/container/nats.conf).
server_name: lienganh-node-${node}
listen: 127.0.0.1:${client}
jetstream {
  store_dir: ".data/nats-cluster/node-${node}"
}
cluster {
  name: lienganh
  listen: 127.0.0.1:${route}
  routes: [
${routes.join('\n')}
  ]
}
include ../auth.conf
`;
}

/** Every file of deploy/nats/, by path relative to it. */
export function natsConfigFiles(reads: AgencyReads): Record<string, string> {
  return {
    'auth.conf': renderAuthConf(natsUsers(reads)),
    'server.conf': renderServerConf(),
    ...Object.fromEntries(CLUSTER_NODES.map((node) => [`cluster/node-${node}.conf`, renderClusterNodeConf(node)])),
  };
}
