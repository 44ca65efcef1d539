/**
 * MIPROv2's options, presets and the numbers a run works with (mipro_optimizer_v2.py L46-50,
 * L60-130, L280-334): option defaults, DSPy's checks, the `auto` presets and the default train/val
 * split.
 */
import type { LM } from "../../../lm/types.js";
import type { PriceTable } from "../../../lm/prices.js";
import type { ProgressCallback } from "../../../util/progress.js";
import type { Adapter } from "../../adapters/base.js";
import type { Metric } from "../../evaluate.js";
import type { Example } from "../../example.js";
import type { Module } from "../../module.js";
import type { TeacherSettings } from "../bootstrap-few-shot.js";
import type { Budget } from "../lm-wrappers.js";

/** MIPROv2's presets: `light`, `medium`, `heavy` (more candidates and a larger validation set). */
export type AutoMode = "light" | "medium" | "heavy";

/** DSPy's presets: n candidates and the validation-set size. */
export const AUTO_RUN_SETTINGS: Readonly<Record<AutoMode, { n: number; valSize: number }>> = Object.freeze({
  light: { n: 6, valSize: 100 },
  medium: { n: 12, valSize: 300 },
  heavy: { n: 18, valSize: 1000 },
});

/** Bootstrapped demos shown to the proposer per proposal (DSPy's constant). */
export const BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT = 3;
/** Labeled demos used when bootstrapping only to ground the proposer (zero-shot runs). */
export const LABELED_FEWSHOT_EXAMPLES_IN_CONTEXT = 0;
/** Minibatches are used only when the valset is larger than this. */
export const MIN_MINIBATCH_SIZE = 50;

/**
 * Options of {@link MIPROv2}: the metric, the task and prompt models, demos, the preset or trial counts,
 * minibatching, budget, checkpoint and progress.
 */
export interface MIPROv2Options {
  /** `(example, prediction, trace?) → score`; bootstrapping passes a trace, evaluation does not. */
  metric: Metric;
  /** The proposer (DSPy's `prompt_model`): dataset summary, program description, instructions. */
  promptModel: LM;
  /** The model the program runs on while bootstrapping and evaluating (predictors' own LMs win). */
  taskModel: LM;
  /** Teacher context for bootstrapping (its LM, adapter, role). */
  teacherSettings?: TeacherSettings;
  /** Most bootstrapped demos per predictor (default 4). */
  maxBootstrappedDemos?: number;
  /** Most demos in all per predictor (default 4). Both 0 → instructions only (zero-shot). */
  maxLabeledDemos?: number;
  /** Preset (default "light"); null to set `numCandidates` and `numTrials` yourself. */
  auto?: AutoMode | null;
  /** Demo sets and instruction candidates per predictor, when `auto` is null. */
  numCandidates?: number;
  /** Search trials, when `auto` is null. */
  numTrials?: number;
  /** Examples evaluated at once (default 8). */
  numThreads?: number;
  /** Failed examples tolerated per evaluation / bootstrap before it is abandoned (default 10). */
  maxErrors?: number;
  /** Seeds the shared RNG and the TPE sampler (default 9). */
  seed?: number;
  /** Temperature of proposal calls (default 1.0). */
  initTemperature?: number;
  /** Bootstrapping success threshold (see BootstrapFewShot). */
  metricThreshold?: number;
  /** Score trials on minibatches (default true; `auto` decides by valset size). */
  minibatch?: boolean;
  /** Minibatch size (default 35). */
  minibatchSize?: number;
  /** Minibatch trials between full evaluations (default 5). */
  minibatchFullEvalSteps?: number;
  programAwareProposer?: boolean;
  dataAwareProposer?: boolean;
  tipAwareProposer?: boolean;
  fewshotAwareProposer?: boolean;
  /** Examples per dataset-summary call (default 10). */
  viewDataBatchSize?: number;
  /** Extra tries for a proposal that fails (default 2); then it is skipped. */
  proposalRetries?: number;
  /** The program code shown to the proposer (default: signatures + class source). */
  programCode?: string;
  /** Random trials before TPE models the results (default 10, Optuna's). */
  nStartupTrials?: number;
  /** Skip re-running a (combination, example) already scored (default true). */
  reuseEvaluations?: boolean;
  /** Stop cleanly when this is spent. */
  budget?: Budget;
  /** Prices for `budget.maxCostUsd` and the report (default: the LM layer's table). */
  prices?: PriceTable;
  /** Write the run state here (atomically) after every step. */
  checkpointPath?: string;
  /** Continue from `checkpointPath` if it exists (it must be from the same configuration and data). */
  resume?: boolean;
  /** The adapter for every call (default ChatAdapter with the JSON fallback). */
  adapter?: Adapter;
  /** Phases: bootstrap, propose, search (trials), evaluate (examples of the running evaluation). */
  progress?: ProgressCallback;
  /** Human-readable lines: proposals, trial results (and the estimate, when a budget is set). */
  log?: (line: string) => void;
}

