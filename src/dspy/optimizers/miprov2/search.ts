/**
 * MIPROv2's step 3 — the search over (instruction, demo set) per predictor — as one loop shared by a
 * real run and by the dry run's simulation (./estimate.ts).
 *
 * The loop is DSPy's `_optimize_prompt_parameters`: the default program is scored on the whole
 * valset (trial 1); each trial asks the TPE sampler for a combination, scores it on a fresh random
 * minibatch (or the whole valset without minibatches), and every `steps + 1` trial numbers — and on
 * the second-to-last — the untried combination with the best mean minibatch score is scored on the
 * whole valset, taking a trial number of its own. Scores of (combination, example) pairs are
 * memoised; a step only runs the examples not scored yet.
 */
import { pyRound } from "../../pycompat.js";
import type { PyRandom } from "../py-random.js";
import { type CategoricalSpace, TPESampler, type TPESamplerState, type TPETrial } from "../tpe.js";
import type { MIPROv2Settings } from "./settings.js";

export type Params = Record<string, number>;

/** One scored trial of the search: its number, kind, parameters, score and cost. */
export interface MIPROv2Trial {
  /** DSPy's trial number: 1 is the default program; full evaluations take a number too. */
  number: number;
  kind: "baseline" | "minibatch" | "full";
  /** `{"0_predictor_instruction": i, "0_predictor_demos": j, …}`; null for the default program. */
  params: Record<string, number> | null;
  score: number;
  /** Examples the score is over. */
  batchSize: number;
  /** Program runs made (the rest were reused). */
  runs: number;
  /** LM calls made. */
  calls: number;
  /** The evaluation crashed (scored 0, as DSPy does). */
  failed?: boolean;
}

/** The search's state, as a checkpoint keeps it. */
export interface SearchState {
  baselineDone: boolean;
  /** Optuna's next trial number. */
  nextNumber: number;
  objectiveDone: number;
  pendingFullEval: boolean;
  trials: MIPROv2Trial[];
  tpe: TPESamplerState;
  /** `memo[combination][valset position]` = score. */
  memo: Record<string, Record<string, number>>;
  fullyEvaluated: Record<string, number>;
  best: { score: number; params: Record<string, number> | null; trial: number } | null;
}

/**
 * Trials in all, the baseline included: DSPy's `adjusted_num_trials` with minibatches; without,
 * the trials plus the baseline (DSPy logs "Trial 11 / 10" there).
 */
export function totalTrialNumbers(s: MIPROv2Settings): number {
  return s.minibatch ? s.adjustedNumTrials : s.numTrials + 1;
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
  const total = totalTrialNumbers(s);

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
    ctx.afterStep(trial, `Trial 1 / ${total}: default program scores ${r.score} on the full valset`);
  }

  for (;;) {
    ctx.checkStop();
    if (S.pendingFullEval) {
      const trial = yield* fullEvaluation(ctx, all);
      S.pendingFullEval = false;
      if (trial) {
        ctx.afterStep(trial, `Trial ${trial.number} / ${total}: full evaluation scores ${trial.score} with ${JSON.stringify(trial.params)} (${trial.runs} runs); best ${S.best!.score}`);
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
      `Trial ${trialNum} / ${total}: score ${r.score} on ${kind === "full" ? "the full valset" : `a minibatch of ${indices.length}`} with ${JSON.stringify(params)} (${r.runs} runs, ${r.calls} calls); best full score ${S.best!.score}`,
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
