/**
 * State tables for the search: state → node id, and back. The generic one keys a Map by the model's
 * string key; the packed one stores fixed-width Uint16Array states (GridModel) in one pool with an
 * open-addressing hash, which is several times faster and allocates no strings.
 */
export interface StateTable<S> {
  readonly size: number;
  /** The id of a state, or −1. */
  find(s: S): number;
  /** Store a state that is not in the table yet; returns its id (ids count up from 0). */
  add(s: S): number;
  /** The stored state of an id (valid until the next `add`). */
  get(id: number): S;
  /** The search no longer needs this state (a table may free it). */
  release(id: number): void;
}

export class StringTable<S> implements StateTable<S> {
  private readonly ids = new Map<string, number>();
  private readonly states: (S | null)[] = [];

  constructor(private readonly key: (s: S) => string) {}

  get size(): number {
    return this.states.length;
  }
  find(s: S): number {
    return this.ids.get(this.key(s)) ?? -1;
  }
  add(s: S): number {
    const id = this.states.length;
    this.ids.set(this.key(s), id);
    this.states.push(s);
    return id;
  }
  get(id: number): S {
    const s = this.states[id];
    if (s === null || s === undefined) throw new RangeError(`state ${id} was released`);
    return s;
  }
  release(id: number): void {
    this.states[id] = null;
  }
}

export class PackedTable implements StateTable<Uint16Array> {
  private pool: Uint16Array;
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(private readonly width: number) {
    this.pool = new Uint16Array(width * 1024);
    this.slots = new Int32Array(2048).fill(-1);
    this.mask = 2047;
  }

  get size(): number {
    return this.count;
  }

  private hash(s: Uint16Array, off: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.width; i++) h = Math.imul(h ^ s[off + i]!, 0x01000193);
    return (h ^ (h >>> 15)) >>> 0;
  }

  private equal(id: number, s: Uint16Array): boolean {
    const p = this.pool;
    const o = id * this.width;
    for (let i = 0; i < this.width; i++) if (p[o + i] !== s[i]) return false;
    return true;
  }

  find(s: Uint16Array): number {
    if (s.length !== this.width) return -1;
    let i = this.hash(s, 0) & this.mask;
    for (;;) {
      const id = this.slots[i]!;
      if (id < 0) return -1;
      if (this.equal(id, s)) return id;
      i = (i + 1) & this.mask;
    }
  }

  add(s: Uint16Array): number {
    const id = this.count++;
    if ((id + 1) * this.width > this.pool.length) {
      const p = new Uint16Array(this.pool.length * 2);
      p.set(this.pool);
      this.pool = p;
    }
    this.pool.set(s, id * this.width);
    if (this.count * 2 > this.slots.length) this.rehash();
    else this.insertSlot(id);
    return id;
  }

  private insertSlot(id: number): void {
    let i = this.hash(this.pool, id * this.width) & this.mask;
    while (this.slots[i]! >= 0) i = (i + 1) & this.mask;
    this.slots[i] = id;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.count; id++) this.insertSlot(id);
  }

  get(id: number): Uint16Array {
    return this.pool.subarray(id * this.width, (id + 1) * this.width);
  }

  release(): void {}
}
