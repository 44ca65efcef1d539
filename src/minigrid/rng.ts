/**
 * numpy's SeedSequence → PCG64 → Generator, bit for bit (see shared/design/numpy-rng.md).
 *
 * The 128-bit LCG state is kept as eight 16-bit limbs in plain numbers so that every product fits
 * a double exactly; this avoids BigInt on the hot path (seeding happens on every `reset(seed)`).
 */

const MASK16 = 0xffff;

// PCG64 multiplier 0x2360ed051fc65da4_4385df649fccf645; its 24-bit limbs (least significant
// first) are written into step() below.
const LIMB = 16777216; // 2^24
type Limbs24 = [number, number, number, number, number, number];

/** Four little-endian u32 words (a 128-bit value) as six 24-bit limbs. */
function limbs24(w: readonly number[]): Limbs24 {
  const [w0, w1, w2, w3] = w as [number, number, number, number];
  return [
    w0 & 0xffffff,
    (w0 >>> 24) | ((w1 & 0xffff) << 8),
    (w1 >>> 16) | ((w2 & 0xff) << 16),
    w2 >>> 8,
    w3 & 0xffffff,
    w3 >>> 24,
  ];
}

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
    const w = new SeedSequence(seed).generateState32(8);
    // u64[k] = w[2k] | w[2k+1] << 32; initstate = u64[0] << 64 | u64[1]; initseq = u64[2] << 64 | u64[3].
    const initstate32 = [w[2]!, w[3]!, w[0]!, w[1]!];
    const initseq32 = [w[6]!, w[7]!, w[4]!, w[5]!];
    // inc = (initseq << 1) | 1, mod 2^128
    const inc32: number[] = [];
    let carry = 1;
    for (let i = 0; i < 4; i++) {
      const x = initseq32[i]!;
      inc32.push(((x << 1) | carry) >>> 0);
      carry = x >>> 31;
    }
    [this.c0, this.c1, this.c2, this.c3, this.c4, this.c5] = limbs24(inc32);
    this.step();
    // state += initstate
    const add = limbs24(initstate32);
    const cur = [this.a0, this.a1, this.a2, this.a3, this.a4, this.a5];
    let c = 0;
    for (let i = 0; i < 6; i++) {
      const base = i === 5 ? 256 : LIMB;
      const v = cur[i]! + add[i]! + c;
      cur[i] = v % base;
      c = v >= base ? 1 : 0;
    }
    [this.a0, this.a1, this.a2, this.a3, this.a4, this.a5] = cur as Limbs24;
    this.step();
  }

  /** state = state * MULT + inc (mod 2^128): schoolbook on 24-bit limbs, unrolled. */
  private step(): void {
    const a0 = this.a0, a1 = this.a1, a2 = this.a2, a3 = this.a3, a4 = this.a4, a5 = this.a5;
    let acc: number;
    let hi: number;
    acc = this.c0 + a0 * 0xccf645;
    hi = Math.floor(acc / LIMB);
    this.a0 = acc - hi * LIMB;
    acc = hi + this.c1 + a0 * 0xdf649f + a1 * 0xccf645;
    hi = Math.floor(acc / LIMB);
    this.a1 = acc - hi * LIMB;
    acc = hi + this.c2 + a0 * 0xa44385 + a1 * 0xdf649f + a2 * 0xccf645;
    hi = Math.floor(acc / LIMB);
    this.a2 = acc - hi * LIMB;
    acc = hi + this.c3 + a0 * 0x1fc65d + a1 * 0xa44385 + a2 * 0xdf649f + a3 * 0xccf645;
    hi = Math.floor(acc / LIMB);
    this.a3 = acc - hi * LIMB;
    acc = hi + this.c4 + a0 * 0x60ed05 + a1 * 0x1fc65d + a2 * 0xa44385 + a3 * 0xdf649f + a4 * 0xccf645;
    hi = Math.floor(acc / LIMB);
    this.a4 = acc - hi * LIMB;
    acc = hi + this.c5 + a0 * 0x000023 + a1 * 0x60ed05 + a2 * 0x1fc65d + a3 * 0xa44385 + a4 * 0xdf649f + a5 * 0xccf645;
    this.a5 = acc % 256; // mod 2^128: the top limb keeps 8 bits
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
    const xh = (hiHi ^ loHi) >>> 0;
    const xl = (hiLo ^ loLo) >>> 0;
    const rot = hiHi >>> 26;
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
