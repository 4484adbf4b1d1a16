import { z } from 'zod';
import { AgencyCode, ContractError, isProducerAgency, issuesFromZod, LocalizedText, READABLE_STREAM, readerConsumers, readerInboxPrefixOf } from '@lienganh/contracts';
import { newBodySecrets, type BodyRecord, type BodyRegister } from '@lienganh/platform';
import type { AgencyRegistry } from '../registry/agency-registry.js';
import type { Clock } from '../http/tokens.js';

/** What the secretariat sends to register an outside system that reads. */
const NewConsumer = z.strictObject({ code: AgencyCode.describe('Code of the outside system'), title: LocalizedText.describe('Name of the outside system') });

export class ConsumerExistsError extends Error {
  override readonly name = 'ConsumerExistsError';
}
export class UnknownConsumerError extends Error {
  override readonly name = 'UnknownConsumerError';
}
export class NoConsumerCredentialsError extends Error {
  override readonly name = 'NoConsumerCredentialsError';
}

/** A consumer identity as `GET /api/v1/consumers` lists it; never a secret. */
export interface ConsumerListing {
  code: string;
  title: { vi: string; en: string };
  credentials: 'active' | 'revoked' | 'none';
  registeredAt?: string;
  issuedAt?: string;
  issuedBy?: string;
  revokedAt?: string;
  natsPublicKey?: string;
}

/** Credentials as issued: the seed is in this answer only, with what the system needs to read. */
export interface IssuedConsumerCredentials {
  consumer: string;
  natsSeed: string;
  natsPublicKey: string;
  natsInboxPrefix: string;
  stream: string;
  /** Its durable consumers, one per kind of fact; a consumer's filter may narrow its subject (`….deadline.overdue`). */
  natsConsumers: { name: string; filterSubject: string }[];
  issuedAt: string;
}

/**
 * Consumer identities (ADR 0017): outside systems that read coordination's facts on NATS and say
 * nothing. They live in the register of bodies (`PCMD_BODIES`, `role: 'consumer'`), so that they get
 * nkey users, are reloaded into nats-server and cut off on revocation exactly as bodies are, and a
 * code names one body or one consumer, never both.
 */
export class ConsumerDirectory {
  constructor(
    private readonly register: BodyRegister,
    private readonly agencies: () => AgencyRegistry,
    private readonly clock: Clock,
  ) {}

  list(): ConsumerListing[] {
    return this.register.all().filter((record) => record.role === 'consumer').map(listingOf);
  }

  /** Registers an outside system (400 naming the field, 409 when its code is taken by a service, a body or another consumer). */
  async registerConsumer(input: unknown, by: string): Promise<ConsumerListing> {
    const parsed = NewConsumer.safeParse(input);
    if (!parsed.success) throw new ContractError(issuesFromZod(parsed.error));
    const { code, title } = parsed.data;
    const taken = () => new ConsumerExistsError(`"${code}" is already taken by a service, a body or a consumer identity`);
    if (isProducerAgency(code) || code === 'coordination' || this.agencies().has(code) || this.register.get(code) || (await this.register.read(code))) throw taken();
    const record: BodyRecord = { code, title, kind: 'other', role: 'consumer', origin: 'registered', registeredAt: this.clock.now().toISOString(), registeredBy: by };
    try {
      await this.register.write(record, 0);
    } catch (error) {
      if (await this.register.read(code)) throw taken(); // another request created it first
      throw error;
    }
    return listingOf(record);
  }

  /** A new nkey (the old one stops working): the seed, once. */
  async issue(code: string, by: string): Promise<IssuedConsumerCredentials> {
    const { record, revision } = await this.current(code);
    const { natsSeed, natsPublicKey } = newBodySecrets();
    const issuedAt = this.clock.now().toISOString();
    const { revoked: _revoked, ...rest } = record;
    await this.register.write({ ...rest, credentials: { natsPublicKey, issuedAt, issuedBy: by } }, revision);
    return { consumer: code, natsSeed, natsPublicKey, natsInboxPrefix: readerInboxPrefixOf(code), stream: READABLE_STREAM, natsConsumers: readerConsumers(code), issuedAt };
  }

  /** Revokes the nkey: nats-server drops the user on its reload, closing the connection. */
  async revoke(code: string, by: string): Promise<ConsumerListing> {
    const { record, revision } = await this.current(code);
    if (!record.credentials) throw new NoConsumerCredentialsError(`consumer "${code}" has no credentials in force`);
    const { credentials, ...rest } = record;
    const revoked: BodyRecord = { ...rest, revoked: { at: this.clock.now().toISOString(), by, natsPublicKey: credentials.natsPublicKey } };
    await this.register.write(revoked, revision);
    return listingOf(revoked);
  }

  private async current(code: string): Promise<{ record: BodyRecord; revision: number }> {
    const stored = await this.register.read(code);
    if (!stored || stored.record.role !== 'consumer') throw new UnknownConsumerError(`no consumer identity "${code}": register it first (POST /api/v1/consumers)`);
    return stored;
  }
}

function listingOf(record: BodyRecord): ConsumerListing {
  return {
    code: record.code,
    title: record.title,
    credentials: record.credentials ? 'active' : record.revoked ? 'revoked' : 'none',
    ...(record.registeredAt ? { registeredAt: record.registeredAt } : {}),
    ...(record.credentials ? { issuedAt: record.credentials.issuedAt, issuedBy: record.credentials.issuedBy, natsPublicKey: record.credentials.natsPublicKey } : {}),
    ...(record.revoked && !record.credentials ? { revokedAt: record.revoked.at } : {}),
  };
}
