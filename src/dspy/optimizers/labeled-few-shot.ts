/**
 * LabeledFewShot (dspy/teleprompt/vanilla.py): every predictor gets `k` training examples as demos,
 * drawn with Python's `random.Random(0).sample` — the same examples DSPy picks from the same
 * trainset — or the first `k` when `sample` is false. No LM is called.
 *
 * One deliberate difference: predictors keep their own LMs (DSPy's `reset_copy` drops them).
 *
 * ```ts
 * const fewShot = new LabeledFewShot({ k: 4 }).compile(agent, { trainset });
 * ```
 */
import type { Example } from "../example.js";
import type { Module } from "../module.js";
import { PyRandom } from "./py-random.js";
import { resetCopyKeepingLMs } from "./program-tools.js";

/** Options of {@link LabeledFewShot}. */
export interface LabeledFewShotOptions {
  /** Demos per predictor (DSPy's default 16). */
  k?: number;
}

/** What {@link LabeledFewShot.compile} draws from: the training set, sampled or in order. */
export interface LabeledFewShotCompileOptions {
  trainset: readonly Example[];
  /** Draw a random sample (default) or take the first `k`. */
  sample?: boolean;
}

/** DSPy's LabeledFewShot: up to `k` training examples become every predictor's demos. */
export class LabeledFewShot {
  readonly k: number;

  constructor(options: LabeledFewShotOptions = {}) {
    this.k = options.k ?? 16;
  }

  /** A copy of `student` whose predictors hold the demos. */
  compile<P extends Module>(student: P, options: LabeledFewShotCompileOptions): P {
    const compiled = resetCopyKeepingLMs(student);
    const trainset = options.trainset;
    if (trainset.length === 0) return compiled;
    const rng = new PyRandom(0);
    const n = Math.min(this.k, trainset.length);
    for (const predictor of compiled.predictors()) {
      predictor.demos = options.sample === false ? trainset.slice(0, n) : rng.sample(trainset, n);
    }
    return compiled;
  }
}
