/**
 * Python's `random.Random`, draw for draw: the Mersenne Twister (MT19937) seeded from an int the way
 * CPython seeds it (`init_by_array` over the 32-bit words of `abs(seed)`), and the methods DSPy's
 * optimizers call — `random`, `getrandbits`, `randint`, `choice`, `shuffle`, `sample` — with
 * CPython 3.11's algorithms (`_randbelow_with_getrandbits`, the two branches of `sample`).
 *
 * So `new PyRandom(0).sample(trainset, 4)` picks the same examples as DSPy's
 * `random.Random(0).sample(trainset, 4)`, and a seeded MIPROv2 run draws the same validation
 * subsample, demo-set shuffles, tips and minibatches as DSPy's for the same seed (only the TPE
 * sampler's own draws differ: Optuna uses numpy).
 *
 * The generator state is plain data ({@link PyRandomState}), so a checkpoint can store it and a
 * resumed run continue the exact sequence.
 */

const N = 624;
const M = 397;

/** The generator's full state: 624 words and the position in them. JSON-safe. */
export interface PyRandomState {
  mt: number[];
  index: number;
}

export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** @param seed a non-negative integer (negative seeds use their absolute value, as Python does) */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Reseeds as `random.seed(n)` does for an int. */
  seed(seed: number): void {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`PyRandom seed must be a safe integer, got ${seed}`);
    let n = BigInt(Math.abs(seed));
    const key: number[] = [];
    do {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    } while (n > 0n);
    this.initByArray(key);
  }

  /** A generator restored from {@link getState}. */
  static fromState(state: PyRandomState): PyRandom {
    const r = new PyRandom(0);
    r.setState(state);
    return r;
  }

  getState(): PyRandomState {
    return { mt: Array.from(this.mt), index: this.index };
  }

  setState(state: PyRandomState): void {
    if (!state || !Array.isArray(state.mt) || state.mt.length !== N) throw new Error("not a PyRandom state (expected 624 words)");
    this.mt.set(state.mt.map((w) => w >>> 0));
    this.index = state.index;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.index = N;
  }

  /** One 32-bit output (`genrand_uint32`). */
  private next32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y = (y ^ ((y << 7) & 0x9d2c5680)) >>> 0;
    y = (y ^ ((y << 15) & 0xefc60000)) >>> 0;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A float in [0, 1) with 53 random bits (`random.random()`). */
  random(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** An integer of `k` random bits, k ≤ 53 (`random.getrandbits(k)`). */
  getrandbits(k: number): number {
    if (k < 0 || k > 53 || !Number.isInteger(k)) throw new RangeError(`getrandbits supports 0..53 bits, got ${k}`);
    if (k === 0) return 0;
    if (k <= 32) return this.next32() >>> (32 - k);
    const low = this.next32();
    const high = this.next32() >>> (64 - k);
    return high * 4294967296 + low;
  }

  /** A uniform integer in [0, n) (`_randbelow_with_getrandbits`). */
  randbelow(n: number): number {
    if (n <= 0) return 0;
    const k = n.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** A uniform integer in [a, b], both ends included (`random.randint`). */
  randint(a: number, b: number): number {
    if (b < a) throw new RangeError(`empty range for randint(${a}, ${b})`);
    return a + this.randbelow(b - a + 1);
  }

  /** A uniform element (`random.choice`). */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Cannot choose from an empty sequence");
    return items[this.randbelow(items.length)]!;
  }

  /** Shuffles in place (`random.shuffle`). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** `k` distinct elements in selection order (`random.sample`, CPython 3.11's algorithm). */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (!(k >= 0 && k <= n)) throw new RangeError("Sample larger than population or is negative");
    const result: T[] = new Array(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = [...population];
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j]!;
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = population[j]!;
      }
    }
    return result;
  }

  /** `sample(range(n), k)`: k distinct indices below n. */
  sampleIndices(n: number, k: number): number[] {
    return this.sample(
      Array.from({ length: n }, (_, i) => i),
      k,
    );
  }
}

/** A 32-bit FNV-1a hash of a string: a stable seed for data-derived generators. */
export function stableHash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