/**
 * What {@link MIPROv2.compile} runs on: the training set, an optional validation set and teacher, and a
 * signal.
 */
export interface MIPROv2CompileOptions {
  trainset: readonly Example[];
  /** Default: the last 80% of `trainset` (at most 1000), the rest trains. */
  valset?: readonly Example[];
  /** A teacher program for bootstrapping (default: the student). */
  teacher?: Module;
  /** Aborts the run; the checkpoint keeps every finished step. */
  signal?: AbortSignal;
}

/** The numbers a run works with, after presets and the train/val split. */
export interface MIPROv2Settings {
  auto: AutoMode | null;
  predictors: number;
  zeroshot: boolean;
  numTrials: number;
  numInstructCandidates: number;
  numFewshotCandidates: number;
  trainsetSize: number;
  valsetSize: number;
  minibatch: boolean;
  minibatchSize: number;
  minibatchFullEvalSteps: number;
  /** DSPy's `adjusted_num_trials`: trials including full evaluations. */
  adjustedNumTrials: number;
  maxBootstrappedDemos: number;
  maxLabeledDemos: number;
  seed: number;
}

/** The options with their defaults filled in. */
export type ResolvedOptions = ReturnType<typeof resolveOptions>;

/** Fills in DSPy's defaults (and gridtune's for its own options). */
export function resolveOptions(o: Readonly<MIPROv2Options>) {
  return {
    auto: o.auto ?? null,
    maxBootstrappedDemos: o.maxBootstrappedDemos ?? 4,
    maxLabeledDemos: o.maxLabeledDemos ?? 4,
    numThreads: o.numThreads ?? 8,
    maxErrors: o.maxErrors ?? 10,
    seed: o.seed ?? 9,
    initTemperature: o.initTemperature ?? 1.0,
    minibatch: o.minibatch ?? true,
    minibatchSize: o.minibatchSize ?? 35,
    minibatchFullEvalSteps: o.minibatchFullEvalSteps ?? 5,
    programAware: o.programAwareProposer ?? true,
    dataAware: o.dataAwareProposer ?? true,
    tipAware: o.tipAwareProposer ?? true,
    fewshotAware: o.fewshotAwareProposer ?? true,
    viewDataBatchSize: o.viewDataBatchSize ?? 10,
    proposalRetries: o.proposalRetries ?? 2,
    nStartupTrials: o.nStartupTrials ?? 10,
    reuseEvaluations: o.reuseEvaluations ?? true,
  };
}

/** Demo limits while bootstrapping: zero-shot runs still bootstrap (3 / 0) to ground the proposer. */
export function bootstrapLimits(s: MIPROv2Settings): { maxBootstrapped: number; maxLabeled: number } {
  return s.zeroshot
    ? { maxBootstrapped: BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT, maxLabeled: LABELED_FEWSHOT_EXAMPLES_IN_CONTEXT }
    : { maxBootstrapped: s.maxBootstrappedDemos, maxLabeled: s.maxLabeledDemos };
}

