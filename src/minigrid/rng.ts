/**
 * numpy's SeedSequence → PCG64 → Generator, bit for bit (see shared/design/numpy-rng.md).
 *
 * The 128-bit LCG state is kept as six 24-bit limbs in plain numbers so that every product fits
 * a double exactly; this avoids BigInt on the hot path (seeding happens on every `reset(seed)`).
 */

const MASK16 = 0xffff;

// PCG64 multiplier 0x2360ed051fc65da4_4385df649fccf645; its 24-bit limbs (least significant
// first) are written into step() below.
const LIMB = 16777216; // 2^24
const INV_LIMB = 1 / LIMB; // exact: multiplying by it is an exact shift
/** Scratch for the eight seeding words (the constructor runs on every seeded reset). */
const SEED_STATE: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
/** Ranges below this (2^21) take the exact-double Lemire path. */
const SMALL_RANGE = 2097152;
const INV_2_32 = 1 / 4294967296;

/** A seed as Gymnasium accepts it: a non-negative integer. */
export type Seed = number | bigint;

/** A seed is not a non-negative integer. */
export class SeedError extends Error {
  constructor(seed: unknown) {
    super(`invalid seed ${String(seed)}: a seed must be a non-negative integer`);
    this.name = "SeedError";
  }
}

/** Split a seed into u32 words, least significant first (numpy's `_coerce_to_uint32_array`). */
export function seedWords(seed: Seed): number[] {
  // Common case without BigInt: a seed below 2^32 is one word.
  if (typeof seed === "number" && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) return [seed >>> 0];
  let s: bigint;
  if (typeof seed === "bigint") s = seed;
  else if (typeof seed === "number" && Number.isSafeInteger(seed)) s = BigInt(seed);
  else throw new SeedError(seed);
  if (s < 0n) throw new SeedError(seed);
  if (s === 0n) return [0];
  const words: number[] = [];
  while (s > 0n) {
    words.push(Number(s & 0xffffffffn));
    s >>= 32n;
  }
  return words;
}

/** numpy.random.SeedSequence with pool size 4 and no spawn key. */
export class SeedSequence {
  readonly pool: number[];

  constructor(seed: Seed) {
    this.pool = mixPool(seedWords(seed)).map((x) => x >>> 0);
  }

  /** `generate_state(n, uint32)`. */
  generateState32(n: number): number[] {
    const out: number[] = [];
    generateState(this.pool, n, out);
    return out.map((x) => x >>> 0);
  }
}

// SeedSequence constants (numpy-rng.md §3).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;

// The seeding functions below keep u32 values as int32 (`| 0`, same bits) so that V8 computes them
// in integer registers; values are turned unsigned (`>>> 0`) only where they are exposed.

/** numpy's `mix`: (L·x − R·y) mod 2^32, xor-shifted. */
function mix(x: number, y: number): number {
  const r = (Math.imul(0xca01f9dd, x) - Math.imul(0x4973f715, y)) | 0;
  return r ^ (r >>> 16);
}

/**
 * The pool of SeedSequence(entropy words), as int32. `hashmix` is written out with its running hash
 * `h` in a local (no closures or pairs): seeding happens on every `reset(seed)`.
 */
function mixPool(ent: readonly number[]): number[] {
  let h = INIT_A | 0;
  let v: number;
  const pool = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    v = (i < ent.length ? ent[i]! : 0) ^ h;
    h = Math.imul(h, MULT_A);
    v = Math.imul(v, h);
    pool[i] = v ^ (v >>> 16);
  }
  for (let src = 0; src < 4; src++) {
    for (let dst = 0; dst < 4; dst++) {
      if (src === dst) continue;
      v = pool[src]! ^ h;
      h = Math.imul(h, MULT_A);
      v = Math.imul(v, h);
      pool[dst] = mix(pool[dst]!, v ^ (v >>> 16));
    }
  }
  for (let src = 4; src < ent.length; src++) {
    for (let dst = 0; dst < 4; dst++) {
      v = ent[src]! ^ h;
      h = Math.imul(h, MULT_A);
      v = Math.imul(v, h);
      pool[dst] = mix(pool[dst]!, v ^ (v >>> 16));
    }
  }
  return pool;
}

