/**
 * The dry run: how many LM calls a MIPROv2 configuration will make, counted without calling any LM.
 *
 * - Prompt model: exact, barring retried proposals and early "COMPLETE" dataset summaries.
 * - Bootstrapping: assumes a fraction `bootstrapSuccessRate` of teacher runs pass the metric
 *   (default 0.5; a set of k bootstrapped demos then takes about k / rate runs, at most the trainset).
 * - Evaluation: the real search loop (./search.ts) runs on synthetic scores, from the RNG state the
 *   real run will have (./draw-plan.ts) — so its minibatches and its random startup combinations are
 *   the real ones — and the score-dependent part (TPE's later choices, which combinations get fully
 *   evaluated, hence how many scored examples are reused) is averaged over 12 synthetic score worlds.
 * - LM calls = program runs × `callsPerProgramRun` (default: one per predictor; an agent that calls
 *   its predictor once per step should pass its average steps per episode).
 */
import type { Module } from "../../module.js";
import { PyRandom, stableHash32 } from "../py-random.js";
import { type CategoricalSpace, TPESampler } from "../tpe.js";
import { demoSetKind, drawPlan, proposalsPerPredictor } from "./draw-plan.js";
import { type Params, type SearchContext, comboKey, emptySearchState, runSearchSync } from "./search.js";
import { type MIPROv2Settings, type ResolvedOptions, bootstrapLimits } from "./settings.js";

/** A dry run: what a configuration will cost, counted without calling any LM. */
export interface CallEstimate {
  settings: MIPROv2Settings;
  /** Program runs (one per example evaluated or bootstrapped). */
  programRuns: { bootstrap: number; baseline: number; minibatchTrials: number; fullEvaluations: number; reused: number; total: number };
  /** Full evaluations after the baseline. */
  fullEvaluations: number;
  /** LM calls per program run assumed (default: one per predictor). */
  callsPerProgramRun: number;
  lmCalls: {
    datasetSummary: number;
    /** Program and module descriptions (made inside every proposal, as DSPy does). */
    describe: number;
    proposals: number;
    /** Prompt-model calls: summary + describe + proposals. */
    prompt: number;
    bootstrap: number;
    evaluation: number;
    /** Task-model calls: bootstrap + evaluation. */
    task: number;
    total: number;
  };
  /** DSPy's own `_estimate_lm_calls` for the same settings (it leaves out bootstrapping). */
  dspyFormula: { prompt: number; task: number; total: number };
  /** The calls the budget allows, when it is below the estimate. */
  budgetCap?: number;
  /** The estimate as lines for a terminal. */
  text: string;
}

/** What the estimate needs besides the settings. */
export interface EstimateInput {
  settings: MIPROv2Settings;
  resolved: ResolvedOptions;
  program: Module;
  /** The valset size before the preset's subsample (the default split's, when none is given). */
  givenValsetSize: number;
  maxCalls?: number;
  callsPerProgramRun?: number;
  bootstrapSuccessRate?: number;
}

