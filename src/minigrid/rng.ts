/**
 * numpy's SeedSequence → PCG64 → Generator, bit for bit (see shared/design/numpy-rng.md).
 *
 * The 128-bit LCG state is kept as eight 16-bit limbs in plain numbers so that every product fits
 * a double exactly; this avoids BigInt on the hot path (seeding happens on every `reset(seed)`).
 */

const MASK16 = 0xffff;

// PCG64 multiplier 0x2360ed051fc65da4_4385df649fccf645; its 16-bit limbs (least significant
// first: f645 9fcc df64 4385 5da4 1fc6 ed05 2360) are written into step() below.

/** A seed as Gymnasium accepts it: a non-negative integer. */
export type Seed = number | bigint;

export class SeedError extends Error {
  constructor(seed: unknown) {
    super(`invalid seed ${String(seed)}: a seed must be a non-negative integer`);
    this.name = "SeedError";
  }
}

/** Split a seed into u32 words, least significant first (numpy's `_coerce_to_uint32_array`). */
export function seedWords(seed: Seed): number[] {
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
    const ent = seedWords(seed);
    let h = 0x43b0d7e5;
    const hashmix = (value: number): number => {
      let v = (value ^ h) >>> 0;
      h = Math.imul(h, 0x931e8875) >>> 0;
      v = Math.imul(v, h) >>> 0;
      return (v ^ (v >>> 16)) >>> 0;
    };
    const mix = (x: number, y: number): number => {
      const r = (Math.imul(0xca01f9dd, x) - Math.imul(0x4973f715, y)) >>> 0;
      return (r ^ (r >>> 16)) >>> 0;
    };
    const pool = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) pool[i] = hashmix(i < ent.length ? ent[i]! : 0);
    for (let src = 0; src < 4; src++) {
      for (let dst = 0; dst < 4; dst++) {
        if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
      }
    }
    for (let src = 4; src < ent.length; src++) {
      for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst]!, hashmix(ent[src]!));
    }
    this.pool = pool;
  }

  /** `generate_state(n, uint32)`. */
  generateState32(n: number): number[] {
    let hb = 0x8b51f9dd;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      let v = (this.pool[i % 4]! ^ hb) >>> 0;
      hb = Math.imul(hb, 0x58f38ded) >>> 0;
      v = Math.imul(v, hb) >>> 0;
      out.push((v ^ (v >>> 16)) >>> 0);
    }
    return out;
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
  // The state and increment as 16-bit limbs, least significant first, in plain fields: small
  // integers that V8 keeps unboxed (about 20% faster than a typed array here).
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;
  private s5 = 0;
  private s6 = 0;
  private s7 = 0;
  private readonly i0: number;
  private readonly i1: number;
  private readonly i2: number;
  private readonly i3: number;
  private readonly i4: number;
  private readonly i5: number;
  private readonly i6: number;
  private readonly i7: number;
  private hasUint32 = false;
  private uinteger = 0;
  /** Number of 64-bit outputs drawn since seeding. */
  draws = 0;
  // Output of the last next64(), as two u32 halves (avoids allocating a pair).
  private outHi = 0;
  private outLo = 0;

  constructor(seed: Seed) {
    const w = new SeedSequence(seed).generateState32(8);
    // u64[k] = w[2k] | w[2k+1] << 32; initstate = u64[0] << 64 | u64[1]; initseq = u64[2] << 64 | u64[3].
    const initstate32 = [w[2]!, w[3]!, w[0]!, w[1]!];
    const initseq32 = [w[6]!, w[7]!, w[4]!, w[5]!];
    // inc = (initseq << 1) | 1, mod 2^128
    const inc: number[] = [];
    let carry = 1;
    for (let i = 0; i < 4; i++) {
      const x = initseq32[i]!;
      const shifted = ((x << 1) | carry) >>> 0;
      carry = x >>> 31;
      inc.push(shifted & MASK16, shifted >>> 16);
    }
    [this.i0, this.i1, this.i2, this.i3, this.i4, this.i5, this.i6, this.i7] = inc as [number, number, number, number, number, number, number, number];
    this.step();
    // state += initstate
    const limbs = this.limbs();
    let c = 0;
    for (let i = 0; i < 8; i++) {
      const add = i % 2 === 0 ? initstate32[i >> 1]! & MASK16 : initstate32[i >> 1]! >>> 16;
      const v = limbs[i]! + add + c;
      limbs[i] = v % 65536;
      c = v >= 65536 ? 1 : 0;
    }
    [this.s0, this.s1, this.s2, this.s3, this.s4, this.s5, this.s6, this.s7] = limbs as [number, number, number, number, number, number, number, number];
    this.step();
  }

  private limbs(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.s4, this.s5, this.s6, this.s7];
  }

  /** state = state * MULT + inc (mod 2^128), schoolbook on 16-bit limbs, unrolled (every product < 2^32). */
  private step(): void {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3, s4 = this.s4, s5 = this.s5, s6 = this.s6, s7 = this.s7;
    let acc: number;
    let hi: number;
    acc = this.i0 + s0 * 0xf645;
    hi = Math.floor(acc / 65536);
    this.s0 = acc - hi * 65536;
    acc = hi + this.i1 + s0 * 0x9fcc + s1 * 0xf645;
    hi = Math.floor(acc / 65536);
    this.s1 = acc - hi * 65536;
    acc = hi + this.i2 + s0 * 0xdf64 + s1 * 0x9fcc + s2 * 0xf645;
    hi = Math.floor(acc / 65536);
    this.s2 = acc - hi * 65536;
    acc = hi + this.i3 + s0 * 0x4385 + s1 * 0xdf64 + s2 * 0x9fcc + s3 * 0xf645;
    hi = Math.floor(acc / 65536);
    this.s3 = acc - hi * 65536;
    acc = hi + this.i4 + s0 * 0x5da4 + s1 * 0x4385 + s2 * 0xdf64 + s3 * 0x9fcc + s4 * 0xf645;
    hi = Math.floor(acc / 65536);
    this.s4 = acc - hi * 65536;
    acc = hi + this.i5 + s0 * 0x1fc6 + s1 * 0x5da4 + s2 * 0x4385 + s3 * 0xdf64 + s4 * 0x9fcc + s5 * 0xf645;
    hi = Math.floor(acc / 65536);
    this.s5 = acc - hi * 65536;
    acc = hi + this.i6 + s0 * 0xed05 + s1 * 0x1fc6 + s2 * 0x5da4 + s3 * 0x4385 + s4 * 0xdf64 + s5 * 0x9fcc + s6 * 0xf645;
    hi = Math.floor(acc / 65536);
    this.s6 = acc - hi * 65536;
    acc = hi + this.i7 + s0 * 0x2360 + s1 * 0xed05 + s2 * 0x1fc6 + s3 * 0x5da4 + s4 * 0x4385 + s5 * 0xdf64 + s6 * 0x9fcc + s7 * 0xf645;
    hi = Math.floor(acc / 65536);
    this.s7 = acc - hi * 65536;
  }

  /** Advance and compute the XSL-RR output into outHi/outLo. */
  private next64(): void {
    this.step();
    this.draws++;
    const xh = ((this.s7 * 65536 + this.s6) ^ (this.s3 * 65536 + this.s2)) >>> 0;
    const xl = ((this.s5 * 65536 + this.s4) ^ (this.s1 * 65536 + this.s0)) >>> 0;
    const rot = this.s7 >>> 10;
    if (rot === 0) {
      this.outHi = xh;
      this.outLo = xl;
    } else if (rot < 32) {
      this.outHi = ((xh >>> rot) | (xl << (32 - rot))) >>> 0;
      this.outLo = ((xl >>> rot) | (xh << (32 - rot))) >>> 0;
    } else if (rot === 32) {
      this.outHi = xl;
      this.outLo = xh;
    } else {
      const r = rot - 32;
      this.outHi = ((xl >>> r) | (xh << (32 - r))) >>> 0;
      this.outLo = ((xh >>> r) | (xl << (32 - r))) >>> 0;
    }
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
    return this.limbs()
      .reverse()
      .map((l) => l.toString(16).padStart(4, "0"))
      .join("");
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
