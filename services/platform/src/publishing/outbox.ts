import { mkdir, open, readdir, readFile, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { deferred, type Deferred } from '@nats-io/transport-node';
import { backboneMetrics } from '../telemetry/metrics.js';

/**
 * An on-disk, append-only queue of encoded events: what a publisher falls back to when
 * JetStream cannot acknowledge an event, so that an event an agency was told was accepted
 * is never lost. `append` resolves only once the bytes are fsynced; a drainer `peek`s from
 * the head and `ack`s what the stream stored, and the acked position survives a crash.
 *
 * Layout of the directory:
 * - `<first seq, 16 digits>.seg`: segments, one line per entry: `<crc32 hex> <json>\n`.
 *   The crc lets a torn or half-written last line (crash mid-write) be told from a good one.
 * - `cursor`: the sequence of the first un-acked entry, rewritten in place (fixed width + crc).
 * - `LOCK`: the pid of the process that has the outbox open; one writer per directory.
 *
 * One drainer per outbox: `peek` and `ack` are meant to be called by one loop, in turn.
 *
 * A failed write or fsync does not disable the outbox for good: the appends of that round are
 * refused (their callers were never told the events were kept), further appends are refused at
 * once while the outbox is unwritable, and a repair is tried with backoff: the tail segment is cut
 * back to its last fsynced length (nothing half-written stays), a probe block is written, fsynced
 * and cut off again, and only then are appends taken again. A failed fsync is never retried on the
 * same bytes; they are discarded and the next append writes and fsyncs its own.
 */

export interface OutboxEntry {
  subject: string;
  headers: Record<string, string>;
  /** The message body, as bytes or base64. */
  data: Uint8Array | string;
}

export interface OutboxRecord {
  /** Position in the outbox, increasing by one per entry across restarts. */
  seq: number;
  subject: string;
  headers: Record<string, string>;
  data: Uint8Array;
}

export interface OutboxOptions {
  /** A segment is closed for appends past this size; fully acked segments are deleted. Default 8 MiB. */
  maxSegmentBytes?: number;
  /** Entries kept in memory for the drainer; the rest is read from disk when reached. Default 1000. */
  maxCachedEntries?: number;
  /** Waits before repair attempts after a failed write (the last one repeats). Default 100 ms doubling to 5 s. */
  repairBackoffMs?: number[];
  /** Told when the outbox becomes unwritable (with the error) and writable again. */
  onWritableChange?: (writable: boolean, error?: OutboxFailedError) => void;
  /** Opens the segment and cursor files; a test injects filesystem faults here. Default `fs.promises.open`. */
  openFile?: (path: string, flags: string) => Promise<FileHandle>;
}

export class OutboxError extends Error {
  override readonly name: string = 'OutboxError';
}

/** Another process (or this one) already has the directory open. */
export class OutboxLockedError extends OutboxError {
  override readonly name = 'OutboxLockedError';
}

/** A segment holds a bad line that is not its last one: not a torn write, so nothing is guessed. */
export class OutboxCorruptError extends OutboxError {
  override readonly name = 'OutboxCorruptError';
}

/**
 * A write or fsync failed: the outbox refuses appends until a repair succeeds (tried by itself
 * with backoff); `retryAfterMs` is how long until the next attempt.
 */
export class OutboxFailedError extends OutboxError {
  override readonly name = 'OutboxFailedError';
  readonly retryAfterMs: number;
  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs ?? 0;
  }
}

/** The outbox's write health, for readiness. */
export interface OutboxWriteStatus {
  writable: boolean;
  /** Why not, when not writable. */
  error?: string;
  /** Since when it is unwritable (ISO time). */
  since?: string;
  /** Milliseconds until the next repair attempt. */
  retryAfterMs?: number;
  /** Failed writes (appends, cursor writes, repairs) since the outbox was opened. */
  writeFailures: number;
}

