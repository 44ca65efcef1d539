/**
 * MIPROv2's step 3 — the search over (instruction, demo set) per predictor — as one loop shared by a
 * real run and by the dry run's simulation, plus the RNG draws of steps 1 and 2 that decide where the
 * search starts.
 *
 * The loop is DSPy's `_optimize_prompt_parameters`: the default program is scored on the whole
 * valset (trial 1); each trial asks the TPE sampler for a combination, scores it on a fresh random
 * minibatch (or the whole valset without minibatches), and every `steps + 1` trial numbers — and on
 * the second-to-last — the untried combination with the best mean minibatch score is scored on the
 * whole valset, taking a trial number of its own. Scores of (combination, example) pairs are
 * memoised; a step only runs the examples not scored yet.
 *
 * Every draw of the shared RNG before the search depends only on the seed and the data sizes, never
 * on an LM reply. So the dry run replays them exactly, and its simulated search draws the very
 * minibatches and startup combinations the real run will draw; only what depends on scores (TPE's
 * later choices, which combination gets fully evaluated) is averaged over synthetic score worlds.
 */
import { pyRound } from "../pycompat.js";
import type { MIPROv2Checkpoint, MIPROv2Settings, MIPROv2Trial } from "./miprov2.js";
import { PyRandom, stableHash32 } from "./py-random.js";
import { type CategoricalSpace, TPESampler, type TPETrial } from "./tpe.js";

export type Params = Record<string, number>;
export type SearchState = MIPROv2Checkpoint["search"];

/** The tips' keys in DSPy's order (the proposer draws one per proposal). */
export const TIP_KEYS = ["none", "creative", "simple", "description", "high_stakes", "persona"] as const;

// ---- the RNG draws of steps 1 and 2 ----------------------------------------------------------------

/** DSPy's `create_minibatch(valset, valSize, rng)` under `auto`: the positions kept (a permutation even when all are). */
export function drawValsetSubsample(rng: PyRandom, n: number, valSize: number): number[] {
  return rng.sampleIndices(n, Math.min(valSize, n));
}

/** A shuffled demo set: shuffles `trainset` in place and draws the number of bootstrapped demos. */
export function drawShuffledDemoSet<T>(rng: PyRandom, trainset: T[], maxBootstrappedDemos: number): number {
  rng.shuffle(trainset);
  // DSPy calls randint(1, max) even when max is 0, and crashes (stanfordnlp/dspy#9938).
  return maxBootstrappedDemos >= 1 ? rng.randint(1, maxBootstrappedDemos) : 0;
}

/** Which demo-set kind index k (0…N−1) is: DSPy's seeds −3 (none), −2 (labeled), −1 (unshuffled), else shuffled. */
export function demoSetKind(k: number, maxLabeledDemos: number): "none" | "labeled" | "unshuffled" | "shuffled" {
  const seed = k - 3;
  if (seed === -3) return "none";
  if (seed === -2 && maxLabeledDemos > 0) return "labeled";
  if (seed === -1) return "unshuffled";
  return "shuffled";
}

/** One proposal's tip key (when tips are on) and rollout id. */
export function drawProposal(rng: PyRandom, tipAware: boolean): { tipKey: string | null; rolloutId: number } {
  const tipKey = tipAware ? rng.choice(TIP_KEYS) : null;
  return { tipKey, rolloutId: rng.randint(0, 10 ** 9) };
}

// ---- the loop ----------------------------------------------------------------------------------------

/** A request from the loop to run the program for `params` (null = default) on valset positions. */
export interface RunRequest {
  params: Params | null;
  indices: number[];
}

/** The answer: per-position scores (positions in `errors` are not memoised), or null when the evaluation crashed. */
export type RunResult = { scores: Map<number, number>; errors: Set<number>; calls: number } | null;

/** What a search step needs from its run (real or simulated). */
export interface SearchContext {
  settings: MIPROv2Settings;
  space: CategoricalSpace;
  S: SearchState;
  tpe: TPESampler;
  rng: PyRandom;
  /** Skip (combination, example) pairs already scored. */
  reuse: boolean;
  /** The memo key of the default program (the all-zero combination when it has no demos of its own). */
  defaultKey: string;
  /** Whether a step of about `runs` program runs fits in the budget. */
  fits(runs: number): boolean;
  /** After every finished step (checkpoint, log, progress). */
  afterStep(trial: MIPROv2Trial, message: string): void;
  /** Throws when the run must stop (the caller aborted). */
  checkStop(): void;
  /** The error that ends the search when the budget cannot take the next step. */
  budgetExceeded(): Error;
  log(line: string): void;
}

/** The memo key of a combination (the values in space order). */
export function comboKey(space: CategoricalSpace, params: Params): string {
  return Object.keys(space)
    .map((k) => params[k])
    .join(",");
}

