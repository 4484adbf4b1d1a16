import { tmpdir } from 'node:os';
import { buildEvent, encodeBinary, labourReferralMade, MSG_ID_HEADER, policeInspectionCompleted, STREAMS, type BusEvent } from '@lienganh/contracts';
import { labourService } from '@lienganh/labour';
import { connectToNats, ensureStreams, MissingStreamError, SNAPSHOTS_BUCKET, startAgencyService, type NatsIdentity } from '@lienganh/platform';
import { createUser } from '@nats-io/nkeys';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

/**
 * The NATS identities of deploy/nats/auth.conf, against the real nats-server: each agency may
 * say only what is its own to say, read only through the consumers it declares, and no
 * service may change a stream. Every other test runs with these permissions too (the fixture
 * fails a test whose services hit one); this one knocks on the closed doors on purpose.
 */

const AGENCY_STREAM = STREAMS.agencyEvents.name;
let nats: NatsFixture;
const connections: NatsConnection[] = [];

beforeAll(async () => {
  nats = await startNatsFixture({ expectPermissionViolations: true });
});
afterAll(async () => {
  for (const nc of connections) await nc.close();
  await nats?.close();
});

async function connectAs(identity: NatsIdentity): Promise<NatsConnection> {
  const nc = await connectToNats({ servers: nats.server.url, name: `test-${identity}`, identity, seed: nats.keys[identity].seed, reconnectForever: false });
  connections.push(nc);
  return nc;
}

/** Publishes an event the way a service does (binary mode, id as `Nats-Msg-Id`), on the subject given. */
function publish(nc: NatsConnection, event: BusEvent, subject: string) {
  const { headers, data } = encodeBinary(event);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  return jetstream(nc).publish(subject, data, { headers: natsHeadersOf, msgID: event.id, timeout: 5_000 });
}

