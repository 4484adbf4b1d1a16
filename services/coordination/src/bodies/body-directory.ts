import { randomUUID } from 'node:crypto';
import { ContractError, coordinationBodyRegistered, isProducerAgency, issuesFromZod, refusalConsumerOf, refusalSubjectFor, REPORTING_SERVICE, STREAMS } from '@lienganh/contracts';
import { bodyInboxPrefix, bodyPublishSubject, newBodySecrets, type BodyRecord, type BodyRegister } from '@lienganh/platform';
import type { AgencyRegistry } from '../registry/agency-registry.js';
import type { CoordinationPublisher } from '../publishing/coordination-publisher.js';
import type { Clock } from '../http/tokens.js';

/** What the secretariat sends to register a body: the event's data without who registered it. */
const NewBody = coordinationBodyRegistered.schema.omit({ registeredBy: true });

export class BodyExistsError extends Error {
  override readonly name = 'BodyExistsError';
}
export class UnknownBodyError extends Error {
  override readonly name = 'UnknownBodyError';
}
export class NoCredentialsError extends Error {
  override readonly name = 'NoCredentialsError';
}

/** A body as `GET /api/v1/bodies` lists it; never a secret. */
export interface BodyListing {
  code: string;
  title: { vi: string; en: string };
  kind?: string;
  origin: 'registered' | 'plan';
  credentials: 'active' | 'revoked' | 'none';
  issuedAt?: string;
  issuedBy?: string;
  revokedAt?: string;
  natsPublicKey?: string;
}

/** One step of a body's record: who registered it, issued or revoked its credentials, and when. */
export interface BodyHistoryStep {
  revision: number;
  what: 'registered' | 'credentials-issued' | 'credentials-revoked';
  at: string;
  by: string;
  natsPublicKey?: string;
}

/** Credentials as issued: the secrets are in this answer only. */
export interface IssuedCredentials {
  body: string;
  httpKey: string;
  natsSeed: string;
  natsPublicKey: string;
  source: string;
  natsPublish: string;
  natsInboxPrefix: string;
  /** Where the body reads why an event it published on NATS was refused (ADR 0014), and the durable consumer it reads through. */
  natsRefusals: { subject: string; stream: string; consumer: string };
  issuedAt: string;
}

/**
 * The secretariat's register of bodies (ADR 0011): bodies registered at run time and every body's
 * credentials live in the `PCMD_BODIES` bucket; bodies a plan names live in the agency registry
 * and enter the bucket when issued credentials. The services (`reporting` included) report
 * through their own identities, not through body credentials.
 */
export class BodyDirectory {
  constructor(
    private readonly register: BodyRegister,
    private readonly agencies: () => AgencyRegistry,
    private readonly publisher: CoordinationPublisher,
    private readonly clock: Clock,
  ) {}

  /**
   * Puts the bodies registered at run time into the agency registry, so that a plan may name them
   * without declaring them (the bucket is their record; the registry is rebuilt from plans at each start).
   */
  syncRegistry(): void {
    const agencies = this.agencies();
    for (const record of this.register.all()) if (record.origin === 'registered' && record.role !== 'consumer') agencies.register({ code: record.code, name: record.title });
  }

