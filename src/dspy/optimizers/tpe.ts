/**
 * A Tree-structured Parzen Estimator over categorical parameters — what MIPROv2 gets from Optuna's
 * `TPESampler(seed=seed, multivariate=True)`, rewritten for a space of categoricals only.
 *
 * - The first `nStartupTrials` (default 10, Optuna's) suggestions are uniform at random.
 * - After that, the finished trials are split by value: the best `gamma(n) = min(⌈0.1·n⌉, 25)` are
 *   "good", the rest "bad". Each group becomes a Parzen mixture with one kernel per trial (older
 *   trials weigh less once there are more than 25, as Optuna's `default_weights`) plus a uniform prior
 *   kernel of weight `priorWeight`. A trial's kernel puts `priorWeight / kernels` on every choice and
 *   1 more on the trial's own choice, normalised.
 * - Multivariate: a kernel is a joint distribution — a product over the parameters with the same
 *   trial — so combinations that went well together are proposed together.
 * - `nEICandidates` (24) combinations are drawn from the good mixture; the one maximising
 *   `log good(x) − log bad(x)` (the expected-improvement proxy) is suggested.
 *
 * Every draw comes from one seeded {@link PyRandom}, whose state is plain data: the sampler is a
 * pure function of (state, trials), so a checkpoint replays it exactly. Trials are maximised.
 */
import { PyRandom, type PyRandomState } from "./py-random.js";

/** Parameter name → number of choices (a choice is its index). Key order is the sampling order. */
export type CategoricalSpace = Readonly<Record<string, number>>;

/** A finished trial: the chosen indices and the value it scored (higher is better). */
export interface TPETrial {
  params: Readonly<Record<string, number>>;
  value: number;
}

export interface TPESamplerOptions {
  seed?: number;
  /** Random suggestions before the model is used (Optuna's default 10). */
  nStartupTrials?: number;
  /** Candidates drawn from the good mixture per suggestion (Optuna's 24). */
  nEICandidates?: number;
  /** Weight of the uniform prior kernel (Optuna's 1.0). */
  priorWeight?: number;
  /** Size of the good group for n finished trials (Optuna's `min(ceil(0.1 n), 25)`). */
  gamma?: (n: number) => number;
}

export interface TPESamplerState {
  rng: PyRandomState;
}

/** Optuna's `default_gamma`. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's `default_weights`: flat for up to 25 trials, then a ramp from 1/n for the older ones. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array(n).fill(1);
  const rampLen = n - 25;
  const ramp = Array.from({ length: rampLen }, (_, i) => (rampLen === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (rampLen - 1)));
  return [...ramp, ...new Array(25).fill(1)];
}

/** A mixture of joint categorical kernels. */
class ParzenEstimator {
  /** Mixture weights, summing to 1. */
  readonly weights: number[];
  /** `probs[k][p][c]`: kernel k's probability of choice c for the p-th parameter. */
  readonly probs: number[][][];

  constructor(
    names: readonly string[],
    sizes: readonly number[],
    observations: readonly Readonly<Record<string, number>>[],
    priorWeight: number,
  ) {
    const nKernels = observations.length + 1;
    const raw = [...defaultWeights(observations.length), priorWeight];
    const total = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map((w) => w / total);
    this.probs = [];
    for (const obs of observations) {
      this.probs.push(
        names.map((name, p) => {
          const n = sizes[p]!;
          const row = new Array(n).fill(priorWeight / nKernels);
          row[obs[name]!] += 1;
          const sum = row.reduce((a, b) => a + b, 0);
          return row.map((x) => x / sum);
        }),
      );
    }
    this.probs.push(sizes.map((n) => new Array(n).fill(1 / n)));
  }

  sample(rng: PyRandom): number[] {
    const k = pick(this.weights, rng.random());
    return this.probs[k]!.map((row) => pick(row, rng.random()));
  }

  logPdf(x: readonly number[]): number {
    const terms = this.weights.map((w, k) => Math.log(w) + x.reduce((s, c, p) => s + Math.log(this.probs[k]![p]![c]!), 0));
    const max = Math.max(...terms);
    return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
  }
}

/** The index whose cumulative probability first exceeds `u`. */
function pick(probs: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < probs.length; i++) {
    acc += probs[i]!;
    if (u < acc) return i;
  }
  return probs.length - 1;
}

export class TPESampler {
  readonly nStartupTrials: number;
  readonly nEICandidates: number;
  readonly priorWeight: number;
  private readonly gamma: (n: number) => number;
  private rng: PyRandom;

  constructor(options: TPESamplerOptions = {}) {
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEICandidates = options.nEICandidates ?? 24;
    this.priorWeight = options.priorWeight ?? 1.0;
    this.gamma = options.gamma ?? defaultGamma;
    this.rng = new PyRandom(options.seed ?? 0);
  }

  getState(): TPESamplerState {
    return { rng: this.rng.getState() };
  }

  setState(state: TPESamplerState): void {
    this.rng = PyRandom.fromState(state.rng);
  }

  /** The next combination to try, given every finished trial (in the order they were run). */
  sample(space: CategoricalSpace, trials: readonly TPETrial[]): Record<string, number> {
    const names = Object.keys(space);
    const sizes = names.map((n) => space[n]!);
    for (const [name, size] of Object.entries(space)) {
      if (!Number.isInteger(size) || size < 1) throw new RangeError(`parameter ${name} needs at least one choice, has ${size}`);
    }
    const usable = trials.filter((t) => Number.isFinite(t.value) && names.every((n) => Number.isInteger(t.params[n]) && t.params[n]! >= 0 && t.params[n]! < space[n]!));
    if (usable.length < this.nStartupTrials) {
      return Object.fromEntries(names.map((name, p) => [name, this.rng.randbelow(sizes[p]!)]));
    }
    // Split by value (best first; ties keep trial order), then order each group by trial order.
    const order = usable.map((t, i) => ({ t, i })).sort((a, b) => b.t.value - a.t.value || a.i - b.i);
    const nGood = this.gamma(usable.length);
    const good = order.slice(0, nGood).sort((a, b) => a.i - b.i).map((e) => e.t.params);
    const bad = order.slice(nGood).sort((a, b) => a.i - b.i).map((e) => e.t.params);
    const l = new ParzenEstimator(names, sizes, good, this.priorWeight);
    const g = new ParzenEstimator(names, sizes, bad, this.priorWeight);
    let best: number[] | undefined;
    let bestScore = -Infinity;
    for (let c = 0; c < this.nEICandidates; c++) {
      const x = l.sample(this.rng);
      const score = l.logPdf(x) - g.logPdf(x);
      if (score > bestScore) {
        bestScore = score;
        best = x;
      }
    }
    return Object.fromEntries(names.map((name, p) => [name, best![p]!]));
  }
}