export class OutboxClosedError extends OutboxError {
  override readonly name = 'OutboxClosedError';
  constructor() {
    super('the outbox is closed');
  }
}

/** An entry that cannot be stored (bad subject, headers or data), reported before anything is written. */
export class OutboxEntryError extends OutboxError {
  override readonly name = 'OutboxEntryError';
}

interface Segment {
  firstSeq: number;
  count: number;
  /** Committed (fsynced) length; reads never go past it. */
  bytes: number;
  path: string;
}

interface PendingAppend {
  lines: Buffer[];
  entries: { subject: string; headers: Record<string, string>; data: Uint8Array }[];
  done: Deferred<void>;
}

const SEGMENT_FILE = /^(\d{16})\.seg$/;
const CURSOR_FILE = 'cursor';
const LOCK_FILE = 'LOCK';
const CURSOR_LINE = /^(\d{16}):([0-9a-f]{8})\n$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const NEWLINE = 0x0a;
const READ_CHUNK = 1 << 20;
const DEFAULT_REPAIR_BACKOFF_MS = [100, 200, 400, 800, 1600, 3200, 5000];
/** What a repair writes past the committed end, to learn that the file takes writes again, then cuts off. */
const PROBE_BYTES = 4096;

// Two opens of one directory in this process would interleave writes; the LOCK file covers other processes.
const openDirs = new Set<string>();

export class DurableOutbox {
  /** Write+fsync rounds and cursor writes so far (group commit shows as fewer commits than appends). */
  readonly stats = { commits: 0, cursorWrites: 0 };

