import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { ProjectionSnapshots, SNAPSHOT_FORMAT, snapshotVersion } from '@lienganh/coordination';
import { connectToNats, SNAPSHOTS_BUCKET } from '@lienganh/platform';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { repoRoot } from '../support/cli.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';

/**
 * Snapshots of coordination's read model (ADR 0022) in the object store PCMD_SNAPSHOTS, saved and
 * loaded as coordination (with its permissions): what comes back is what was saved, or nothing, or
 * the reason it cannot be used (another version, unreadable, corrupt), never a wrong body.
 */

let nats: NatsFixture;
let coordination: NatsConnection;
/** The operator's view of the bucket, to look at and tamper with what coordination saved. */
let bucket: ObjectStore;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await connectToNats({ servers: nats.server.url, name: 'test-snapshots', identity: 'coordination', seed: nats.keys.coordination.seed, reconnectForever: false });
  bucket = await new Objm(nats.nc).open(SNAPSHOTS_BUCKET);
});
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
});

const VERSION = snapshotVersion();
const bytes = (text: string) => new TextEncoder().encode(text);

/** `length` bytes that compress about as JSON does, the same on every run. */
function jsonLike(length: number): Uint8Array {
  const body = new Uint8Array(length);
  let seed = 0x2545f491;
  const record = bytes('{"referralId":"ref-0000000000","stage":"received","at":"2024-05-01T08:15:00.000Z"},');
  for (let offset = 0; offset < length; offset += record.length) {
    body.set(record.subarray(0, Math.min(record.length, length - offset)), offset);
    // Ten digits of the id differ from record to record, as ids do.
    for (let digit = 0; digit < 10 && offset + 19 + digit < length; digit++) {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      body[offset + 19 + digit] = 48 + (seed % 10);
    }
  }
  return body;
}