type Scored = { score: number; runs: number; calls: number; failed: boolean };
type Steps<T> = Generator<RunRequest, T, RunResult>;

/** Scores a combination on valset positions; DSPy: an evaluation that crashes scores 0. */
function* score(ctx: SearchContext, key: string, params: Params | null, indices: number[]): Steps<Scored> {
  const memo = (ctx.S.memo[key] ??= {});
  const todo = ctx.reuse ? indices.filter((i) => !(i in memo)) : indices;
  let fresh = new Map<number, number>();
  let calls = 0;
  if (todo.length > 0) {
    const r = yield { params, indices: todo };
    if (r === null) return { score: 0, runs: todo.length, calls: 0, failed: true };
    fresh = r.scores;
    calls = r.calls;
    for (const [i, s] of r.scores) if (!r.errors.has(i)) memo[i] = s;
  }
  let sum = 0;
  for (const i of indices) sum += fresh.get(i) ?? memo[i] ?? 0;
  return { score: pyRound((100 * sum) / indices.length, 2), runs: todo.length, calls, failed: false };
}

function trialRecord(number: number, kind: MIPROv2Trial["kind"], params: Params | null, indices: number[], r: Scored): MIPROv2Trial {
  return { number, kind, params, score: r.score, batchSize: indices.length, runs: r.runs, calls: r.calls, ...(r.failed ? { failed: true } : {}) };
}

/** Drives the loop, running each request with `run` (the real evaluation). */
export async function runSearch(ctx: SearchContext, run: (req: RunRequest) => Promise<RunResult>): Promise<void> {
  const steps = searchSteps(ctx);
  let next = steps.next();
  while (!next.done) next = steps.next(await run(next.value));
}

/** Drives the loop synchronously (the dry run's simulation). */
export function runSearchSync(ctx: SearchContext, run: (req: RunRequest) => RunResult): void {
  const steps = searchSteps(ctx);
  let next = steps.next();
  while (!next.done) next = steps.next(run(next.value));
}

/** The search until `numTrials` trials and their full evaluations are done (continuing a resumed state). */
function* searchSteps(ctx: SearchContext): Steps<void> {
  const { settings: s, S } = ctx;
  const all = Array.from({ length: s.valsetSize }, (_, i) => i);
  const zeros = Object.fromEntries(Object.keys(ctx.space).map((k) => [k, 0]));

  if (!S.baselineDone) {
    ctx.checkStop();
    if (!ctx.fits(all.length)) throw ctx.budgetExceeded();
    const r = yield* score(ctx, ctx.defaultKey, null, all);
    const trial = trialRecord(1, "baseline", null, all, r);
    S.trials.push(trial);
    S.fullyEvaluated[ctx.defaultKey] = r.score;
    S.best = { score: r.score, params: null, trial: 1 };
    S.nextNumber = 1;
    S.baselineDone = true;
    ctx.afterStep(trial, `Trial 1 / ${s.adjustedNumTrials}: default program scores ${r.score} on the full valset`);
  }

  for (;;) {
    ctx.checkStop();
    if (S.pendingFullEval) {
      const trial = yield* fullEvaluation(ctx, all);
      S.pendingFullEval = false;
      if (trial) {
        ctx.afterStep(trial, `Trial ${trial.number} / ${s.adjustedNumTrials}: full evaluation scores ${trial.score} with ${JSON.stringify(trial.params)} (${trial.runs} runs); best ${S.best!.score}`);
      } else {
        ctx.log("Every combination tried so far is already fully evaluated; skipping this full evaluation.");
      }
      continue;
    }
    if (S.objectiveDone >= s.numTrials) break;
    const batch = s.minibatch ? Math.min(s.minibatchSize, all.length) : all.length;
    if (!ctx.fits(batch)) throw ctx.budgetExceeded();

    const trialNum = S.nextNumber + 1;
    const tpeTrials: TPETrial[] = S.trials.map((t) => ({ params: t.params ?? zeros, value: t.score }));
    const params = ctx.tpe.sample(ctx.space, tpeTrials);
    const indices = batch < all.length ? ctx.rng.sampleIndices(all.length, batch) : all;
    const key = comboKey(ctx.space, params);
    const r = yield* score(ctx, key, params, indices);
    const kind = batch >= all.length ? "full" : "minibatch";
    const trial = trialRecord(trialNum, kind, params, indices, r);
    S.trials.push(trial);
    S.nextNumber++;
    S.objectiveDone++;
    if (kind === "full") {
      S.fullyEvaluated[key] = r.score;
      if (r.score > S.best!.score) S.best = { score: r.score, params, trial: trialNum };
    }
    if (s.minibatch && (trialNum % (s.minibatchFullEvalSteps + 1) === 0 || trialNum === s.adjustedNumTrials - 1)) S.pendingFullEval = true;
    ctx.afterStep(
      trial,
      `Trial ${trialNum} / ${s.adjustedNumTrials}: score ${r.score} on ${kind === "full" ? "the full valset" : `a minibatch of ${indices.length}`} with ${JSON.stringify(params)} (${r.runs} runs, ${r.calls} calls); best full score ${S.best!.score}`,
    );
  }
}

