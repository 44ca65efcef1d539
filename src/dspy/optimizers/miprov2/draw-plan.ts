/**
 * The draw plan: every draw MIPROv2's shared `random.Random(seed)` makes before the search, in
 * DSPy's order — the valset subsample (`auto` only), each shuffled demo set's shuffle and size, each
 * proposal's tip and rollout id. None of them depends on an LM reply, so the run and the dry-run
 * estimate both take them from here: the run uses the draws, the estimate only the RNG state the
 * search will start from.
 */
import { PyRandom, type PyRandomState } from "../py-random.js";
import { AUTO_RUN_SETTINGS, bootstrapLimits, type MIPROv2Settings } from "./settings.js";

/** The tips' keys in DSPy's order (the proposer draws one per proposal). */
export const TIP_KEYS = ["none", "creative", "simple", "description", "high_stakes", "persona"] as const;

/** DSPy's demo-set kinds, by index k (0…N−1): seeds −3 (none), −2 (labeled), −1 (unshuffled), else shuffled. */
export type DemoSetKind = "none" | "labeled" | "unshuffled" | "shuffled";

/** Which demo-set kind index k is. With `maxLabeledDemos` 0, DSPy's labeled set becomes a shuffled one. */
export function demoSetKind(k: number, maxLabeledDemos: number): DemoSetKind {
  const seed = k - 3;
  if (seed === -3) return "none";
  if (seed === -2 && maxLabeledDemos > 0) return "labeled";
  if (seed === -1) return "unshuffled";
  return "shuffled";
}

/** DSPy's `create_minibatch(valset, valSize, rng)` under `auto`: the positions kept (a permutation even when all are). */
export function drawValsetSubsample(rng: PyRandom, n: number, auto: MIPROv2Settings["auto"]): number[] {
  if (auto === null) return Array.from({ length: n }, (_, i) => i);
  return rng.sampleIndices(n, Math.min(AUTO_RUN_SETTINGS[auto].valSize, n));
}

/** One demo set's draws: its kind, the trainset in the order it bootstraps from, its bootstrapped-demo count. */
export interface DemoSetDraw<T> {
  index: number;
  kind: DemoSetKind;
  trainset: T[];
  /** Bootstrapped demos wanted (the full maximum for the unshuffled set; 0 for none/labeled). */
  size: number;
  /** The shared RNG right after this set's draws. */
  rng: PyRandomState;
}

/** The draws of demo sets `from…numFewshotCandidates−1`, made on `rng` in DSPy's order. */
export function drawDemoSets<T>(rng: PyRandom, s: MIPROv2Settings, trainset: readonly T[], from = 0): DemoSetDraw<T>[] {
  const { maxBootstrapped, maxLabeled } = bootstrapLimits(s);
  const draws: DemoSetDraw<T>[] = [];
  for (let k = from; k < s.numFewshotCandidates; k++) {
    const copy = [...trainset];
    const kind = demoSetKind(k, maxLabeled);
    let size = kind === "unshuffled" ? maxBootstrapped : 0;
    if (kind === "shuffled") {
      rng.shuffle(copy);
      // DSPy calls randint(1, max) even when max is 0, and crashes (stanfordnlp/dspy#9938).
      size = maxBootstrapped >= 1 ? rng.randint(1, maxBootstrapped) : 0;
    }
    draws.push({ index: k, kind, trainset: copy, size, rng: rng.getState() });
  }
  return draws;
}

/** Proposals per predictor: one per demo-set index up to the instruction-candidate count (DSPy's `range(num_demos)[:N]`). */
export function proposalsPerPredictor(s: MIPROv2Settings, demoSets: number): number {
  return Math.min(s.numInstructCandidates, Math.max(demoSets, 1));
}

/** One proposal's draws. */
export interface ProposalDraw {
  /** Position in the proposal order (predictor-major). */
  index: number;
  predictor: number;
  /** The demo set it is grounded on (0 is the set DSPy overwrites with the original instruction). */
  demoSet: number;
  /** The tip (null when tips are off). */
  tipKey: (typeof TIP_KEYS)[number] | null;
  rolloutId: number;
  /** The shared RNG right after this proposal's draws. */
  rng: PyRandomState;
}

/** The draws of proposals `from…` for `demoSets` demo sets per predictor, on `rng` in DSPy's order. */
export function drawProposals(rng: PyRandom, s: MIPROv2Settings, tipAware: boolean, demoSets: number, from = 0): ProposalDraw[] {
  const perPredictor = proposalsPerPredictor(s, demoSets);
  const draws: ProposalDraw[] = [];
  for (let idx = from; idx < s.predictors * perPredictor; idx++) {
    const tipKey = tipAware ? rng.choice(TIP_KEYS) : null;
    const rolloutId = rng.randint(0, 10 ** 9);
    draws.push({ index: idx, predictor: Math.floor(idx / perPredictor), demoSet: idx % perPredictor, tipKey, rolloutId, rng: rng.getState() });
  }
  return draws;
}

/** The whole plan of a fresh run, for the data sizes in `s` (`givenValsetSize`: the valset before the preset's subsample). */
export interface DrawPlan {
  valIndices: number[];
  demoSets: DemoSetDraw<number>[];
  proposals: ProposalDraw[];
  /** The shared RNG as the search finds it. */
  rngAtSearchStart: PyRandom;
}

/** The draws a fresh run makes before its search (the trainset stands as positions 0…n−1). */
export function drawPlan(s: MIPROv2Settings, givenValsetSize: number, tipAware: boolean): DrawPlan {
  const rng = new PyRandom(s.seed);
  const valIndices = drawValsetSubsample(rng, givenValsetSize, s.auto);
  const demoSets = drawDemoSets(rng, s, Array.from({ length: s.trainsetSize }, (_, i) => i));
  const proposals = drawProposals(rng, s, tipAware, s.numFewshotCandidates);
  return { valIndices, demoSets, proposals, rngAtSearchStart: rng };
}