  private readonly maxSegmentBytes: number;
  private readonly maxCached: number;
  private tailHandle: FileHandle;
  private headSeq: number;
  private nextSeq: number;
  private persistedSeq: number;
  /** Entries headSeq .. headSeq + cache.length - 1, read ahead for the drainer. */
  private cache: OutboxRecord[] = [];
  /** Where on disk entry headSeq + cache.length starts. */
  private readSegment: Segment;
  private readOffset: number;
  private pending: PendingAppend[] = [];
  private writing: Promise<void> = Promise.resolve();
  private writerActive = false;
  private failure: OutboxFailedError | undefined;
  private failedSince: Date | undefined;
  /** Failed writes in a row: the repair backoff's step. */
  private consecutiveFailures = 0;
  private writeFailures = 0;
  private repairAt = 0;
  private repairTimer: NodeJS.Timeout | undefined;
  private repairing: Promise<void> | undefined;
  private readonly repairBackoffMs: number[];
  private readonly onWritableChange: OutboxOptions['onWritableChange'];
  private readonly openFile: (path: string, flags: string) => Promise<FileHandle>;
  private reads: Promise<unknown> = Promise.resolve();
  private cursorRunning: Promise<void> | undefined;
  private cursorQueued: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly segments: Segment[],
    tail: FileHandle,
    private readonly cursorHandle: FileHandle,
    head: { seq: number; segment: Segment; offset: number },
    options: OutboxOptions,
  ) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? 8 * 1024 * 1024;
    this.maxCached = options.maxCachedEntries ?? 1000;
    this.repairBackoffMs = options.repairBackoffMs?.length ? options.repairBackoffMs : DEFAULT_REPAIR_BACKOFF_MS;
    this.onWritableChange = options.onWritableChange;
    this.openFile = options.openFile ?? open;
    this.tailHandle = tail;
    this.headSeq = head.seq;
    this.persistedSeq = head.seq;
    this.readSegment = head.segment;
    this.readOffset = head.offset;
    const last = segments[segments.length - 1]!;
    this.nextSeq = last.firstSeq + last.count;
  }

  /**
   * Opens (or creates) the outbox in `dir`. A torn last line is cut off; a bad line anywhere
   * else is an OutboxCorruptError, and a directory another live process holds an OutboxLockedError.
   */
  static async open(dir: string, options: OutboxOptions = {}): Promise<DurableOutbox> {
    const path = resolve(dir);
    if (openDirs.has(path)) throw new OutboxLockedError(`outbox ${path} is already open in this process`);
    openDirs.add(path);
    try {
      await mkdir(path, { recursive: true });
      await takeLock(path);
      return await DurableOutbox.load(path, options);
    } catch (error) {
      openDirs.delete(path);
      throw error;
    }
  }

  private static async load(dir: string, options: OutboxOptions): Promise<DurableOutbox> {
    const names = (await readdir(dir)).filter((name) => SEGMENT_FILE.test(name)).sort();
    const cursorSeq = await readCursor(join(dir, CURSOR_FILE));
    const segments: Segment[] = [];
    let head: { seq: number; segment: Segment; offset: number } | undefined;

    for (const [index, name] of names.entries()) {
      const segment: Segment = { firstSeq: Number(SEGMENT_FILE.exec(name)![1]), count: 0, bytes: 0, path: join(dir, name) };
      const previous = segments[segments.length - 1];
      if (previous && previous.firstSeq + previous.count !== segment.firstSeq) {
        throw new OutboxCorruptError(`${segment.path}: starts at entry ${segment.firstSeq}, expected ${previous.firstSeq + previous.count}`);
      }
      const scan = scanSegment(await readFile(segment.path), segment.path, index === names.length - 1);
      segment.count = scan.lineEnds.length;
      segment.bytes = scan.validBytes;
      if (scan.validBytes < scan.fileBytes) await truncateTornTail(segment.path, scan.validBytes);
      // The head: the first entry the cursor has not acked (a missing cursor means nothing is acked).
      if (!head && (cursorSeq === undefined || cursorSeq < segment.firstSeq + segment.count)) {
        const skip = Math.max(0, (cursorSeq ?? segment.firstSeq) - segment.firstSeq);
        head = { seq: segment.firstSeq + skip, segment, offset: skip === 0 ? 0 : scan.lineEnds[skip - 1]! };
      }
      segments.push(segment);
    }

    if (segments.length === 0) {
      // Sequences go on from the cursor so that they never repeat, even after every segment was deleted.
      segments.push({ firstSeq: cursorSeq ?? 0, count: 0, bytes: 0, path: segmentPath(dir, cursorSeq ?? 0) });
    }
    const tail = segments[segments.length - 1]!;
    head ??= { seq: tail.firstSeq + tail.count, segment: tail, offset: tail.bytes };

    // Fully acked segments left by a crash between the cursor write and their deletion.
    while (segments.length > 1 && segments[0]!.firstSeq + segments[0]!.count <= head.seq) {
      await unlink(segments.shift()!.path);
    }

    const openFile = options.openFile ?? open;
    const tailHandle = await openFile(tail.path, 'a');
    const cursorHandle = await openCursor(join(dir, CURSOR_FILE), openFile);
    // Makes the names of a new segment, cursor or lock durable.
    await syncDir(dir);
    return new DurableOutbox(dir, segments, tailHandle, cursorHandle, head, options);
  }

  /** Entries appended (fsynced) and not yet acked. */
  get size(): number {
    return this.nextSeq - this.headSeq;
  }

  /** Whether appends are taken now, and if not why and until when. */
  get writeStatus(): OutboxWriteStatus {
    if (!this.failure) return { writable: true, writeFailures: this.writeFailures };
    return {
      writable: false,
      error: this.failure.message,
      ...(this.failedSince ? { since: this.failedSince.toISOString() } : {}),
      retryAfterMs: Math.max(0, this.repairAt - Date.now()),
      writeFailures: this.writeFailures,
    };
  }

  /**
   * Stores the entries, in order, behind everything already queued; resolves once they are
   * fsynced. Appends made while a write is in progress are committed together (one write, one fsync).
   */
  append(entries: readonly OutboxEntry[]): Promise<void> {
    if (this.closed) return Promise.reject(new OutboxClosedError());
    if (this.failure) return Promise.reject(this.currentFailure());
    if (entries.length === 0) return Promise.resolve();
    let prepared: PendingAppend['entries'];
    try {
      prepared = entries.map(prepareEntry);
    } catch (error) {
      return Promise.reject(error);
    }
    const append: PendingAppend = { entries: prepared, lines: prepared.map(encodeLine), done: deferred<void>() };
    this.pending.push(append);
    if (!this.writerActive) {
      this.writerActive = true;
      this.writing = this.writeLoop();
    }
    return append.done;
  }

  /** Up to `max` entries from the head, oldest first, without removing them. */
  peek(max: number): Promise<OutboxRecord[]> {
    if (this.closed) return Promise.reject(new OutboxClosedError());
    return this.serialRead(async () => {
      const want = Math.min(max, this.size);
      while (this.cache.length < want) await this.readAhead(want - this.cache.length);
      return this.cache.slice(0, want);
    });
  }

  /**
   * Removes the `count` oldest entries; resolves once the new head is fsynced. Acks made while
   * a cursor write is in progress share the next one; a crash before it re-delivers those
   * entries, which JetStream's Nats-Msg-Id deduplication absorbs (the message id is the event's
   * `eventKey`, its source + id: see `JetStreamEventPublisher`).
   */
  async ack(count: number): Promise<void> {
    if (this.closed) throw new OutboxClosedError();
    await this.serialRead(async () => {
      if (!Number.isInteger(count) || count < 0 || count > this.size) {
        throw new RangeError(`cannot ack ${count} entries: the outbox holds ${this.size}`);
      }
      while (this.cache.length < count) await this.readAhead(count - this.cache.length);
      this.cache.splice(0, count);
      this.headSeq += count;
    });
    await this.persistCursor();
  }

  /** Waits for pending appends and cursor writes, then releases the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.repairTimer);
    await this.writing;
    await this.repairing;
    await this.reads.catch(() => undefined);
    await this.cursorQueued?.catch(() => undefined);
    await this.cursorRunning?.catch(() => undefined);
    await this.tailHandle.close();
    await this.cursorHandle.close();
    await unlink(join(this.dir, LOCK_FILE)).catch(() => undefined);
    openDirs.delete(this.dir);
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        if (this.failure) {
          for (const append of batch) append.done.reject(this.currentFailure());
          continue;
        }
        try {
          await this.commit(batch);
          this.consecutiveFailures = 0;
          for (const append of batch) append.done.resolve();
        } catch (error) {
          // Nothing of this round was confirmed: its callers learn so, and the repair discards its bytes.
          const failure = this.failed(error, 'append');
          for (const append of [...batch, ...this.pending.splice(0)]) append.done.reject(failure);
        }
      }
    } finally {
      // Cleared in the same turn as the loop's last check, so no append can slip in between.
      this.writerActive = false;
    }
  }

  private async commit(batch: PendingAppend[]): Promise<void> {
    let tail = this.segments[this.segments.length - 1]!;
    // A full segment, or a drained one, is left for deletion instead of growing forever.
    if (tail.bytes >= this.maxSegmentBytes || (tail.bytes > 0 && this.size === 0)) tail = await this.rotate();

    const buffer = Buffer.concat(batch.flatMap((append) => append.lines));
    for (let written = 0; written < buffer.length; ) {
      written += (await this.tailHandle.write(buffer, written, buffer.length - written)).bytesWritten;
    }
    await this.tailHandle.datasync();
    this.stats.commits++;

    const entries = batch.flatMap((append) => append.entries);
    const caughtUp = this.headSeq + this.cache.length === this.nextSeq;
    if (caughtUp && this.cache.length + entries.length <= this.maxCached) {
      let seq = this.nextSeq;
      for (const entry of entries) this.cache.push({ seq: seq++, ...entry });
      this.readSegment = tail;
      this.readOffset = tail.bytes + buffer.length;
    }
    tail.bytes += buffer.length;
    tail.count += entries.length;
    this.nextSeq += entries.length;
  }

  /** The current failure, with the time left until the next repair attempt. */
  private currentFailure(): OutboxFailedError {
    const failure = this.failure!;
    return new OutboxFailedError(failure.message, { cause: failure.cause, retryAfterMs: Math.max(0, this.repairAt - Date.now()) });
  }

  /** Records a failed write: the outbox is unwritable until a repair, tried after a backoff, succeeds. */
  private failed(error: unknown, operation: 'append' | 'repair'): OutboxFailedError {
    this.writeFailures++;
    backboneMetrics().outboxWriteFailed(operation);
    const wait = this.repairBackoffMs[Math.min(this.consecutiveFailures, this.repairBackoffMs.length - 1)]!;
    this.consecutiveFailures++;
    this.repairAt = Date.now() + wait;
    const wasWritable = !this.failure;
    this.failure = new OutboxFailedError(`outbox ${this.dir} cannot write (${String(error)}); retrying in ${wait} ms`, { cause: error, retryAfterMs: wait });
    if (wasWritable) this.failedSince = new Date();
    if (!this.closed) {
      clearTimeout(this.repairTimer);
      this.repairTimer = setTimeout(() => {
        this.repairTimer = undefined;
        this.repairing = this.repair().finally(() => (this.repairing = undefined));
      }, wait);
      this.repairTimer.unref?.();
    }
    if (wasWritable) this.tell(false, this.failure);
    return this.failure;
  }

  /**
   * Makes the tail segment writable again: cut back to its committed length (what a failed
   * write left is discarded), a probe block written, fsynced and cut off, then a fresh append
   * handle. On failure the next attempt is scheduled; appends stay refused meanwhile.
   */
  private async repair(): Promise<void> {
    if (this.closed || !this.failure) return;
    const tail = this.segments[this.segments.length - 1]!;
    let probe: FileHandle | undefined;
    let fresh: FileHandle | undefined;
    try {
      probe = await this.openFile(tail.path, 'r+');
      await probe.truncate(tail.bytes);
      const block = Buffer.alloc(PROBE_BYTES, 0x20); // no newline: a crash right now leaves a torn tail, dropped at open
      for (let written = 0; written < block.length; ) {
        written += (await probe.write(block, written, block.length - written, tail.bytes + written)).bytesWritten;
      }
      await probe.datasync();
      await probe.truncate(tail.bytes);
      await probe.datasync();
      await probe.close();
      probe = undefined;
      fresh = await this.openFile(tail.path, 'a');
    } catch (error) {
      await probe?.truncate(tail.bytes).catch(() => undefined);
      await probe?.close().catch(() => undefined);
      if (!this.closed) this.failed(error, 'repair');
      return;
    }
    if (this.closed) {
      await fresh.close().catch(() => undefined);
      return;
    }
    const previous = this.tailHandle;
    this.tailHandle = fresh;
    await previous.close().catch(() => undefined);
    this.failure = undefined;
    this.failedSince = undefined;
    this.tell(true);
  }

  private tell(writable: boolean, error?: OutboxFailedError): void {
    try {
      this.onWritableChange?.(writable, error);
    } catch {
      // a listener's failure is not the outbox's
    }
  }

  private async rotate(): Promise<Segment> {
    const segment: Segment = { firstSeq: this.nextSeq, count: 0, bytes: 0, path: segmentPath(this.dir, this.nextSeq) };
    const handle = await this.openFile(segment.path, 'a');
    try {
      await syncDir(this.dir);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    const previous = this.tailHandle;
    this.tailHandle = handle;
    this.segments.push(segment);
    await previous.close();
    await this.removeAckedSegments();
    return segment;
  }

  /**
   * Reads at least `min` entries from disk into the cache (more when they come in the same
   * chunk and fit), starting where the cache ends.
   */
  private async readAhead(min: number): Promise<void> {
    const seq = this.headSeq + this.cache.length;
    if (this.readOffset >= this.readSegment.bytes) {
      const next = this.segments.find((segment) => segment.firstSeq === seq && segment.count > 0);
      if (!next) throw new OutboxCorruptError(`outbox ${this.dir}: no segment holds entry ${seq}`);
      this.readSegment = next;
      this.readOffset = 0;
    }
    const segment = this.readSegment;
    const limit = Math.max(min, this.maxCached - this.cache.length);
    const handle = await open(segment.path, 'r');
    try {
      const remaining = segment.bytes - this.readOffset;
      for (let length = Math.min(READ_CHUNK, remaining); ; length = Math.min(length * 2, remaining)) {
        const chunk = Buffer.alloc(length);
        const { bytesRead } = await handle.read(chunk, 0, length, this.readOffset);
        let start = 0;
        for (let end = chunk.indexOf(NEWLINE); end !== -1 && end < bytesRead; end = chunk.indexOf(NEWLINE, start)) {
          this.cache.push({ seq: this.headSeq + this.cache.length, ...decodeLine(chunk.subarray(start, end), segment.path) });
          start = end + 1;
          if (this.cache.length - (seq - this.headSeq) >= limit) break;
        }
        if (start > 0) {
          this.readOffset += start;
          return;
        }
        // A line longer than the chunk: read more of it.
        if (length >= remaining) throw new OutboxCorruptError(`${segment.path}: entry ${seq} has no end`);
      }
    } finally {
      await handle.close();
    }
  }

  private serialRead<T>(work: () => Promise<T>): Promise<T> {
    const result = this.reads.then(work, work);
    this.reads = result.catch(() => undefined);
    return result;
  }

  /** Coalesces cursor writes: a queued write reads the head when it starts, covering every ack before it. */
  private persistCursor(): Promise<void> {
    if (this.cursorQueued) return this.cursorQueued;
    const previous = this.cursorRunning ?? Promise.resolve();
    const next: Promise<void> = previous
      .catch(() => undefined)
      .then(async () => {
        this.cursorQueued = undefined;
        this.cursorRunning = next;
        const seq = this.headSeq;
        try {
          await this.cursorHandle.write(cursorLine(seq), 0, undefined, 0);
          await this.cursorHandle.datasync();
        } catch (error) {
          // The head stays in memory; the next ack rewrites the whole line (a crash meanwhile re-sends, deduplicated).
          this.writeFailures++;
          backboneMetrics().outboxWriteFailed('cursor');
          throw error;
        }
        this.stats.cursorWrites++;
        this.persistedSeq = Math.max(this.persistedSeq, seq);
        await this.removeAckedSegments();
      })
      .finally(() => {
        if (this.cursorRunning === next) this.cursorRunning = undefined;
      });
    this.cursorQueued = next;
    return next;
  }

  /** Deletes segments whose every entry is acked by the persisted cursor (never the tail). */
  private async removeAckedSegments(): Promise<void> {
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      if (oldest.firstSeq + oldest.count > this.persistedSeq) return;
      this.segments.shift();
      await unlink(oldest.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }
}

function prepareEntry(entry: OutboxEntry, index: number): PendingAppend['entries'][number] {
  if (typeof entry.subject !== 'string' || !/^[^\s*>]+$/.test(entry.subject)) {
    throw new OutboxEntryError(`entry ${index}: subject must be a NATS subject without wildcards`);
  }
  for (const [name, value] of Object.entries(entry.headers ?? {})) {
    if (typeof value !== 'string') throw new OutboxEntryError(`entry ${index}: header ${name} must be a string`);
  }
  let data: Uint8Array;
  if (typeof entry.data === 'string') {
    if (!BASE64.test(entry.data)) throw new OutboxEntryError(`entry ${index}: data is not base64`);
    data = Buffer.from(entry.data, 'base64');
  } else if (entry.data instanceof Uint8Array) {
    data = new Uint8Array(entry.data); // the cache must not change if the caller reuses its buffer
  } else {
    throw new OutboxEntryError(`entry ${index}: data must be a Uint8Array or base64`);
  }
  return { subject: entry.subject, headers: { ...entry.headers }, data };
}

function encodeLine(entry: PendingAppend['entries'][number]): Buffer {
  const json = Buffer.from(
    JSON.stringify({ subject: entry.subject, headers: entry.headers, data: Buffer.from(entry.data).toString('base64') }),
  );
  return Buffer.concat([Buffer.from(`${hex8(crc32(json))} `), json, Buffer.from('\n')]);
}

/** A line's content (without its newline) as an entry, or undefined when its crc or JSON is wrong. */
function tryDecodeLine(line: Uint8Array): Omit<OutboxRecord, 'seq'> | undefined {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const json = line.subarray(9);
  if (Buffer.from(line.subarray(0, 8)).toString('latin1') !== hex8(crc32(json))) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(json).toString('utf8')) as { subject: string; headers: Record<string, string>; data: string };
    return { subject: parsed.subject, headers: parsed.headers, data: Buffer.from(parsed.data, 'base64') };
  } catch {
    return undefined;
  }
}