/** `generate_state(n, uint32)` of an (int32) pool, written into out[0..n) as int32. */
function generateState(pool: readonly number[], n: number, out: number[]): void {
  let hb = INIT_B | 0;
  for (let i = 0; i < n; i++) {
    let v = pool[i & 3]! ^ hb;
    hb = Math.imul(hb, MULT_B);
    v = Math.imul(v, hb);
    out[i] = v ^ (v >>> 16);
  }
}

/** Snapshot of the bit generator, in the fixtures' vocabulary. */
export interface RngSnapshot {
  draws: number;
  has_uint32: number;
  uinteger: number;
  state: string;
}

/**
 * numpy.random.Generator(PCG64(SeedSequence(seed))) — the calls Minigrid and BabyAI make.
 */
export class NumpyGenerator {
  // The state and increment as six 24-bit limbs (the last holds 8 bits), least significant first,
  // in plain fields: each column sum of limb products stays below 2^53, so doubles are exact, and
  // 21 products per step instead of 36 with 16-bit limbs (about 2× faster).
  private a0 = 0;
  private a1 = 0;
  private a2 = 0;
  private a3 = 0;
  private a4 = 0;
  private a5 = 0;
  private c0 = 0;
  private c1 = 0;
  private c2 = 0;
  private c3 = 0;
  private c4 = 0;
  private c5 = 0;
  private hasUint32 = false;
  private uinteger = 0;
  /** Number of 64-bit outputs drawn since seeding. */
  draws = 0;
  // Output of the last next64(), as two u32 halves (avoids allocating a pair).
  private outHi = 0;
  private outLo = 0;

  constructor(seed: Seed) {
    const w = SEED_STATE; // int32 words: only their bits are used below
    generateState(mixPool(seedWords(seed)), 8, w);
    // u64[k] = w[2k] | w[2k+1] << 32; initstate = u64[0] << 64 | u64[1]; initseq = u64[2] << 64 | u64[3].
    // As u32 words, least significant first: initstate = w2 w3 w0 w1, initseq = w6 w7 w4 w5.
    // inc = (initseq << 1) | 1, mod 2^128.
    const s0 = w[6]!, s1 = w[7]!, s2 = w[4]!, s3 = w[5]!;
    const i0 = ((s0 << 1) | 1) >>> 0;
    const i1 = ((s1 << 1) | (s0 >>> 31)) >>> 0;
    const i2 = ((s2 << 1) | (s1 >>> 31)) >>> 0;
    const i3 = ((s3 << 1) | (s2 >>> 31)) >>> 0;
    this.c0 = i0 & 0xffffff;
    this.c1 = (i0 >>> 24) | ((i1 & 0xffff) << 8);
    this.c2 = (i1 >>> 16) | ((i2 & 0xff) << 16);
    this.c3 = i2 >>> 8;
    this.c4 = i3 & 0xffffff;
    this.c5 = i3 >>> 24;
    // state = 0 · MULT + inc = inc; then state += initstate (limb by limb, with carries).
    const t0 = w[2]!, t1 = w[3]!, t2 = w[0]!, t3 = w[1]!;
    let v = this.c0 + (t0 & 0xffffff);
    this.a0 = v & 0xffffff;
    v = this.c1 + ((t0 >>> 24) | ((t1 & 0xffff) << 8)) + (v >>> 24);
    this.a1 = v & 0xffffff;
    v = this.c2 + ((t1 >>> 16) | ((t2 & 0xff) << 16)) + (v >>> 24);
    this.a2 = v & 0xffffff;
    v = this.c3 + (t2 >>> 8) + (v >>> 24);
    this.a3 = v & 0xffffff;
    v = this.c4 + (t3 & 0xffffff) + (v >>> 24);
    this.a4 = v & 0xffffff;
    v = this.c5 + (t3 >>> 24) + (v >>> 24);
    this.a5 = v & 0xff;
    this.step();
  }