describe('ProjectionSnapshots', () => {
  it('finds none before the first save', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'never-saved');
    expect(await snapshots.latest(VERSION)).toBeUndefined();
  });

  it('gives back the bytes and the checkpoints it saved, the body stored compressed', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'round-trip');
    const body = jsonLike(1_000_000);
    const checkpoints = { PCMD_AGENCY_EVENTS: 1_234, PCMD_COORDINATION_EVENTS: 56 };

    const saved = await snapshots.save({ version: VERSION, checkpoints, body });

    expect(saved.bytes).toBe(body.length);
    expect(saved.storedBytes).toBeLessThan(body.length / 2);
    expect(await snapshots.latest(VERSION)).toEqual({ checkpoints, body });
    // What the object says of itself, for an operator looking at the bucket.
    expect((await bucket.info('round-trip'))?.metadata).toMatchObject({ version: VERSION, checkpoints: JSON.stringify(checkpoints), encoding: 'zstd', bytes: String(body.length) });
  });

  it('keeps only the latest: a second save replaces the first, whose chunks are gone', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'replaced');
    await snapshots.save({ version: VERSION, checkpoints: { PCMD_AGENCY_EVENTS: 10 }, body: jsonLike(300_000) });
    const first = await bucket.info('replaced');

    await snapshots.save({ version: VERSION, checkpoints: { PCMD_AGENCY_EVENTS: 20 }, body: bytes('{"second":true}') });

    expect(await snapshots.latest(VERSION)).toEqual({ checkpoints: { PCMD_AGENCY_EVENTS: 20 }, body: bytes('{"second":true}') });
    const stream = await nats.jsm.streams.info(`OBJ_${SNAPSHOTS_BUCKET}`, { subjects_filter: `$O.${SNAPSHOTS_BUCKET}.C.${first!.nuid}` });
    expect(stream.state.subjects ?? {}).toEqual({});
    expect((await bucket.list()).filter((object) => object.name === 'replaced')).toHaveLength(1);
  });

  it('keeps each projection’s own: two names, two snapshots', async () => {
    const coordinationSnapshots = await ProjectionSnapshots.open(coordination, 'coordination-a');
    const other = await ProjectionSnapshots.open(coordination, 'coordination-b');
    await coordinationSnapshots.save({ version: VERSION, checkpoints: { PCMD_AGENCY_EVENTS: 1 }, body: bytes('a') });
    await other.save({ version: VERSION, checkpoints: { PCMD_AGENCY_EVENTS: 2 }, body: bytes('b') });

    expect(await coordinationSnapshots.latest(VERSION)).toEqual({ checkpoints: { PCMD_AGENCY_EVENTS: 1 }, body: bytes('a') });
    expect(await other.latest(VERSION)).toEqual({ checkpoints: { PCMD_AGENCY_EVENTS: 2 }, body: bytes('b') });
  });

  it('ignores a snapshot of another version, saying which', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'other-version');
    await snapshots.save({ version: '@lienganh/coordination@0.0.9+snapshot-format.1', checkpoints: { PCMD_AGENCY_EVENTS: 5 }, body: bytes('{}') });

    const latest = await snapshots.latest(VERSION);

    expect(latest).toEqual({ ignored: expect.stringContaining(`is of version @lienganh/coordination@0.0.9+snapshot-format.1, not ${VERSION}`) });
  });

  it('ignores a corrupt snapshot: other bytes under the digest of the saved ones', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'tampered');
    await snapshots.save({ version: VERSION, checkpoints: { PCMD_AGENCY_EVENTS: 7 }, body: bytes('{"plans":["the real one"]}') });
    const saved = await bucket.info('tampered');

    // A whole object of its own to the object store (its own digest matches), with the first one's metadata.
    await bucket.putBlob({ name: 'tampered', metadata: saved!.metadata! }, zstdCompressSync(bytes('{"plans":["a forged one"]}')));

    expect(await snapshots.latest(VERSION)).toEqual({ ignored: expect.stringMatching(/is corrupt: its body's digest is sha256:[0-9a-f]{64}, not sha256:/) });
  });

  it('ignores a truncated snapshot, and one whose bytes are not what it says they are', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'truncated');
    const body = jsonLike(200_000);
    await snapshots.save({ version: VERSION, checkpoints: { PCMD_AGENCY_EVENTS: 9 }, body });
    const { metadata } = (await bucket.info('truncated'))!;
    const compressed = zstdCompressSync(body);

    await bucket.putBlob({ name: 'truncated', metadata: metadata! }, compressed.subarray(0, compressed.length - 100));
    expect(await snapshots.latest(VERSION)).toEqual({ ignored: expect.stringMatching(/does not decompress|holds \d+ bytes, not the 200000/) });

    await bucket.putBlob({ name: 'truncated', metadata: metadata! }, body);
    expect(await snapshots.latest(VERSION)).toEqual({ ignored: expect.stringContaining('does not decompress') });

    await bucket.putBlob({ name: 'truncated', metadata: metadata! }, zstdCompressSync(jsonLike(300_000)));
    expect(await snapshots.latest(VERSION)).toEqual({ ignored: expect.stringContaining('holds more than the 200000 bytes it says') });
  });

  it('ignores a snapshot whose chunks no longer match the object store’s own digest', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'extra-chunk');
    await snapshots.save({ version: VERSION, checkpoints: { PCMD_AGENCY_EVENTS: 3 }, body: jsonLike(50_000) });
    const { nuid } = (await bucket.info('extra-chunk'))!;

    // A chunk added under the object's own chunk subject (only the operator may).
    await nats.js.publish(`$O.${SNAPSHOTS_BUCKET}.C.${nuid}`, bytes('garbage'));

    expect(await snapshots.latest(VERSION)).toEqual({ ignored: expect.stringContaining("do not match the object store's digest") });
  });

  it('ignores a snapshot whose metadata it cannot read', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'unreadable');
    const body = zstdCompressSync(bytes('{}'));
    const metadata = { version: VERSION, checkpoints: '{"PCMD_AGENCY_EVENTS":1}', digest: `sha256:${'0'.repeat(64)}`, encoding: 'zstd', bytes: '2' };
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /has no version/],
      [{ ...metadata, checkpoints: '{"PCMD_AGENCY_EVENTS":' }, /unreadable checkpoints/],
      [{ ...metadata, checkpoints: '{"PCMD_AGENCY_EVENTS":-1}' }, /unreadable checkpoints in its metadata: the sequence of PCMD_AGENCY_EVENTS/],
      [{ ...metadata, digest: 'md5:abc' }, /no readable digest/],
      [{ ...metadata, encoding: 'lz4' }, /unknown encoding "lz4"/],
      [{ ...metadata, bytes: 'many' }, /no readable length/],
      [{ ...metadata, bytes: String(2 ** 40) }, /more than the \d+ a snapshot may/],
    ];
    for (const [broken, reason] of cases) {
      await bucket.putBlob({ name: 'unreadable', metadata: broken }, body);
      expect(await snapshots.latest(VERSION)).toEqual({ ignored: expect.stringMatching(reason) });
    }
  });

  it('round-trips a 20 MB body', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'large');
    const body = jsonLike(20 * 1024 * 1024);
    const checkpoints = { PCMD_AGENCY_EVENTS: 1_000_000, PCMD_COORDINATION_EVENTS: 250_000 };

    await snapshots.save({ version: VERSION, checkpoints, body });
    const latest = await snapshots.latest(VERSION);

    expect(latest && 'body' in latest ? { checkpoints: latest.checkpoints, length: latest.body.length, same: Buffer.compare(latest.body, body) === 0 } : latest).toEqual({
      checkpoints,
      length: body.length,
      same: true,
    });
  });

  it('throws when NATS fails: that is no reason to replay everything', async () => {
    const lost = await connectToNats({ servers: nats.server.url, name: 'test-snapshots-lost', identity: 'coordination', seed: nats.keys.coordination.seed, reconnectForever: false });
    const snapshots = await ProjectionSnapshots.open(lost, 'round-trip');
    await lost.close();

    await expect(snapshots.latest(VERSION)).rejects.toThrow(/closed/i);
    await expect(snapshots.save({ version: VERSION, checkpoints: {}, body: bytes('{}') })).rejects.toThrow(/closed/i);
  });

  it('refuses to save checkpoints that are not stream sequences', async () => {
    const snapshots = await ProjectionSnapshots.open(coordination, 'bad-checkpoints');
    await expect(snapshots.save({ version: VERSION, checkpoints: { PCMD_AGENCY_EVENTS: 1.5 }, body: bytes('{}') })).rejects.toThrow(TypeError);
    expect(await snapshots.latest(VERSION)).toBeUndefined();
  });
});

describe('snapshotVersion', () => {
  it('is the coordination package’s version and the snapshot format', () => {
    const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'services/coordination/package.json'), 'utf8')) as { name: string; version: string };
    expect(snapshotVersion()).toBe(`${name}@${version}+snapshot-format.${SNAPSHOT_FORMAT}`);
  });
});