/** Lines were checked when written or at open; a bad one now means the disk changed under us. */
function decodeLine(line: Uint8Array, path: string): Omit<OutboxRecord, 'seq'> {
  const entry = tryDecodeLine(line);
  if (!entry) throw new OutboxCorruptError(`${path}: an entry changed on disk after it was checked`);
  return entry;
}

/**
 * Finds the valid lines of a segment. Bad bytes at the end of the last segment are a torn
 * write and are dropped; a bad line followed by a good one is corruption and fails loudly.
 */
function scanSegment(buffer: Uint8Array, path: string, isLast: boolean): { lineEnds: number[]; validBytes: number; fileBytes: number } {
  const lineEnds: number[] = [];
  let start = 0;
  let badAt: number | undefined;
  for (let end = buffer.indexOf(NEWLINE); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
    const good = tryDecodeLine(buffer.subarray(start, end)) !== undefined;
    if (good && badAt !== undefined) throw new OutboxCorruptError(`${path}: bad entry at byte ${badAt}, followed by good ones`);
    if (good) lineEnds.push(end + 1);
    else badAt ??= start;
    start = end + 1;
  }
  const validBytes = lineEnds[lineEnds.length - 1] ?? 0;
  if (validBytes < buffer.length && !isLast) throw new OutboxCorruptError(`${path}: bad bytes from ${validBytes} in a segment that is not the last`);
  return { lineEnds, validBytes, fileBytes: buffer.length };
}