  /**
   * state = state * MULT + inc (mod 2^128): schoolbook on 24-bit limbs. The six column sums are
   * formed first (21 independent products, exact in doubles) and the carries propagated after, and
   * carries are split off with a multiply by 2^-24 rather than a division: together about 2.5×
   * faster than interleaving carries with products (the RNG was ~40% of a BossLevel reset).
   */
  private step(): void {
    const a0 = this.a0, a1 = this.a1, a2 = this.a2, a3 = this.a3, a4 = this.a4, a5 = this.a5;
    const s0 = this.c0 + a0 * 0xccf645;
    const s1 = this.c1 + a0 * 0xdf649f + a1 * 0xccf645;
    const s2 = this.c2 + a0 * 0xa44385 + a1 * 0xdf649f + a2 * 0xccf645;
    const s3 = this.c3 + a0 * 0x1fc65d + a1 * 0xa44385 + a2 * 0xdf649f + a3 * 0xccf645;
    const s4 = this.c4 + a0 * 0x60ed05 + a1 * 0x1fc65d + a2 * 0xa44385 + a3 * 0xdf649f + a4 * 0xccf645;
    const s5 = this.c5 + a0 * 0x000023 + a1 * 0x60ed05 + a2 * 0x1fc65d + a3 * 0xa44385 + a4 * 0xdf649f + a5 * 0xccf645;
    let acc = s0;
    let hi = Math.floor(acc * INV_LIMB);
    this.a0 = acc - hi * LIMB;
    acc = s1 + hi;
    hi = Math.floor(acc * INV_LIMB);
    this.a1 = acc - hi * LIMB;
    acc = s2 + hi;
    hi = Math.floor(acc * INV_LIMB);
    this.a2 = acc - hi * LIMB;
    acc = s3 + hi;
    hi = Math.floor(acc * INV_LIMB);
    this.a3 = acc - hi * LIMB;
    acc = s4 + hi;
    hi = Math.floor(acc * INV_LIMB);
    this.a4 = acc - hi * LIMB;
    acc = s5 + hi;
    // mod 2^128: the top limb keeps 8 bits.
    this.a5 = acc - Math.floor(acc * (1 / 256)) * 256;
  }

  /** Advance and compute the XSL-RR output into outHi/outLo. */
  private next64(): void {
    this.step();
    this.draws++;
    // lo64 = bits 0..63, hi64 = bits 64..127, each as two u32 halves read off the 24-bit limbs.
    const loLo = (this.a0 | ((this.a1 & 0xff) << 24)) >>> 0;
    const loHi = ((this.a1 >>> 8) | ((this.a2 & 0xffff) << 16)) >>> 0;
    const hiLo = ((this.a2 >>> 16) | (this.a3 << 8)) >>> 0;
    const hiHi = (this.a4 | (this.a5 << 24)) >>> 0;
    const xh = hiHi ^ loHi;
    const xl = hiLo ^ loLo;
    // rotr64 by rot = hiHi >> 58, without branches (rot is random, so branches mispredict):
    // rot ≥ 32 swaps the halves (via an xor mask), then both halves rotate by r = rot mod 32.
    const rot = hiHi >>> 26;
    const swap = (xh ^ xl) & -(rot >>> 5);
    const h = xh ^ swap;
    const l = xl ^ swap;
    const r = rot & 31;
    // (v << (31 − r)) << 1 is v << (32 − r), and 0 when r = 0 (a single shift by 32 would be by 0).
    this.outHi = ((h >>> r) | ((l << (31 - r)) << 1)) >>> 0;
    this.outLo = ((l >>> r) | ((h << (31 - r)) << 1)) >>> 0;
  }

  /** A raw 64-bit output as a bigint (`random_raw`). */
  nextUint64(): bigint {
    this.next64();
    return (BigInt(this.outHi) << 32n) | BigInt(this.outLo);
  }

  /** numpy's buffered 32-bit draw: low half first, upper half kept for the next call. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.next64();
    this.hasUint32 = true;
    this.uinteger = this.outHi;
    return this.outLo;
  }

  /** (next_uint64 >> 11) * 2^-53. */
  nextDouble(): number {
    this.next64();
    return (this.outHi * 2097152 + (this.outLo >>> 11)) * 1.1102230246251565e-16;
  }

  /** Lemire's bounded draw for 0 < rng < 2^32 - 1. */
  private lemire32(rng: number): number {
    if (rng < SMALL_RANGE) return this.lemireSmall(rng);
    const ex = rng + 1;
    let u = this.nextUint32();
    let lo = Math.imul(u, ex) >>> 0; // low 32 bits of the exact product
    if (lo < ex) {
      const t = (0xffffffff - rng) % ex;
      while (lo < t) {
        u = this.nextUint32();
        lo = Math.imul(u, ex) >>> 0;
      }
    }
    return mulHi32(u, ex);
  }