/** Counts the calls of a run with these settings (see the module comment for what is exact). */
export function estimateCalls(input: EstimateInput): CallEstimate {
  const { settings: s, resolved: o, program } = input;
  const P = s.predictors;
  const perRun = input.callsPerProgramRun ?? P;
  const p = Math.min(1, Math.max(1e-6, input.bootstrapSuccessRate ?? 0.5));
  const T = s.numTrials;
  const V = s.valsetSize;
  const N = s.numFewshotCandidates;

  // Step 1: bootstrapping runs the teacher until enough examples succeeded.
  const { maxBootstrapped: maxBoot, maxLabeled } = bootstrapLimits(s);
  const runsFor = (k: number) => Math.min(s.trainsetSize, Math.ceil(k / p));
  let bootstrapRuns = 0;
  for (let k = 0; k < N; k++) {
    const kind = demoSetKind(k, maxLabeled);
    if (kind === "unshuffled") bootstrapRuns += runsFor(maxBoot);
    else if (kind === "shuffled") bootstrapRuns += maxBoot >= 1 ? runsFor((1 + maxBoot) / 2) : 0;
  }

  // Step 2: proposals.
  let summary = 0;
  if (o.dataAware) {
    const b = o.viewDataBatchSize;
    const later = s.trainsetSize > b ? Math.ceil((s.trainsetSize - b) / b) : 0;
    summary = 1 + Math.min(9, later) + 1;
  }
  // One proposal per demo-set index (set 0's too, whose result DSPy discards); each describes the
  // program and its module first.
  const perPredictor = proposalsPerPredictor(s, N);
  const proposals = P * perPredictor;
  const describe = o.programAware ? 2 * proposals : 0;

  // Step 3: the real search loop, run on synthetic scores from the RNG state the real run will
  // have (its minibatches and startup combinations are exactly the real ones).
  const space: Record<string, number> = {};
  for (let i = 0; i < P; i++) {
    space[`${i}_predictor_instruction`] = perPredictor;
    if (!s.zeroshot) space[`${i}_predictor_demos`] = Math.max(N, 1);
  }
  const sim = simulateSearchRuns(s, space, drawPlan(s, input.givenValsetSize, o.tipAware).rngAtSearchStart, {
    nStartupTrials: o.nStartupTrials,
    reuse: o.reuseEvaluations,
    defaultIsCombo0: s.zeroshot || program.predictors().every((pr) => pr.demos.length === 0),
  });
  const fullEvals = Math.round(sim.fullEvaluations);
  const minibatchRuns = Math.round(sim.minibatch);
  const fullRuns = Math.round(sim.full);
  const mb = s.minibatch ? Math.min(s.minibatchSize, V) : V;
  const reused = T * mb + fullEvals * V - minibatchRuns - fullRuns;
  const evaluationRuns = V + minibatchRuns + fullRuns;

  const bootstrapCalls = Math.round(bootstrapRuns * perRun);
  const evaluationCalls = Math.round(evaluationRuns * perRun);
  const prompt = summary + describe + proposals;
  const task = bootstrapCalls + evaluationCalls;
  const total = prompt + task;

  // DSPy's `_estimate_lm_calls` (mipro_optimizer_v2.py): prompt = 10 + instr·P + (P+1); task =
  // mb·T + |val|·(T // steps + 1) with minibatches, else |val|·T.
  const dspyPrompt = 10 + s.numInstructCandidates * P + (o.programAware ? P + 1 : 0);
  const dspyTask = s.minibatch ? s.minibatchSize * T + V * (Math.floor(T / s.minibatchFullEvalSteps) + 1) : V * T;

  const estimate: CallEstimate = {
    settings: s,
    programRuns: {
      bootstrap: bootstrapRuns,
      baseline: V,
      minibatchTrials: T * mb,
      fullEvaluations: fullEvals * V,
      reused,
      total: bootstrapRuns + evaluationRuns,
    },
    fullEvaluations: fullEvals,
    callsPerProgramRun: perRun,
    lmCalls: { datasetSummary: summary, describe, proposals, prompt, bootstrap: bootstrapCalls, evaluation: evaluationCalls, task, total },
    dspyFormula: { prompt: dspyPrompt, task: dspyTask, total: dspyPrompt + dspyTask },
    text: "",
  };
  if (input.maxCalls !== undefined && input.maxCalls < total) estimate.budgetCap = input.maxCalls;
  estimate.text = formatEstimate(estimate);
  return estimate;
}

/** The estimate as a few lines for a terminal. */
export function formatEstimate(e: CallEstimate): string {
  const s = e.settings;
  const r = e.programRuns;
  const c = e.lmCalls;
  const lines = [
    `MIPROv2${s.auto ? ` (auto=${s.auto})` : ""}: ${s.predictors} predictor(s), ${s.numTrials} trials, ${s.numInstructCandidates} instruction candidates, ` +
      `${s.numFewshotCandidates} demo sets, trainset ${s.trainsetSize}, valset ${s.valsetSize}` +
      (s.minibatch ? ` (minibatches of ${s.minibatchSize}, ${e.fullEvaluations} full evaluations after the baseline)` : " (every trial on the full valset)"),
    `  prompt model: ${c.datasetSummary} dataset-summary + ${c.describe} program-description + ${c.proposals} proposal calls = ${c.prompt}`,
    `  task model:   ${r.bootstrap} bootstrap + ${r.baseline} baseline + ${r.minibatchTrials} trial + ${r.fullEvaluations} full-evaluation runs − ${r.reused} reused ` +
      `= ${r.total} program runs × ${e.callsPerProgramRun} call(s) = ${c.task}`,
    `  total: ~${c.total} LM calls (DSPy's own estimate for these settings: ${e.dspyFormula.total}, without bootstrapping)`,
  ];
  if (e.budgetCap !== undefined) lines.push(`  budget: at most ${e.budgetCap} calls; the search stops there with the best program so far`);
  return lines.join("\n");
}

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
