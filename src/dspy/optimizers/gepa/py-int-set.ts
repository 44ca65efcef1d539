/**
 * A set of non-negative integers that iterates in CPython 3.11's order (`Objects/setobject.c`).
 *
 * gepa draws from its RNG over lists built by iterating Python sets of candidate indices (the Pareto
 * front, the dominators, common ancestors), so a seeded run replays only if those lists come out in
 * CPython's order: slot order of an open-addressing table (hash(i) = i, 9 linear probes, then
 * perturbation; resized ×4 when 3/5 full). Below 8 members with small values this is ascending order;
 * beyond, it is not.
 */
const MIN_SIZE = 8;
const LINEAR_PROBES = 9;
const PERTURB_SHIFT = 5;

export class PyIntSet implements Iterable<number> {
  private table: (number | undefined)[] = new Array(MIN_SIZE).fill(undefined);
  private mask = MIN_SIZE - 1;
  private used = 0;

  constructor(items: Iterable<number> = []) {
    for (const x of items) this.add(x);
  }

  get size(): number {
    return this.used;
  }

  has(x: number): boolean {
    return this.slotOf(x) !== undefined;
  }

  private slotOf(x: number): number | undefined {
    let perturb = x;
    let i = x & this.mask;
    for (;;) {
      const probes = i + LINEAR_PROBES <= this.mask ? LINEAR_PROBES : 0;
      for (let j = 0; j <= probes; j++) {
        const v = this.table[i + j];
        if (v === undefined) return undefined;
        if (v === x) return i + j;
      }
      perturb = Math.floor(perturb / 2 ** PERTURB_SHIFT);
      i = (i * 5 + 1 + perturb) & this.mask;
    }
  }

  add(x: number): this {
    if (!Number.isInteger(x) || x < 0 || x > 0x3fffffff) throw new RangeError(`PyIntSet holds small non-negative integers, got ${x}`);
    if (this.has(x)) return this;
    insertClean(this.table, this.mask, x);
    this.used++;
    if (this.used * 5 >= this.mask * 3) this.resize(this.used > 50000 ? this.used * 2 : this.used * 4);
    return this;
  }

  private resize(minUsed: number): void {
    let size = MIN_SIZE;
    while (size <= minUsed) size *= 2;
    const old = this.table;
    this.table = new Array(size).fill(undefined);
    this.mask = size - 1;
    for (const v of old) if (v !== undefined) insertClean(this.table, this.mask, v);
  }

  *[Symbol.iterator](): Iterator<number> {
    for (const v of this.table) if (v !== undefined) yield v;
  }

  toArray(): number[] {
    return [...this];
  }

  /** `set(self)`: CPython's set_merge into an empty set (a table copy, or clean inserts in slot order). */
  copy(): PyIntSet {
    const out = new PyIntSet();
    if (this.used === 0) return out;
    if ((0 + this.used) * 5 >= out.mask * 3) out.resize(this.used * 2);
    if (out.mask === this.mask) {
      out.table = [...this.table];
    } else {
      for (const v of this.table) if (v !== undefined) insertClean(out.table, out.mask, v);
    }
    out.used = this.used;
    return out;
  }

  /** `self & other`: iterates the smaller set (ties: `other`), adding members found in the larger. */
  intersection(other: PyIntSet): PyIntSet {
    let big: PyIntSet = this;
    let small: PyIntSet = other;
    if (other.size > this.size) {
      big = other;
      small = this;
    }
    const out = new PyIntSet();
    for (const v of small) if (big.has(v)) out.add(v);
    return out;
  }

  /** The table itself (slot order is the state a checkpoint must keep). */
  toJSON(): (number | null)[] {
    return this.table.map((v) => (v === undefined ? null : v));
  }

  static fromJSON(slots: readonly (number | null)[]): PyIntSet {
    const out = new PyIntSet();
    out.table = slots.map((v) => (v === null ? undefined : v));
    out.mask = slots.length - 1;
    out.used = slots.filter((v) => v !== null).length;
    return out;
  }
}

function insertClean(table: (number | undefined)[], mask: number, x: number): void {
  let perturb = x;
  let i = x & mask;
  for (;;) {
    if (table[i] === undefined) {
      table[i] = x;
      return;
    }
    if (i + LINEAR_PROBES <= mask) {
      for (let j = 1; j <= LINEAR_PROBES; j++) {
        if (table[i + j] === undefined) {
          table[i + j] = x;
          return;
        }
      }
    }
    perturb = Math.floor(perturb / 2 ** PERTURB_SHIFT);
    i = (i * 5 + 1 + perturb) & mask;
  }
}