async function truncateTornTail(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

function cursorLine(seq: number): Buffer {
  const digits = String(seq).padStart(16, '0');
  return Buffer.from(`${digits}:${hex8(crc32(digits))}\n`);
}

/** The acked position, or undefined when there is none or it is unreadable (then everything is re-sent). */
async function readCursor(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'latin1').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const match = CURSOR_LINE.exec(text);
  if (!match || hex8(crc32(match[1]!)) !== match[2]) return undefined;
  return Number(match[1]);
}

async function openCursor(path: string, openFile: (path: string, flags: string) => Promise<FileHandle>): Promise<FileHandle> {
  try {
    return await openFile(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return openFile(path, 'w+');
  }
}

/** Claims the directory; a LOCK left by a process that no longer runs is taken over. */
async function takeLock(dir: string): Promise<void> {
  const path = join(dir, LOCK_FILE);
  try {
    await writeFile(path, String(process.pid), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number(await readFile(path, 'utf8').catch(() => ''));
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
    throw new OutboxLockedError(`outbox ${dir} is in use by process ${holder}`);
  }
  await writeFile(path, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes a created file's directory entry durable; some platforms cannot fsync a directory. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

function segmentPath(dir: string, firstSeq: number): string {
  return join(dir, `${String(firstSeq).padStart(16, '0')}.seg`);
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}