/** DSPy's `_perform_full_evaluation` with `get_program_with_highest_avg_score`; null when nothing is left to evaluate. */
function* fullEvaluation(ctx: SearchContext, all: number[]): Steps<MIPROv2Trial | null> {
  const S = ctx.S;
  const groups = new Map<string, { sum: number; n: number; params: Params }>();
  for (const t of S.trials) {
    if (t.kind !== "minibatch" || !t.params) continue;
    const key = comboKey(ctx.space, t.params);
    const g = groups.get(key) ?? { sum: 0, n: 0, params: t.params };
    g.sum += t.score;
    g.n++;
    groups.set(key, g);
  }
  const ranked = [...groups.entries()].map(([key, g]) => ({ key, mean: g.sum / g.n, params: g.params })).sort((a, b) => b.mean - a.mean);
  const next = ranked.find((r) => !(r.key in S.fullyEvaluated));
  if (!next) return null;
  if (!ctx.fits(all.length)) throw ctx.budgetExceeded();
  const number = S.nextNumber + 1;
  const r = yield* score(ctx, next.key, next.params, all);
  S.nextNumber++;
  const trial = trialRecord(number, "full", next.params, all, r);
  S.trials.push(trial);
  S.fullyEvaluated[next.key] = r.score;
  if (r.score > S.best!.score) S.best = { score: r.score, params: next.params, trial: number };
  return trial;
}

/** An empty search state. */
export function emptySearchState(tpe: TPESampler): SearchState {
  return { baselineDone: false, nextNumber: 0, objectiveDone: 0, pendingFullEval: false, trials: [], tpe: tpe.getState(), memo: {}, fullyEvaluated: {}, best: null };
}

// ---- the dry run's simulation ------------------------------------------------------------------------

/**
 * Program runs of the search, averaged over `worlds` synthetic score worlds: each parameter choice
 * gets a random effect, a combination's accuracy is the logistic of their sum, and each
 * (combination, example) outcome is a fixed coin. The loop, the sampler, the RNG (from `rng`, the
 * state the real run will have) and the memo are the real ones.
 */
export function simulateSearchRuns(
  settings: MIPROv2Settings,
  space: CategoricalSpace,
  rng: PyRandom,
  options: { nStartupTrials: number; reuse: boolean; defaultIsCombo0: boolean; worlds?: number },
): { baseline: number; minibatch: number; full: number; fullEvaluations: number } {
  const worlds = options.worlds ?? 12;
  const totals = { baseline: 0, minibatch: 0, full: 0, fullEvaluations: 0 };
  const names = Object.keys(space);
  for (let w = 0; w < worlds; w++) {
    const world = new PyRandom(settings.seed * 7919 + w + 1);
    const effects = names.map((n) => Array.from({ length: space[n]! }, () => (world.random() - 0.5) * 4));
    const accuracy = (params: Params | null) => {
      const x = names.reduce((sum, n, p) => sum + effects[p]![params ? params[n]! : 0]!, 0);
      return 1 / (1 + Math.exp(-x));
    };
    const tpe = new TPESampler({ seed: settings.seed, nStartupTrials: options.nStartupTrials });
    const S = emptySearchState(tpe);
    const zeros = Object.fromEntries(names.map((k) => [k, 0]));
    const ctx: SearchContext = {
      settings,
      space,
      S,
      tpe,
      rng: PyRandom.fromState(rng.getState()),
      reuse: options.reuse,
      defaultKey: options.defaultIsCombo0 ? comboKey(space, zeros) : "default",
      fits: () => true,
      afterStep: (trial) => {
        if (trial.kind === "baseline") totals.baseline += trial.runs;
        else if (trial.kind === "minibatch" || settings.minibatch === false) totals.minibatch += trial.runs;
        else {
          totals.full += trial.runs;
          totals.fullEvaluations++;
        }
      },
      checkStop: () => {},
      budgetExceeded: () => new Error("unreachable"),
      log: () => {},
    };
    runSearchSync(ctx, ({ params, indices }) => {
      const q = accuracy(params);
      const key = params ? comboKey(space, params) : "default";
      const scores = new Map(indices.map((i) => [i, stableHash32(`${w}|${key}|${i}`) / 4294967296 < q ? 1 : 0]));
      return { scores, errors: new Set<number>(), calls: indices.length };
    });
  }
  return {
    baseline: totals.baseline / worlds,
    minibatch: totals.minibatch / worlds,
    full: totals.full / worlds,
    fullEvaluations: totals.fullEvaluations / worlds,
  };
}