  /**
   * lemire32 for ranges below 2^21 (every Minigrid range): u32 · (rng + 1) < 2^53 is exact in a
   * double, so the high and low words come from one multiply instead of a 16-bit split.
   */
  private lemireSmall(rng: number): number {
    const ex = rng + 1;
    let m = this.nextUint32() * ex;
    let hi = Math.floor(m * INV_2_32);
    let lo = m - hi * 4294967296;
    if (lo < ex) {
      const t = (0xffffffff - rng) % ex;
      while (lo < t) {
        m = this.nextUint32() * ex;
        hi = Math.floor(m * INV_2_32);
        lo = m - hi * 4294967296;
      }
    }
    return hi;
  }

  private lemire64(rng: bigint): bigint {
    const ex = rng + 1n;
    const M64 = (1n << 64n) - 1n;
    let m = this.nextUint64() * ex;
    let lo = m & M64;
    if (lo < ex) {
      const t = (M64 - rng) % ex;
      while (lo < t) {
        m = this.nextUint64() * ex;
        lo = m & M64;
      }
    }
    return m >> 64n;
  }

  /** `integers(low, high)`: int64 scalar in [low, high); `integers(n)` is [0, n). */
  integers(low: number, high?: number): number {
    if (high === undefined) {
      high = low;
      low = 0;
    }
    const rng = high - 1 - low;
    // Fast path, the Minigrid case: integer bounds, 1 < high − low ≤ 2^21.
    if (rng > 0 && rng < SMALL_RANGE && Number.isSafeInteger(low) && Number.isSafeInteger(high)) {
      return low + this.lemireSmall(rng);
    }
    return this.integersGeneral(low, high);
  }

  private integersGeneral(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new RangeError(`integers(${low}, ${high}): bounds must be integers`);
    }
    const rng = high - 1 - low;
    if (rng < 0) throw new RangeError(`integers(${low}, ${high}): low >= high`);
    if (rng === 0) return low;
    if (rng < 0xffffffff) return low + this.lemire32(rng);
    if (rng === 0xffffffff) return low + this.nextUint32();
    const r = BigInt(rng);
    const v = r === (1n << 64n) - 1n ? this.nextUint64() : this.lemire64(r);
    return Number(BigInt(low) + v);
  }

  /** `uniform(low, high)`. */
  uniform(low = 0, high = 1): number {
    const range = high - low;
    if (!Number.isFinite(range) || range < 0) throw new RangeError(`uniform(${low}, ${high}): invalid range`);
    return low + range * this.nextDouble();
  }

  /** numpy's masked-rejection `random_interval`, used by shuffle. */
  private randomInterval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** In-place Fisher–Yates exactly as `Generator.shuffle` on a list. */
  shuffle<T>(x: T[]): T[] {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = this.randomInterval(i);
      const tmp = x[i]!;
      x[i] = x[j]!;
      x[j] = tmp;
    }
    return x;
  }

  /** `choice(a)` with replacement and no weights: `a[integers(0, len(a))]`. */
  choice<T>(a: readonly T[]): T {
    if (a.length === 0) throw new RangeError("choice: empty sequence");
    return a[this.integers(0, a.length)]!;
  }

  /** The 128-bit LCG state as 32 hex digits. */
  stateHex(): string {
    const limbs = [this.a0, this.a1, this.a2, this.a3, this.a4, this.a5];
    const v = limbs.reduce((acc, l, i) => acc + (BigInt(l) << BigInt(24 * i)), 0n);
    return v.toString(16).padStart(32, "0");
  }

  snapshot(): RngSnapshot {
    return { draws: this.draws, has_uint32: this.hasUint32 ? 1 : 0, uinteger: this.uinteger, state: this.stateHex() };
  }
}

/** High 32 bits of the exact product of two u32: floor((ah·b·2^16 + al·b) / 2^32), all steps exact. */
function mulHi32(a: number, b: number): number {
  const low = (a & MASK16) * b; // < 2^48
  const high = (a >>> 16) * b; // < 2^48
  return Math.floor((high + Math.floor(low / 65536)) / 65536);
}
