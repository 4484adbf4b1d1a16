import type { Contribution } from './coordination-store.js';

/**
 * The in-memory store's contributions, kept column by column (issue #23): an
 * event counted by a dozen targets is one row of the event table and a dozen rows of 13 bytes,
 * not a dozen objects of a dozen fields. Strings that repeat (sources, types, agencies, areas,
 * distinct values) are kept once. `Contribution` objects are made only when asked for.
 */
export class ContributionTable {
  private readonly events = new EventColumns();
  private readonly byTarget = new Map<string, TargetRows>();
  private readonly texts = new Interned();

  /** Adds a contribution unless its target already holds its event; whether it was added. */
  add(contribution: Contribution): boolean {
    const event = this.events.intern(contribution, this.texts);
    const rows = this.rowsOf(contribution.targetKey);
    if (!rows.mark(event)) return false;
    rows.append(event, contribution, this.texts);
    return true;
  }

  count(targetKey: string): number {
    return this.byTarget.get(targetKey)?.size ?? 0;
  }

  /** A target's contributions by instant (whatever the offset), then by event key; at most `limit`. */
  list(targetKey: string, limit: number): Contribution[] {
    const rows = this.byTarget.get(targetKey);
    if (!rows || limit <= 0) return [];
    const { events } = this;
    const order = Array.from({ length: rows.size }, (_, row) => row);
    const at = (row: number) => events.instants[rows.event.get(row)]!;
    const key = (row: number) => events.keys[rows.event.get(row)]!;
    order.sort((a, b) => at(a) - at(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return order.slice(0, limit).map((row) => rows.contribution(row, targetKey, events, this.texts));
  }

  /** Forgets a target's contributions (a plan revision voided its tally). */
  drop(targetKey: string): void {
    this.byTarget.delete(targetKey);
  }

  clear(): void {
    this.byTarget.clear();
    this.events.clear();
    this.texts.clear();
  }

  /** Everything, as JSON-safe columns (typed arrays as base64): what a snapshot of the store carries. */
  toJSON(): ContributionTableJson {
    return {
      texts: this.texts.all(),
      events: this.events.toJSON(),
      targets: [...this.byTarget].map(([key, rows]) => [key, rows.toJSON()]),
    };
  }

  static fromJSON(json: ContributionTableJson): ContributionTable {
    const table = new ContributionTable();
    for (const text of json.texts) table.texts.of(text);
    table.events.restore(json.events);
    for (const [key, rows] of json.targets) table.byTarget.set(key, TargetRows.fromJSON(rows));
    return table;
  }

  private rowsOf(targetKey: string): TargetRows {
    let rows = this.byTarget.get(targetKey);
    if (!rows) this.byTarget.set(targetKey, (rows = new TargetRows()));
    return rows;
  }
}

export interface ContributionTableJson {
  texts: string[];
  events: { keys: string[]; ids: (string | null)[]; times: (string | null)[]; instants: string; labels: string };
  targets: [string, TargetRowsJson][];
}

interface TargetRowsJson {
  event: string;
  area: string;
  numerator: string;
  denominator: string;
  amount?: string;
}

/** Each event once: its key, id, source, type, agency and time (text and instant). */
class EventColumns {
  private readonly index = new Map<string, number>();
  readonly keys: string[] = [];
  readonly ids: (string | undefined)[] = [];
  readonly times: (string | undefined)[] = [];
  readonly instants: number[] = [];
  /** Indexes into the interned texts: source, type, agency. */
  readonly labels: number[] = [];

  internKey(key: string): number {
    let event = this.index.get(key);
    if (event === undefined) {
      event = this.keys.length;
      this.index.set(key, event);
      this.keys.push(key);
      this.ids.push(undefined);
      this.times.push(undefined);
      this.instants.push(Number.NaN);
      this.labels.push(-1, -1, -1);
    }
    return event;
  }

  intern(contribution: Contribution, texts: Interned): number {
    const event = this.internKey(contribution.eventKey);
    if (this.ids[event] === undefined) {
      this.ids[event] = contribution.eventId;
      this.times[event] = contribution.time;
      this.instants[event] = Date.parse(contribution.time);
      this.labels[event * 3] = texts.of(contribution.source);
      this.labels[event * 3 + 1] = texts.of(contribution.type);
      this.labels[event * 3 + 2] = texts.of(contribution.agency);
    }
    return event;
  }

  clear(): void {
    this.index.clear();
    for (const column of [this.keys, this.ids, this.times, this.instants, this.labels]) column.length = 0;
  }

  toJSON(): ContributionTableJson['events'] {
    return {
      keys: this.keys,
      ids: this.ids.map((id) => id ?? null),
      times: this.times.map((time) => time ?? null),
      instants: toBase64(Float64Array.from(this.instants)),
      labels: toBase64(Int32Array.from(this.labels)),
    };
  }

  restore(json: ContributionTableJson['events']): void {
    // Element by element: a spread of a million arguments overflows the stack.
    json.keys.forEach((key, event) => {
      this.index.set(key, event);
      this.keys.push(key);
    });
    for (const id of json.ids) this.ids.push(id ?? undefined);
    for (const time of json.times) this.times.push(time ?? undefined);
    for (const instant of fromBase64(json.instants, Float64Array)) this.instants.push(instant);
    for (const label of fromBase64(json.labels, Int32Array)) this.labels.push(label);
  }
}

/** One target's rows: the event, its area and what it added (values interned; -1 for none, NaN for no amount). */
class TargetRows {
  readonly event = new GrowingColumn(Uint32Array);
  private readonly area = new GrowingColumn(Int32Array);
  private readonly numerator = new GrowingColumn(Int32Array);
  private readonly denominator = new GrowingColumn(Int32Array);
  /** Only for targets whose contributions add amounts (sums). */
  private amount: GrowingColumn<Float64Array> | undefined;
  private readonly held = new Bits();

  get size(): number {
    return this.event.length;
  }

  /** Marks the event as held; false when it already was. */
  mark(event: number): boolean {
    return this.held.set(event);
  }

  append(event: number, contribution: Contribution, texts: Interned): void {
    const row = this.event.length;
    this.event.push(event);
    this.area.push(contribution.areaCode === undefined ? -1 : texts.of(contribution.areaCode));
    this.numerator.push(contribution.numerator === undefined ? -1 : texts.of(contribution.numerator));
    this.denominator.push(contribution.denominator === undefined ? -1 : texts.of(contribution.denominator));
    if (contribution.amount !== undefined) {
      if (!this.amount) {
        this.amount = new GrowingColumn(Float64Array);
        for (let earlier = 0; earlier < row; earlier++) this.amount.push(Number.NaN);
      }
      this.amount.push(contribution.amount);
    } else this.amount?.push(Number.NaN);
  }

  toJSON(): TargetRowsJson {
    return {
      event: toBase64(this.event.view()),
      area: toBase64(this.area.view()),
      numerator: toBase64(this.numerator.view()),
      denominator: toBase64(this.denominator.view()),
      ...(this.amount ? { amount: toBase64(this.amount.view()) } : {}),
    };
  }

  static fromJSON(json: TargetRowsJson): TargetRows {
    const rows = new TargetRows();
    const events = fromBase64(json.event, Uint32Array);
    const [area, numerator, denominator] = [json.area, json.numerator, json.denominator].map((column) => fromBase64(column, Int32Array));
    const amount = json.amount ? fromBase64(json.amount, Float64Array) : undefined;
    if (amount) rows.amount = new GrowingColumn(Float64Array);
    events.forEach((event, row) => {
      rows.held.set(event);
      rows.event.push(event);
      rows.area.push(area![row]!);
      rows.numerator.push(numerator![row]!);
      rows.denominator.push(denominator![row]!);
      rows.amount?.push(amount![row]!);
    });
    return rows;
  }

  contribution(row: number, targetKey: string, events: EventColumns, texts: Interned): Contribution {
    const event = this.event.get(row);
    const area = this.area.get(row);
    const numerator = this.numerator.get(row);
    const denominator = this.denominator.get(row);
    const amount = this.amount?.get(row) ?? Number.NaN;
    return {
      targetKey,
      eventKey: events.keys[event]!,
      eventId: events.ids[event]!,
      source: texts.text(events.labels[event * 3]!),
      type: texts.text(events.labels[event * 3 + 1]!),
      time: events.times[event]!,
      agency: texts.text(events.labels[event * 3 + 2]!),
      ...(area >= 0 ? { areaCode: texts.text(area) } : {}),
      ...(numerator >= 0 ? { numerator: texts.text(numerator) } : {}),
      ...(denominator >= 0 ? { denominator: texts.text(denominator) } : {}),
      ...(Number.isNaN(amount) ? {} : { amount }),
    };
  }
}

/** Texts that repeat, each kept once and named by its index. */
class Interned {
  private readonly index = new Map<string, number>();
  private readonly texts: string[] = [];

  of(text: string): number {
    let at = this.index.get(text);
    if (at === undefined) {
      at = this.texts.length;
      this.index.set(text, at);
      this.texts.push(text);
    }
    return at;
  }

  text(at: number): string {
    return this.texts[at]!;
  }

  all(): string[] {
    return this.texts;
  }

  clear(): void {
    this.index.clear();
    this.texts.length = 0;
  }
}

const toBase64 = (values: Uint32Array | Int32Array | Float64Array): string => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

function fromBase64<T extends TypedArray>(text: string, make: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const bytes = Buffer.from(text, 'base64');
  // Copied into a buffer of its own: the typed array needs its element alignment.
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return new make(copy);
}

type TypedArray = Uint32Array | Int32Array | Float64Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

/** A typed array that doubles when full. */
class GrowingColumn<T extends TypedArray> {
  private values: T;
  length = 0;

  constructor(private readonly make: TypedArrayConstructor<T>) {
    this.values = new make(16);
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const larger = new this.make(this.values.length * 2);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.length++] = value;
  }

  get(at: number): number {
    return this.values[at]!;
  }

  view(): T {
    return this.values.subarray(0, this.length) as T;
  }
}

/** A set of small non-negative integers, one bit each. */
class Bits {
  private words = new Uint32Array(64);

  /** Sets the bit; false when it was set already. */
  set(at: number): boolean {
    const word = at >>> 5;
    if (word >= this.words.length) {
      const larger = new Uint32Array(Math.max(this.words.length * 2, word + 1));
      larger.set(this.words);
      this.words = larger;
    }
    const mask = 1 << (at & 31);
    if ((this.words[word]! & mask) !== 0) return false;
    this.words[word]! |= mask;
    return true;
  }
}