/** How many messages the stream holds on a subject. */
async function storedOn(subject: string): Promise<number> {
  const info = await nats.jsm.streams.info(AGENCY_STREAM, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

const refused = (subject: string) => new RegExp(`Permissions Violation for Publish to "${subject.replaceAll('.', '\\.').replaceAll('$', '\\$')}"`);

describe("an agency's credentials", () => {
  it('cannot publish another agency’s event: police publishing a labour event is refused by nats-server, and the stream does not hold it', async () => {
    const police = await connectAs('police');
    const forged = buildEvent(labourReferralMade, labourReferralMade.example, { id: 'gia-lao-dong-1', source: '/pcmd/labour' });

    await expect(publish(police, forged, labourReferralMade.subject)).rejects.toThrow(refused(labourReferralMade.subject));

    expect(await storedOn(labourReferralMade.subject)).toBe(0);
    expect(nats.permissionViolations()).toContainEqual(expect.stringMatching(new RegExp(`Publish Violation - Nkey "police", Subject "${labourReferralMade.subject}"`)));
  });

  it('publish the agency’s own events', async () => {
    const police = await connectAs('police');
    const own = buildEvent(policeInspectionCompleted, policeInspectionCompleted.example, { id: 'kt-that-1' });

    const ack = await publish(police, own, policeInspectionCompleted.subject);

    expect(ack.stream).toBe(AGENCY_STREAM);
    expect(await storedOn(policeInspectionCompleted.subject)).toBe(1);
  });

  it('cannot delete, purge, change or create a stream: only the operator provisions them', async () => {
    const jsm = await jetstreamManager(await connectAs('labour'));
    const before = await nats.jsm.streams.info(AGENCY_STREAM);

    await expect(jsm.streams.delete(AGENCY_STREAM)).rejects.toThrow(refused(`$JS.API.STREAM.DELETE.${AGENCY_STREAM}`));
    await expect(jsm.streams.purge(AGENCY_STREAM)).rejects.toThrow(refused(`$JS.API.STREAM.PURGE.${AGENCY_STREAM}`));
    await expect(jsm.streams.update(AGENCY_STREAM, { subjects: ['pcmd.>'] })).rejects.toThrow(refused(`$JS.API.STREAM.UPDATE.${AGENCY_STREAM}`));
    await expect(jsm.streams.add({ name: 'LABOUR_SHADOW', subjects: ['shadow.>'], storage: StorageType.Memory, retention: RetentionPolicy.Limits })).rejects.toThrow(
      refused('$JS.API.STREAM.CREATE.LABOUR_SHADOW'),
    );

    const after = await nats.jsm.streams.info(AGENCY_STREAM);
    expect(after.config.subjects).toEqual(before.config.subjects);
    expect(after.state.messages).toBe(before.state.messages);
  });

  it('cannot read what its handlers do not need: no consumer on another agency’s subjects, no plain subscription, no other identity’s consumer or inbox', async () => {
    const police = await connectAs('police');
    const health = await connectAs('health');

    // Police reads nothing: not even through a consumer on labour's subjects.
    await expect(jetstreamManager(police).then((jsm) => jsm.consumers.add(AGENCY_STREAM, { name: 'police-peek', filter_subject: 'pcmd.events.labour.>' }))).rejects.toThrow(
      refused(`$JS.API.CONSUMER.CREATE.${AGENCY_STREAM}.police-peek.pcmd.events.labour.>`),
    );
    // Health may use its own consumer's name, but only with its own filter (the filter is in the subject).
    await expect(jetstreamManager(health).then((jsm) => jsm.consumers.add(AGENCY_STREAM, { name: 'health-referrals-from-labour', filter_subject: 'pcmd.events.police.>' }))).rejects.toThrow(
      refused(`$JS.API.CONSUMER.CREATE.${AGENCY_STREAM}.health-referrals-from-labour.pcmd.events.police.>`),
    );
    // Nor pull from justice's durable consumer of police's case transfers.
    await nats.jsm.consumers.add(AGENCY_STREAM, { durable_name: 'justice-cases-from-police', filter_subject: 'pcmd.events.police.case.transferred' });
    await expect(health.request(`$JS.API.CONSUMER.MSG.NEXT.${AGENCY_STREAM}.justice-cases-from-police`, JSON.stringify({ batch: 1, no_wait: true }), { timeout: 2_000 })).rejects.toThrow(
      refused(`$JS.API.CONSUMER.MSG.NEXT.${AGENCY_STREAM}.justice-cases-from-police`),
    );

    // Core NATS bypasses nothing: a subscription to the events, or to another identity's inbox, is refused.
    for (const subject of ['pcmd.events.>', '_INBOX_labour.>', '_INBOX.>']) {
      const subscription = police.subscribe(subject);
      await expect(subscription.closed).resolves.toMatchObject({ message: `Permissions Violation for Subscription to "${subject}"` });
    }
  });
});

describe('a service', () => {
  it('does not create the streams it needs: it names the missing one and how to provision it', async () => {
    await nats.jsm.streams.delete(STREAMS.deadLetter.name);
    try {
      await expect(startAgencyService(labourService, { ...nats.identity('labour'), port: 0, dataDir: tmpdir(), keys: {} })).rejects.toThrow(
        new MissingStreamError(STREAMS.deadLetter.name).message,
      );
      await expect(nats.jsm.streams.info(STREAMS.deadLetter.name)).rejects.toThrow(/stream not found/);
    } finally {
      await ensureStreams(nats.jsm);
    }
  });
});

describe('coordination’s credentials', () => {
  it('read every agency’s events but publish only coordination’s own', async () => {
    const coordination = await connectAs('coordination');
    const js = jetstream(coordination);

    const consumer = await js.consumers.get(AGENCY_STREAM, { filter_subjects: policeInspectionCompleted.subject });
    const read = await consumer.next({ expires: 2_000 });
    expect(read?.subject).toBe(policeInspectionCompleted.subject);

    const posing = buildEvent(policeInspectionCompleted, policeInspectionCompleted.example, { id: 'kt-dieu-phoi-1' });
    await expect(publish(coordination, posing, policeInspectionCompleted.subject)).rejects.toThrow(refused(policeInspectionCompleted.subject));
  });

  it('keep the lease in coordination’s own key-value bucket, and no other', async () => {
    const jsm = await jetstreamManager(await connectAs('coordination'));
    const bucket = (name: string) => ({ name: `KV_${name}`, subjects: [`$KV.${name}.>`], storage: StorageType.Memory, retention: RetentionPolicy.Limits, max_msgs_per_subject: 1 });

    await jsm.streams.add(bucket('coordination_lease'));
    await expect(jsm.streams.add(bucket('elsewhere'))).rejects.toThrow(refused('$JS.API.STREAM.CREATE.KV_elsewhere'));
    await expect(jsm.streams.delete(AGENCY_STREAM)).rejects.toThrow(refused(`$JS.API.STREAM.DELETE.${AGENCY_STREAM}`));
  });
});

describe('the snapshots of coordination’s read model (ADR 0022)', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('are saved, replaced and read back by coordination', async () => {
    const snapshots = await new Objm(await connectAs('coordination')).open(SNAPSHOTS_BUCKET);
    // More than one chunk (128 KiB each), so that reading goes through a consumer with flow control.
    const body = new Uint8Array(300_000).map((_, index) => index % 251);

    await snapshots.putBlob({ name: 'permissions-check', metadata: { version: 'first' } }, bytes('first'));
    await snapshots.putBlob({ name: 'permissions-check', metadata: { version: 'second' } }, body);

    expect(await snapshots.getBlob('permissions-check')).toEqual(body);
    expect((await snapshots.info('permissions-check'))?.metadata).toEqual({ version: 'second' });
    // The first one's chunks were purged: only the second's remain.
    const stream = await nats.jsm.streams.info(`OBJ_${SNAPSHOTS_BUCKET}`, { subjects_filter: `$O.${SNAPSHOTS_BUCKET}.C.>` });
    expect(Object.keys(stream.state.subjects ?? {})).toHaveLength(1);
  });

  it('are neither read nor written by an agency', async () => {
    const police = await connectAs('police');

    await expect(new Objm(police).open(SNAPSHOTS_BUCKET)).rejects.toThrow(refused(`$JS.API.STREAM.INFO.OBJ_${SNAPSHOTS_BUCKET}`));
    // Without the bucket's info: its messages and its subjects are closed too.
    const unchecked = await new Objm(police).open(SNAPSHOTS_BUCKET, false);
    await expect(unchecked.getBlob('permissions-check')).rejects.toThrow(refused(`$JS.API.STREAM.MSG.GET.OBJ_${SNAPSHOTS_BUCKET}`));
    await expect(jetstream(police).publish(`$O.${SNAPSHOTS_BUCKET}.C.forged`, bytes('forged'), { timeout: 2_000 })).rejects.toThrow(refused(`$O.${SNAPSHOTS_BUCKET}.C.forged`));
    await expect(jetstreamManager(police).then((jsm) => jsm.streams.purge(`OBJ_${SNAPSHOTS_BUCKET}`))).rejects.toThrow(refused(`$JS.API.STREAM.PURGE.OBJ_${SNAPSHOTS_BUCKET}`));
  });
});

describe('nats-server', () => {
  it('refuses a connection without a key, and a key it was not given', async () => {
    await expect(connectToNats({ servers: nats.server.url, name: 'test-anonymous', reconnectForever: false, timeoutMs: 2_000 })).rejects.toThrow(/Authorization Violation/);
    const stranger = new TextDecoder().decode(createUser().getSeed());
    await expect(connectToNats({ servers: nats.server.url, name: 'test-stranger', seed: stranger, reconnectForever: false, timeoutMs: 2_000 })).rejects.toThrow(/Authorization Violation/);
  });
});
