import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableOutbox, OutboxCorruptError, OutboxEntryError, OutboxLockedError, type OutboxEntry } from '@lienganh/platform';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienganh-outbox-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const entry = (n: number): OutboxEntry => ({
  subject: 'pcmd.events.police.case.opened',
  headers: { 'Nats-Msg-Id': `id-${n}`, 'ce-id': `id-${n}` },
  data: new TextEncoder().encode(JSON.stringify({ n, text: 'không dấu? có dấu ✓' })),
});
const ids = (records: { headers: Record<string, string> }[]) => records.map((record) => record.headers['Nats-Msg-Id']);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.seg')).sort();
}

describe('DurableOutbox', () => {
  it('keeps its entries, bytes and order across a reopen', async () => {
    const dir = await freshDir();
    let outbox = await DurableOutbox.open(dir);
    await outbox.append([entry(0), entry(1)]);
    await outbox.append([{ subject: 'pcmd.events.health.x', headers: {}, data: Buffer.from([0, 1, 2, 255]).toString('base64') }]);
    expect(outbox.size).toBe(3);
    await outbox.close();

    outbox = await DurableOutbox.open(dir);
    const records = await outbox.peek(10);
    expect(records.map((record) => record.seq)).toEqual([0, 1, 2]);
    expect(ids(records.slice(0, 2))).toEqual(['id-0', 'id-1']);
    expect(new TextDecoder().decode(records[1]!.data)).toBe(new TextDecoder().decode(entry(1).data as Uint8Array));
    expect([...records[2]!.data]).toEqual([0, 1, 2, 255]);
    expect(records[2]!.subject).toBe('pcmd.events.health.x');
    await outbox.close();
  });

  it.each([
    ['half a line (a crash mid-write)', (line: string) => line.slice(0, line.length / 2)],
    ['a whole line with a wrong checksum', (line: string) => `00000000${line.slice(8)}`],
    ['zeros (a filesystem that extended the file but lost the data)', () => '\0'.repeat(300)],
  ])('ignores a torn last line, %s, and appends after the good ones', async (_case, tear) => {
    const dir = await freshDir();
    let outbox = await DurableOutbox.open(dir);
    await outbox.append([entry(0), entry(1)]);
    await outbox.close();
    const [segment] = await segmentFiles(dir);
    const goodLine = (await readFile(join(dir, segment!), 'utf8')).split('\n')[0]!;
    await appendFile(join(dir, segment!), tear(`${goodLine}\n`));

    outbox = await DurableOutbox.open(dir);
    expect(outbox.size).toBe(2);
    await outbox.append([entry(2)]);
    await outbox.close();

    outbox = await DurableOutbox.open(dir);
    expect(ids(await outbox.peek(10))).toEqual(['id-0', 'id-1', 'id-2']);
    await outbox.close();
    const text = await readFile(join(dir, segment!), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(4);
  });

  it('refuses to guess when a bad line is followed by good ones (corruption, not a torn write)', async () => {
    const dir = await freshDir();
    const outbox = await DurableOutbox.open(dir);
    await outbox.append([entry(0), entry(1), entry(2)]);
    await outbox.close();
    const [segment] = await segmentFiles(dir);
    const lines = (await readFile(join(dir, segment!), 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('id-1', 'id-X');
    await writeFile(join(dir, segment!), lines.join('\n'));

    await expect(DurableOutbox.open(dir)).rejects.toThrow(OutboxCorruptError);
  });

  it('group-commits concurrent appends into one write and fsync, keeping their order', async () => {
    const dir = await freshDir();
    let outbox = await DurableOutbox.open(dir);
    const before = outbox.stats.commits;
    await Promise.all(range(0, 50).map((n) => outbox.append([entry(n)])));
    // The first append starts a write at once; the 49 made meanwhile share the next one.
    expect(outbox.stats.commits - before).toBeLessThanOrEqual(2);
    expect(outbox.size).toBe(50);
    await outbox.close();

    outbox = await DurableOutbox.open(dir);
    expect(ids(await outbox.peek(100))).toEqual(range(0, 50).map((n) => `id-${n}`));
    await outbox.close();
  });

  it('persists the ack cursor: a reopened outbox resumes at the first un-acked entry', async () => {
    const dir = await freshDir();
    let outbox = await DurableOutbox.open(dir);
    await outbox.append(range(0, 10).map(entry));
    expect(ids(await outbox.peek(2))).toEqual(['id-0', 'id-1']);
    await outbox.ack(4);
    expect(outbox.size).toBe(6);
    await outbox.close();

    outbox = await DurableOutbox.open(dir);
    expect(outbox.size).toBe(6);
    const [head] = await outbox.peek(1);
    expect(head).toMatchObject({ seq: 4, headers: { 'Nats-Msg-Id': 'id-4' } });
    await outbox.ack(6);
    await outbox.close();

    outbox = await DurableOutbox.open(dir);
    expect(outbox.size).toBe(0);
    expect(await outbox.peek(10)).toEqual([]);
    await expect(outbox.ack(1)).rejects.toThrow(RangeError);
    await outbox.close();
  });

  it('rotates segments and deletes acked ones, so that the files do not grow forever', async () => {
    const dir = await freshDir();
    let outbox = await DurableOutbox.open(dir, { maxSegmentBytes: 1024 });
    for (const n of range(0, 60)) await outbox.append([entry(n)]);
    expect((await segmentFiles(dir)).length).toBeGreaterThan(5);

    let drained = 0;
    while (outbox.size > 0) {
      const batch = await outbox.peek(7);
      expect(batch[0]!.seq).toBe(drained);
      await outbox.ack(batch.length);
      drained += batch.length;
    }
    expect(drained).toBe(60);
    expect((await segmentFiles(dir)).length).toBe(1);

    // The next append starts a fresh segment and drops the drained one; sequences go on.
    await outbox.append([entry(60)]);
    expect(await segmentFiles(dir)).toEqual(['0000000000000060.seg']);
    await outbox.close();
    outbox = await DurableOutbox.open(dir, { maxSegmentBytes: 1024 });
    expect(await outbox.peek(5)).toMatchObject([{ seq: 60, headers: { 'Nats-Msg-Id': 'id-60' } }]);
    await outbox.close();
  });

  it('reads a backlog larger than its memory cache back from disk, across segments', async () => {
    const dir = await freshDir();
    const outbox = await DurableOutbox.open(dir, { maxSegmentBytes: 2048, maxCachedEntries: 5 });
    await outbox.append(range(0, 40).map(entry));
    await outbox.append(range(40, 45).map(entry));
    expect(ids(await outbox.peek(45))).toEqual(range(0, 45).map((n) => `id-${n}`));
    await outbox.ack(13);
    expect(ids(await outbox.peek(3))).toEqual(['id-13', 'id-14', 'id-15']);
    await outbox.close();
  });

  it('is held by one owner at a time', async () => {
    const dir = await freshDir();
    const outbox = await DurableOutbox.open(dir);
    await expect(DurableOutbox.open(dir)).rejects.toThrow(OutboxLockedError);
    await outbox.close();
    await (await DurableOutbox.open(dir)).close();
  });

  it('rejects an entry it could not store faithfully, before writing anything', async () => {
    const dir = await freshDir();
    const outbox = await DurableOutbox.open(dir);
    await expect(outbox.append([entry(0), { subject: 'a.b', headers: {}, data: 'not base64!' }])).rejects.toThrow(OutboxEntryError);
    await expect(outbox.append([{ ...entry(0), subject: 'pcmd.events.>' }])).rejects.toThrow(OutboxEntryError);
    expect(outbox.size).toBe(0);
    await outbox.close();
  });
});
