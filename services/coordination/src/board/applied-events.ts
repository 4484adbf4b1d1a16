import { createHash } from 'node:crypto';

/**
 * The events the read models have applied, each once, by key (source + id, `eventKey`): what makes
 * an event delivered again, replayed or re-sent change nothing (ADR 0010). One table for the whole
 * projection, not a set per target (issue #23): an entry is 20 bytes in a typed array, the first
 * 96 bits of the key's SHA-256 (a collision among a billion events has odds below 10⁻¹¹), the
 * order it was applied in, and the last backfill that counted it. It copies and serialises as
 * one buffer, so that a restart from a store or a snapshot costs a memcpy, not a set rebuilt.
 */
export class AppliedEvents {
  // Private (#): two tables of the same events compare equal (`toEqual`, by `size` and `fingerprint`), whatever order they were applied in.
  #slots: Uint32Array;
  #next = 1;
  /** How many events. */
  size = 0;
  /** The sums of the keys' words: the same for the same events in any order. */
  readonly fingerprint = new Uint32Array(3);

  private constructor(slots = new Uint32Array(INITIAL_CAPACITY * WIDTH)) {
    this.#slots = slots;
  }

  static empty(): AppliedEvents {
    return new AppliedEvents();
  }

  /** The ordinal of the last event applied (0 when none): an event applied before a plan has an ordinal at most this. */
  get lastOrdinal(): number {
    return this.#next - 1;
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** Records the event as applied; false when it already was. */
  add(key: string): boolean {
    let slot = this.find(key);
    if (slot >= 0) return false;
    slot = -slot - 1;
    if ((this.size + 1) * 10 > this.capacity * 7) {
      this.grow();
      slot = this.probe(WORDS);
    }
    this.insert(slot, WORDS, this.#next++, 0);
    for (let word = 0; word < 3; word++) this.fingerprint[word] = this.fingerprint[word]! + WORDS[word]!;
    return true;
  }

  /**
   * For a backfill (a plan that came after events, a revision): whether this event counts for it,
   * i.e. it was applied at or before ordinal `upTo` and not yet counted by backfill `run` (a key
   * read twice from the stream, re-sent, counts once). Events applied after `upTo` were counted live.
   */
  claimForBackfill(key: string, upTo: number, run: number): boolean {
    const slot = this.find(key);
    if (slot < 0) return false;
    const at = slot * WIDTH;
    if (this.#slots[at + 3]! > upTo || this.#slots[at + 4] === run) return false;
    this.#slots[at + 4] = run;
    return true;
  }

  clone(): AppliedEvents {
    const copy = new AppliedEvents(this.#slots.slice());
    copy.size = this.size;
    copy.fingerprint.set(this.fingerprint);
    copy.#next = this.#next;
    return copy;
  }

  /** The table as bytes (its header, then its slots): what a snapshot of the store keeps. */
  toBytes(): Uint8Array {
    const bytes = new Uint8Array(this.byteLength);
    this.writeInto(bytes);
    return bytes;
  }

  /** The length of `toBytes()`. */
  get byteLength(): number {
    return HEADER_BYTES + this.#slots.byteLength;
  }

  /** `toBytes()` written into `bytes` (at least `byteLength` long), without a copy of its own: a snapshot's body holds it. */
  writeInto(bytes: Uint8Array): void {
    const header = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
    header.setUint32(0, FORMAT);
    header.setUint32(4, this.size);
    header.setFloat64(8, this.#next);
    bytes.set(new Uint8Array(this.#slots.buffer, this.#slots.byteOffset, this.#slots.byteLength), HEADER_BYTES);
  }

  static fromBytes(bytes: Uint8Array): AppliedEvents {
    const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const slotBytes = bytes.byteLength - HEADER_BYTES;
    const capacity = slotBytes / (WIDTH * 4);
    if (header.getUint32(0) !== FORMAT || !Number.isInteger(capacity) || capacity < INITIAL_CAPACITY || (capacity & (capacity - 1)) !== 0) {
      throw new Error('not a table of applied events');
    }
    const slots = new Uint32Array(capacity * WIDTH);
    new Uint8Array(slots.buffer).set(bytes.subarray(HEADER_BYTES));
    const table = new AppliedEvents(slots);
    table.size = header.getUint32(4);
    table.#next = header.getFloat64(8);
    for (let at = 0; at < slots.length; at += WIDTH) {
      if (slots[at + 3] === 0) continue;
      for (let word = 0; word < 3; word++) table.fingerprint[word] = table.fingerprint[word]! + slots[at + word]!;
    }
    return table;
  }

  private get capacity(): number {
    return this.#slots.length / WIDTH;
  }

  /** The key's slot when it is in the table; otherwise -(free slot + 1), with the key's words left in `WORDS`. */
  private find(key: string): number {
    wordsOf(key, WORDS);
    const mask = this.capacity - 1;
    for (let slot = WORDS[0]! & mask; ; slot = (slot + 1) & mask) {
      const at = slot * WIDTH;
      if (this.#slots[at + 3] === 0) return -slot - 1;
      if (this.#slots[at] === WORDS[0] && this.#slots[at + 1] === WORDS[1] && this.#slots[at + 2] === WORDS[2]) return slot;
    }
  }

  private probe(words: Uint32Array): number {
    const mask = this.capacity - 1;
    let slot = words[0]! & mask;
    while (this.#slots[slot * WIDTH + 3] !== 0) slot = (slot + 1) & mask;
    return slot;
  }

  private insert(slot: number, words: Uint32Array, ordinal: number, run: number): void {
    const at = slot * WIDTH;
    this.#slots[at] = words[0]!;
    this.#slots[at + 1] = words[1]!;
    this.#slots[at + 2] = words[2]!;
    this.#slots[at + 3] = ordinal;
    this.#slots[at + 4] = run;
    this.size++;
  }

  private grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.size = 0;
    for (let at = 0; at < old.length; at += WIDTH) {
      if (old[at + 3] === 0) continue;
      const words = old.subarray(at, at + 3);
      this.insert(this.probe(words), words, old[at + 3]!, old[at + 4]!);
    }
  }
}

/** Words per slot: three of key, the ordinal (0: a free slot), the last backfill run that counted it. */
const WIDTH = 5;
const INITIAL_CAPACITY = 1024;
const FORMAT = 1;
const HEADER_BYTES = 16;
/** The words of the key being looked up (one lookup at a time: no allocation per event). */
const WORDS = new Uint32Array(3);

const BASE64URL = new Int8Array(128).fill(-1);
for (const [index, char] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) BASE64URL[char.charCodeAt(0)] = index;

/**
 * The first 96 bits of an `eventKey` (base64url of a SHA-256: its first 16 characters) into
 * `words`; any other text is hashed first, so that every key has its words.
 */
function wordsOf(key: string, words: Uint32Array): void {
  if (key.length === 43 && decodes(key, words)) return;
  decodes(createHash('sha256').update(key, 'utf8').digest('base64url'), words);
}

function decodes(key: string, words: Uint32Array): boolean {
  // Four groups of four characters, 24 bits each; the fourth group's bytes top up the other three words.
  const first = group(key, 0);
  const second = group(key, 4);
  const third = group(key, 8);
  const last = group(key, 12);
  if (first < 0 || second < 0 || third < 0 || last < 0) return false;
  words[0] = (first | ((last & 0xff) << 24)) >>> 0;
  words[1] = (second | (((last >>> 8) & 0xff) << 24)) >>> 0;
  words[2] = (third | (((last >>> 16) & 0xff) << 24)) >>> 0;
  return true;
}

/** Four base64url characters from `start` as 24 bits; -1 when one is not base64url. */
function group(key: string, start: number): number {
  let value = 0;
  for (let index = start; index < start + 4; index++) {
    const code = key.charCodeAt(index);
    const digit = code < 128 ? BASE64URL[code]! : -1;
    if (digit < 0) return -1;
    value = (value << 6) | digit;
  }
  return value;
}