/** DSPy's default valset size when none is given: the last `min(1000, max(1, int(0.8·n)))`. */
export function defaultValsetSize(trainsetSize: number): number {
  return Math.min(1000, Math.max(1, Math.trunc(trainsetSize * 0.8)));
}

function numTrialsFor(predictors: number, zeroshot: boolean, n: number): number {
  const vars = predictors * (zeroshot ? 1 : 2);
  return Math.trunc(Math.max(2 * vars * Math.log2(n), 1.5 * n));
}

/** DSPy's `adjusted_num_trials`: `T + ⌊T/steps⌋ + 1 + (T % steps ≠ 0)` with minibatches, else T. */
function adjustedNumTrials(numTrials: number, minibatch: boolean, steps: number): number {
  if (!minibatch) return numTrials;
  return Math.trunc(numTrials + Math.floor(numTrials / steps) + 1 + (numTrials % steps !== 0 ? 1 : 0));
}

/** The run's numbers for this program and data sizes (DSPy's checks and presets). */
export function settingsFor(
  options: Readonly<MIPROv2Options>,
  program: Module,
  trainsetSize: number,
  valsetSize: number | undefined,
): MIPROv2Settings {
  const o = resolveOptions(options);
  const { numCandidates, numTrials } = options;
  const zeroshot = o.maxBootstrappedDemos === 0 && o.maxLabeledDemos === 0;
  const predictors = program.predictors().length;
  if (predictors === 0) throw new Error("MIPROv2: the program has no predictors to optimize");
  if (o.auto === null) {
    if (numCandidates !== undefined && numTrials === undefined) {
      throw new Error(
        `If auto is null, numTrials must also be provided. Given numCandidates=${numCandidates}, we'd recommend setting numTrials to ~${numTrialsFor(predictors, zeroshot, numCandidates)}.`,
      );
    }
    if (numCandidates === undefined || numTrials === undefined) throw new Error("If auto is null, numCandidates and numTrials must be provided.");
  } else if (numCandidates !== undefined || numTrials !== undefined) {
    throw new Error(
      "If auto is set, numCandidates and numTrials cannot be set, since they would be overridden by the auto settings. Either set auto to null, or do not specify numCandidates and numTrials.",
    );
  }
  if (trainsetSize === 0) throw new Error("Trainset cannot be empty.");
  let train = trainsetSize;
  let val: number;
  if (valsetSize === undefined) {
    if (trainsetSize < 2) throw new Error("Trainset must have at least 2 examples if no valset specified.");
    val = defaultValsetSize(trainsetSize);
    train = trainsetSize - val;
  } else {
    if (valsetSize < 1) throw new Error("Validation set must have at least 1 example.");
    val = valsetSize;
  }
  let minibatch = o.minibatch;
  let nInstr: number;
  let nFewshot: number;
  let trials: number;
  if (o.auto !== null) {
    const preset = AUTO_RUN_SETTINGS[o.auto];
    val = Math.min(preset.valSize, val);
    minibatch = val > MIN_MINIBATCH_SIZE;
    nInstr = zeroshot ? preset.n : Math.trunc(preset.n * 0.5);
    nFewshot = preset.n;
    trials = numTrialsFor(predictors, zeroshot, preset.n);
  } else {
    nInstr = numCandidates!;
    nFewshot = numCandidates!;
    trials = numTrials!;
  }
  if (minibatch && o.minibatchSize > val) throw new Error(`Minibatch size cannot exceed the size of the valset. Valset size: ${val}.`);
  return {
    auto: o.auto,
    predictors,
    zeroshot,
    numTrials: trials,
    numInstructCandidates: nInstr,
    numFewshotCandidates: nFewshot,
    trainsetSize: train,
    valsetSize: val,
    minibatch,
    minibatchSize: o.minibatchSize,
    minibatchFullEvalSteps: o.minibatchFullEvalSteps,
    adjustedNumTrials: adjustedNumTrials(trials, minibatch, o.minibatchFullEvalSteps),
    maxBootstrappedDemos: o.maxBootstrappedDemos,
    maxLabeledDemos: o.maxLabeledDemos,
    seed: o.seed,
  };
}