  list(): BodyListing[] {
    const listed = new Map<string, BodyListing>();
    for (const entry of this.agencies().list()) {
      if (!isProducerAgency(entry.code)) listed.set(entry.code, { code: entry.code, title: entry.name, origin: 'plan', credentials: 'none' });
    }
    for (const record of this.register.all()) if (record.role !== 'consumer') listed.set(record.code, listingOf(record));
    return [...listed.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  }

  /** Registers a body (400 naming the field, 409 when its code is taken) and records it as `coordination.body.registered`. */
  async registerBody(input: unknown, by: string): Promise<BodyListing> {
    const parsed = NewBody.safeParse(input);
    if (!parsed.success) throw new ContractError(issuesFromZod(parsed.error));
    const { code, title, kind } = parsed.data;
    if (isProducerAgency(code)) throw new BodyExistsError(`"${code}" is a service of the backbone, not a body to register`);
    if (this.agencies().has(code) || this.register.get(code) || (await this.register.read(code))) throw new BodyExistsError(`"${code}" is already registered (a body or a consumer identity)`);
    const at = this.clock.now().toISOString();
    const record: BodyRecord = { code, title, kind, origin: 'registered', registeredAt: at, registeredBy: by };
    try {
      await this.register.write(record, 0);
    } catch (error) {
      // Another request created it first (compare-and-set on revision 0).
      if (await this.register.read(code)) throw new BodyExistsError(`body "${code}" is already registered`);
      throw error;
    }
    await this.publisher.publish(coordinationBodyRegistered, { code, title, kind, registeredBy: by }, { id: `body-${code}-${randomUUID()}`, time: at });
    return listingOf(record);
  }

  /** The body's record from the bucket's history (the last 20 entries), oldest first; 404 for a body never in the bucket. */
  async history(code: string): Promise<BodyHistoryStep[]> {
    const entries = await this.register.history(code);
    if (entries.some(({ record }) => record.role === 'consumer')) throw new UnknownBodyError(`"${code}" is a consumer identity, not a body (/api/v1/consumers)`);
    if (entries.length === 0) throw new UnknownBodyError(`body "${code}" has never been registered or issued credentials`);
    const steps: BodyHistoryStep[] = [];
    let previous: BodyRecord | undefined;
    for (const { revision, record } of entries) {
      if (!previous && record.registeredAt && record.registeredBy) steps.push({ revision, what: 'registered', at: record.registeredAt, by: record.registeredBy });
      const issued = record.credentials;
      if (issued && issued.issuedAt !== previous?.credentials?.issuedAt) steps.push({ revision, what: 'credentials-issued', at: issued.issuedAt, by: issued.issuedBy, natsPublicKey: issued.natsPublicKey });
      const revoked = record.revoked;
      if (revoked && !issued && revoked.at !== previous?.revoked?.at) steps.push({ revision, what: 'credentials-revoked', at: revoked.at, by: revoked.by, natsPublicKey: revoked.natsPublicKey });
      previous = record;
    }
    return steps;
  }

  /** New credentials for a body (the old ones stop working): the secrets, once. */
  async issue(code: string, by: string): Promise<IssuedCredentials> {
    const { record, revision } = await this.current(code);
    const secrets = newBodySecrets();
    const issuedAt = this.clock.now().toISOString();
    const { revoked: _revoked, ...rest } = record;
    await this.register.write({ ...rest, credentials: { httpKeySha256: secrets.httpKeySha256, natsPublicKey: secrets.natsPublicKey, issuedAt, issuedBy: by } }, revision);
    return {
      body: code,
      httpKey: secrets.httpKey,
      natsSeed: secrets.natsSeed,
      natsPublicKey: secrets.natsPublicKey,
      source: `/pcmd/${REPORTING_SERVICE}/${code}`,
      natsPublish: bodyPublishSubject(code),
      natsInboxPrefix: bodyInboxPrefix(code),
      natsRefusals: refusalsOf(code),
      issuedAt,
    };
  }

  /** Revokes a body's credentials: the reporting service refuses its key, nats-server drops its user. */
  async revoke(code: string, by: string): Promise<BodyListing> {
    const { record, revision } = await this.current(code);
    if (!record.credentials) throw new NoCredentialsError(`body "${code}" has no credentials in force`);
    const { credentials, ...rest } = record;
    const revoked: BodyRecord = { ...rest, revoked: { at: this.clock.now().toISOString(), by, natsPublicKey: credentials.natsPublicKey } };
    await this.register.write(revoked, revision);
    return listingOf(revoked);
  }

  /** The body's entry in the bucket (made from the plan registry's for a plan-named body), with its revision (0: not in the bucket yet). */
  private async current(code: string): Promise<{ record: BodyRecord; revision: number }> {
    if (isProducerAgency(code)) throw new UnknownBodyError(`"${code}" is a service: it reports with its own service's keys, not body credentials`);
    const stored = await this.register.read(code);
    if (stored?.record.role === 'consumer') throw new UnknownBodyError(`"${code}" is a consumer identity, not a body: see /api/v1/consumers`);
    if (stored) return stored;
    const named = this.agencies().get(code);
    if (!named) throw new UnknownBodyError(`no body "${code}": register it first (POST /api/v1/bodies) or import a plan that names it`);
    return { record: { code, title: named.name, kind: 'other', origin: 'plan' }, revision: 0 };
  }
}

function listingOf(record: BodyRecord): BodyListing {
  return {
    code: record.code,
    title: record.title,
    kind: record.kind,
    origin: record.origin,
    credentials: record.credentials ? 'active' : record.revoked ? 'revoked' : 'none',
    ...(record.credentials ? { issuedAt: record.credentials.issuedAt, issuedBy: record.credentials.issuedBy, natsPublicKey: record.credentials.natsPublicKey } : {}),
    ...(record.revoked && !record.credentials ? { revokedAt: record.revoked.at } : {}),
  };
}

function refusalsOf(code: string): IssuedCredentials['natsRefusals'] {
  const subject = refusalSubjectFor({ body: code });
  return { subject, stream: STREAMS.refusals.name, consumer: refusalConsumerOf(subject) };
}
