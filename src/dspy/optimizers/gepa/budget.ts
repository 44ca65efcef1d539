/**
 * GEPA's budget (DSPy 3.3.1 `GEPA.auto_budget`): exactly one of `auto`, `maxFullEvals` and
 * `maxMetricCalls` sets the number of metric calls (program runs) the search may make, and a dry-run
 * estimate of what that costs in LM calls.
 */

/** DSPy's presets: the number of candidates `auto_budget` plans for. */
export const GEPA_AUTO_RUN_SETTINGS = Object.freeze({ light: { n: 6 }, medium: { n: 12 }, heavy: { n: 18 } });

/** `auto` preset names. */
export type GEPAAutoMode = keyof typeof GEPA_AUTO_RUN_SETTINGS;

/** `GEPA.auto_budget(num_preds, num_candidates, valset_size, minibatch_size=35, full_eval_steps=5)`. */
export function gepaAutoBudget(numPreds: number, numCandidates: number, valsetSize: number, minibatchSize = 35, fullEvalSteps = 5): number {
  const numTrials = Math.trunc(Math.max(2 * (numPreds * 2) * Math.log2(numCandidates), 1.5 * numCandidates));
  if (numTrials < 0 || valsetSize < 0 || minibatchSize < 0) throw new Error("num_trials, valset_size, and minibatch_size must be >= 0.");
  if (fullEvalSteps < 1) throw new Error("full_eval_steps must be >= 1.");
  let total = valsetSize + numCandidates * 5 + numTrials * minibatchSize;
  if (numTrials === 0) return total;
  const periodicFulls = Math.floor((numTrials + 1) / fullEvalSteps) + 1;
  const extraFinal = numTrials < fullEvalSteps ? 1 : 0;
  total += (periodicFulls + extraFinal) * valsetSize;
  return total;
}

/** The budget settings GEPA accepts (exactly one). */
export interface GEPABudgetOptions {
  auto?: GEPAAutoMode | null;
  maxMetricCalls?: number | null;
  maxFullEvals?: number | null;
}

/** Checks that exactly one budget is set (DSPy's assertion, as an Error). */
export function checkBudgetOptions(o: GEPABudgetOptions): void {
  const set = [o.auto, o.maxMetricCalls, o.maxFullEvals].filter((v) => v !== undefined && v !== null).length;
  if (set !== 1) {
    throw new Error(
      `Exactly one of maxMetricCalls, maxFullEvals, auto must be set. You set maxMetricCalls=${o.maxMetricCalls ?? "undefined"}, maxFullEvals=${o.maxFullEvals ?? "undefined"}, auto=${o.auto ?? "undefined"}.`,
    );
  }
  if (o.auto && !(o.auto in GEPA_AUTO_RUN_SETTINGS)) throw new Error(`GEPA: auto must be light, medium or heavy, got ${String(o.auto)}`);
  for (const [k, v] of [["maxMetricCalls", o.maxMetricCalls], ["maxFullEvals", o.maxFullEvals]] as const) {
    if (v !== undefined && v !== null && !(Number.isInteger(v) && v > 0)) throw new Error(`GEPA: ${k} must be a positive integer, got ${v}`);
  }
}

/** The metric-call budget for a program with `numComponents` predictors (DSPy's `compile`). */
export function resolveMaxMetricCalls(o: GEPABudgetOptions, numComponents: number, trainsetSize: number, valsetSize: number | undefined): number {
  checkBudgetOptions(o);
  if (o.auto) return gepaAutoBudget(Math.max(numComponents, 1), GEPA_AUTO_RUN_SETTINGS[o.auto].n, valsetSize ?? trainsetSize);
  if (o.maxFullEvals) return o.maxFullEvals * (trainsetSize + (valsetSize ?? 0));
  return o.maxMetricCalls!;
}

/** A dry run of a GEPA configuration: program runs, reflection calls and LM calls, without calling any LM. */
export interface GEPACallEstimate {
  maxMetricCalls: number;
  trainsetSize: number;
  valsetSize: number;
  minibatchSize: number;
  /** Program runs: the seed's validation plus iterations until the budget is reached (GEPA may overshoot by one iteration). */
  programRuns: number;
  /** Iterations expected (each a parent and a child minibatch; an accepted child adds a full validation). */
  iterations: number;
  /** Reflection LM calls (one per iteration that reflects). */
  reflectionCalls: number;
  /** LM calls per program run assumed (default: one per predictor). */
  callsPerProgramRun: number;
  /** Task LM calls: program runs × calls per run. */
  taskCalls: number;
  total: number;
  /** The calls the budget allows, when it is below the estimate. */
  budgetCap?: number;
  text: string;
}

/**
 * Estimates a run: after the seed's validation (V runs), iterations of 2·m runs each until the
 * budget is reached; `acceptRate` (default 0.15) of them add a full validation. The last iteration
 * overshoots the budget by half an iteration on average.
 */
export function estimateGepaCalls(p: {
  maxMetricCalls: number;
  trainsetSize: number;
  valsetSize: number;
  minibatchSize: number;
  predictors: number;
  callsPerProgramRun?: number;
  acceptRate?: number;
  budgetMaxCalls?: number;
  /** Feedback metric calls (one per minibatch example) count against the budget. */
  countFeedbackMetricCalls?: boolean;
}): GEPACallEstimate {
  const V = p.valsetSize;
  const m = p.minibatchSize;
  const accept = p.acceptRate ?? 0.15;
  const runsPerIteration = 2 * m + accept * V;
  const callsPerIteration = runsPerIteration + (p.countFeedbackMetricCalls ? m : 0);
  const remaining = Math.max(0, p.maxMetricCalls - V);
  const iterations = remaining > 0 ? Math.ceil(remaining / callsPerIteration) : 0;
  const programRuns = Math.round(V + iterations * runsPerIteration);
  const perRun = p.callsPerProgramRun ?? p.predictors;
  const taskCalls = Math.round(programRuns * perRun);
  const total = taskCalls + iterations;
  const e: GEPACallEstimate = {
    maxMetricCalls: p.maxMetricCalls,
    trainsetSize: p.trainsetSize,
    valsetSize: V,
    minibatchSize: m,
    programRuns,
    iterations,
    reflectionCalls: iterations,
    callsPerProgramRun: perRun,
    taskCalls,
    total,
    text: "",
  };
  if (p.budgetMaxCalls !== undefined && p.budgetMaxCalls < total) e.budgetCap = p.budgetMaxCalls;
  e.text = [
    `GEPA: budget ${p.maxMetricCalls} metric calls, trainset ${p.trainsetSize}, valset ${V}, minibatches of ${m}`,
    `  task model: ~${programRuns} program runs × ${perRun} call(s) = ${taskCalls}`,
    `  reflection model: ~${iterations} calls (one per iteration)`,
    `  total: ~${total} LM calls`,
    ...(e.budgetCap !== undefined ? [`  budget: at most ${e.budgetCap} calls; the search stops there with the best program so far`] : []),
  ].join("\n");
  return e;
}
