/**
 * MIPROv2 (dspy/teleprompt/mipro_optimizer_v2.py): optimizes each predictor's instruction and demos
 * together, in three steps.
 *
 * 1. **Demo candidates** (with the task model): per predictor, N demo sets — none, labeled only,
 *    bootstrapped from the trainset in order, and N−3 bootstrapped from shuffled copies with a random
 *    number (1…maxBootstrappedDemos) of bootstrapped demos, each topped up with labeled examples.
 * 2. **Instruction candidates** (with the prompt model): grounded proposals from a dataset summary, a
 *    description of the program and its modules, task demos and a random tip
 *    (./grounded-proposer.ts). Candidate 0 is always the original instruction.
 * 3. **Search**: the default program is scored on the whole valset; then each trial draws one
 *    (instruction, demo set) per predictor from a seeded multivariate TPE sampler (./tpe.ts) and scores
 *    it on a random minibatch (35 examples). Every 5 trials, and at the end, the untried combination
 *    with the best mean minibatch score is scored on the whole valset. The best *fully evaluated*
 *    program wins.
 *
 * `auto` presets (DSPy's): light n=6 / 100 validation examples, medium 12 / 300, heavy 18 / 1000;
 * n demo sets, n/2 instruction candidates (n in zero-shot), `max(2·V·log2 n, 1.5n)` trials (V =
 * predictors, doubled when demos are optimized); minibatches only when the valset has more than 50.
 *
 * Seeding is DSPy's: one Python-exact `random.Random(seed)` (./py-random.ts) draws, in DSPy's order,
 * the valset subsample, the demo sets' shuffles and sizes, the proposal tips and rollout ids, and the
 * minibatches — so for the same seed and data these are the ones DSPy draws. Only the sampler's own
 * draws differ (Optuna uses numpy).
 *
 * Beyond DSPy:
 * - **Dry run**: {@link MIPROv2.estimateCalls} counts the LM calls a configuration will make, without
 *   making any, and sets them beside DSPy's own formula; `compile` logs the same estimate first. The
 *   search part replays the run's own RNG draws (./miprov2-search.ts), so it is close (within 10%
 *   in the tests) rather than an upper bound.
 * - **Budget** (`{maxCalls, maxCostUsd}`): every LM call is metered; a trial that would not fit is not
 *   started, and a call past the budget aborts the trial in flight. The search then stops and the best
 *   fully evaluated program so far is returned (`report.stoppedBy = "budget"`).
 * - **Robust proposals**: a proposal that fails to parse is retried with a fresh rollout, then skipped.
 * - **Checkpoints**: with `checkpointPath`, the run state — candidates, trial history, sampler and RNG
 *   state, the memo of per-example scores, the best program — is written atomically after every demo
 *   set, proposal and trial. `resume: true` continues from it without repeating finished work; with
 *   the same seed (and a deterministic or cached LM) the result equals an uninterrupted run's.
 * - **Reused evaluations**: a (combination, example) pair already scored is not run again (with DSPy's
 *   default response cache, re-running it returns the cached reply anyway). A full evaluation of a
 *   combination therefore only runs the examples its minibatches did not cover.
 * - The default program counts as fully evaluated, so a full-evaluation slot is never spent on it;
 *   when every minibatch-tried combination is already fully evaluated, the slot is skipped (DSPy
 *   raises "No valid program found").
 * - Predictors keep their own LMs through bootstrapping (DSPy's `reset_copy` drops them).
 *
 * ```ts
 * const { program, report } = await new MIPROv2({ metric, promptModel, taskModel, auto: "light", seed: 9 })
 *   .compile(agent, { trainset, valset, signal });
 * ```
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { LM } from "../../lm/types.js";
import type { PriceTable } from "../../lm/prices.js";
import type { ProgressCallback } from "../../util/progress.js";
import type { Adapter } from "../adapters/base.js";
import { Evaluate, type Metric } from "../evaluate.js";
import type { Example } from "../example.js";
import type { Module } from "../module.js";
import type { ProgramState } from "../state.js";
import { BootstrapFewShot, type TeacherSettings } from "./bootstrap-few-shot.js";
import {
  TIPS,
  type ProgramDescription,
  createDatasetSummary,
  describeProgram,
  programCodeString,
  proposeInstruction,
  taskDemosFor,
} from "./grounded-proposer.js";
import { LabeledFewShot } from "./labeled-few-shot.js";
import { type Budget, BudgetExceededError, Meter, type MeterTotals, unwrapLM } from "./lm-wrappers.js";
import { type ExampleJSON, exampleFromJSON, exampleToJSON, resetCopyKeepingLMs, throwIfStopped } from "./program-tools.js";
import { PyRandom, type PyRandomState } from "./py-random.js";
import {
  type Params,
  type SearchContext,
  comboKey,
  demoSetKind,
  drawProposal,
  drawShuffledDemoSet,
  drawValsetSubsample,
  emptySearchState,
  runSearch,
  simulateSearchRuns,
} from "./miprov2-search.js";
import { type CategoricalSpace, TPESampler, type TPESamplerState } from "./tpe.js";

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
  /** Human-readable lines: the estimate, proposals, trial results. */
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

/**
 * What a MIPROv2 run did: its settings and estimate, the proposals, every trial, the baseline and best
 * scores, the calls made and why it stopped.
 */
export interface MIPROv2Report {
  settings: MIPROv2Settings;
  estimate: CallEstimate;
  datasetSummary: string | null;
  programDescription: ProgramDescription | null;
  /** Per predictor; index 0 is the original instruction. */
  instructionCandidates: string[][];
  /** Per predictor, the number of demos in each demo set (empty in zero-shot runs). */
  demoSetSizes: number[][];
  trials: MIPROv2Trial[];
  baselineScore: number | null;
  /** Score of the returned program on the valset (null if not even the baseline was evaluated). */
  bestScore: number | null;
  bestParams: Record<string, number> | null;
  bestTrial: number | null;
  /** Proposals that failed every try and were skipped. */
  failedProposals: number;
  /** Every LM call the optimizer made (this run and, after a resume, the runs before). */
  calls: MeterTotals;
  stoppedBy: "completed" | "budget";
  /** Set when the run continued from a checkpoint. */
  resumed: { phase: string; trials: number } | null;
}

/** The optimized program and the {@link MIPROv2Report}. */
export interface MIPROv2Result<P extends Module> {
  program: P;
  report: MIPROv2Report;
}

// ---- settings ----------------------------------------------------------------------------------

function numTrialsFor(predictors: number, zeroshot: boolean, n: number): number {
  const vars = predictors * (zeroshot ? 1 : 2);
  return Math.trunc(Math.max(2 * vars * Math.log2(n), 1.5 * n));
}

/** DSPy's `adjusted_num_trials` and the number of full evaluations after the baseline. */
function fullEvalSchedule(numTrials: number, minibatch: boolean, steps: number): { adjusted: number; fullEvals: number } {
  if (!minibatch) return { adjusted: numTrials + 1, fullEvals: 0 }; // the baseline is trial 1, then numTrials more
  const adjusted = Math.trunc(numTrials + Math.floor(numTrials / steps) + 1 + (numTrials % steps !== 0 ? 1 : 0));
  let next = 1;
  let fullEvals = 0;
  for (let t = 0; t < numTrials; t++) {
    const trialNum = next + 1;
    next++;
    if (trialNum % (steps + 1) === 0 || trialNum === adjusted - 1) {
      fullEvals++;
      next++;
    }
  }
  return { adjusted, fullEvals };
}

// ---- checkpoint ----------------------------------------------------------------------------------

const CHECKPOINT_FORMAT = "gridtune/miprov2-checkpoint";
const CHECKPOINT_VERSION = 1;

/** Everything needed to continue a run (written as JSON to `checkpointPath`). */
export interface MIPROv2Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Hash of the configuration, data and program; a resume must match it. */
  fingerprint: string;
  settings: MIPROv2Settings;
  /** The shared RNG after the last finished step. */
  rng: PyRandomState;
  /** Positions in the valset given to compile (after the default split) of the examples used. */
  valIndices: number[];
  phase: "bootstrap" | "propose" | "search" | "done";
  /** `demoSets[predictor][set]` = demos. */
  demoSets: ExampleJSON[][][];
  proposal: {
    summaryDone: boolean;
    datasetSummary: string | null;
    descriptionDone: boolean;
    description: ProgramDescription | null;
    done: number;
    failed: number;
    instructionCandidates: string[][];
  };
  search: {
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
  };
  stoppedBy: "completed" | "budget" | null;
  calls: MeterTotals;
  /** The best program so far, in DSPy's saved-program format. */
  bestProgram: ProgramState | null;
}

/** The checkpoint does not belong to this run. */
export class CheckpointMismatchError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}; delete it or run without resume to start over`);
    this.name = "CheckpointMismatchError";
  }
}

/**
 * Writes a checkpoint atomically (a sibling temp file, then a rename: a killed process never leaves
 * half a checkpoint) but without fsync — a checkpoint only has to survive the process, and it is
 * rewritten after every step. (The run's results are still written with fsync.)
 */
function writeCheckpoint(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(value) + "\n");
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Runs `tasks` with at most `limit` at once, and calls `commit(result, i)` in index order, each as
 * soon as it and every earlier task are done. After a failure no new task starts; the ones running
 * finish, the done prefix is committed, and the first failure (in index order) is thrown. With
 * `limit` 1 it is the plain sequential loop.
 */
async function runOrdered<T>(tasks: (() => Promise<T>)[], limit: number, commit: (result: T, i: number) => void): Promise<void> {
  type Outcome = { ok: true; value: T } | { ok: false; error: unknown };
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(tasks.length);
  let next = 0;
  let committed = 0;
  let stop = false;
  let commitError: { error: unknown } | null = null;
  const flush = () => {
    while (!commitError && committed < tasks.length) {
      const o = outcomes[committed];
      if (!o || !o.ok) return;
      try {
        commit(o.value, committed);
      } catch (error) {
        commitError = { error };
        stop = true;
        return;
      }
      committed++;
    }
  };
  const worker = async () => {
    while (!stop && next < tasks.length) {
      const i = next++;
      try {
        outcomes[i] = { ok: true, value: await tasks[i]!() };
      } catch (error) {
        outcomes[i] = { ok: false, error };
        stop = true;
      }
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  flush();
  const failure = outcomes.find((o): o is { ok: false; error: unknown } => o !== undefined && !o.ok);
  if (failure) throw failure.error;
  if (commitError) throw (commitError as { error: unknown }).error;
}

function sha256(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

// ---- the optimizer -----------------------------------------------------------------------------

/**
 * DSPy's MIPROv2: proposes instructions and bootstraps demo sets, then searches their combinations with a
 * TPE sampler; budgets, dry-run estimates, checkpoints and resume.
 */
export class MIPROv2 {
  readonly options: Readonly<MIPROv2Options>;

  constructor(options: MIPROv2Options) {
    const auto = options.auto === undefined ? "light" : options.auto;
    if (auto !== null && !(auto in AUTO_RUN_SETTINGS)) {
      throw new Error(`Invalid value for auto: ${String(auto)}. Must be one of light, medium, heavy, or null.`);
    }
    if (!options.promptModel || !options.taskModel) throw new Error("MIPROv2 needs both promptModel and taskModel.");
    this.options = { ...options, auto };
  }

  private get o() {
    const o = this.options;
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

  /** The run's numbers for this program and data sizes (DSPy's checks and presets). */
  settingsFor(program: Module, trainsetSize: number, valsetSize: number | undefined): MIPROv2Settings {
    const o = this.o;
    const { numCandidates, numTrials } = this.options;
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
      val = Math.min(1000, Math.max(1, Math.trunc(trainsetSize * 0.8)));
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
    const { adjusted } = fullEvalSchedule(trials, minibatch, o.minibatchFullEvalSteps);
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
      adjustedNumTrials: adjusted,
      maxBootstrappedDemos: o.maxBootstrappedDemos,
      maxLabeledDemos: o.maxLabeledDemos,
      seed: o.seed,
    };
  }

  /**
   * The dry run: how many LM calls `compile(program, data)` will make, without making any.
   *
   * - Prompt model: exact, barring retried proposals and early "COMPLETE" dataset summaries.
   * - Bootstrapping: assumes a fraction `bootstrapSuccessRate` of teacher runs pass the metric
   *   (default 0.5; a set of k bootstrapped demos then takes about k / rate runs, at most the trainset).
   * - Evaluation: the real search loop runs on synthetic scores, from the RNG state the real run
   *   will have — so its minibatches and its random startup combinations are the real ones — and
   *   the score-dependent part (TPE's later choices, which combinations get fully evaluated, hence
   *   how many scored examples are reused) is averaged over 12 synthetic score worlds.
   * - LM calls = program runs × `callsPerProgramRun` (default: one per predictor; an agent that
   *   calls its predictor once per step should pass its average steps per episode).
   */
  estimateCalls(
    program: Module,
    data: { trainset: readonly Example[] | number; valset?: readonly Example[] | number },
    options: { callsPerProgramRun?: number; bootstrapSuccessRate?: number } = {},
  ): CallEstimate {
    const size = (d: readonly Example[] | number | undefined) => (d === undefined ? undefined : typeof d === "number" ? d : d.length);
    const s = this.settingsFor(program, size(data.trainset)!, size(data.valset));
    const trainsetGiven = size(data.trainset)!;
    const givenValsetSize = size(data.valset) ?? Math.min(1000, Math.max(1, Math.trunc(trainsetGiven * 0.8)));
    const o = this.o;
    const P = s.predictors;
    const perRun = options.callsPerProgramRun ?? P;
    const p = Math.min(1, Math.max(1e-6, options.bootstrapSuccessRate ?? 0.5));
    const T = s.numTrials;
    const V = s.valsetSize;
    const N = s.numFewshotCandidates;

    // Step 1: bootstrapping runs the teacher until enough examples succeeded.
    const maxBoot = s.zeroshot ? BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT : s.maxBootstrappedDemos;
    const maxLabeled = s.zeroshot ? LABELED_FEWSHOT_EXAMPLES_IN_CONTEXT : s.maxLabeledDemos;
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
    const describe = o.programAware ? P + 1 : 0;
    const perPredictor = Math.min(s.numInstructCandidates, Math.max(N, 1));
    const proposals = P * Math.max(0, perPredictor - 1);

    // Step 3: the real search loop, run on synthetic scores from the RNG state the real run will
    // have (its minibatches and startup combinations are exactly the real ones).
    const space: Record<string, number> = {};
    for (let i = 0; i < P; i++) {
      space[`${i}_predictor_instruction`] = perPredictor;
      if (!s.zeroshot) space[`${i}_predictor_demos`] = Math.max(N, 1);
    }
    const sim = simulateSearchRuns(s, space, this.rngAtSearchStart(s, givenValsetSize), {
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
    const cap = this.options.budget?.maxCalls;
    if (cap !== undefined && cap < total) estimate.budgetCap = cap;
    estimate.text = formatEstimate(estimate);
    return estimate;
  }

  /** The shared RNG as the search will find it: steps 1 and 2 draw independently of any LM reply. */
  private rngAtSearchStart(s: MIPROv2Settings, givenValsetSize: number): PyRandom {
    const o = this.o;
    const rng = new PyRandom(s.seed);
    if (s.auto !== null) drawValsetSubsample(rng, givenValsetSize, AUTO_RUN_SETTINGS[s.auto].valSize);
    const maxLabeled = s.zeroshot ? LABELED_FEWSHOT_EXAMPLES_IN_CONTEXT : s.maxLabeledDemos;
    const maxBoot = s.zeroshot ? BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT : s.maxBootstrappedDemos;
    const dummy = new Array<number>(s.trainsetSize).fill(0);
    for (let k = 0; k < s.numFewshotCandidates; k++) {
      if (demoSetKind(k, maxLabeled) === "shuffled") drawShuffledDemoSet(rng, [...dummy], maxBoot);
    }
    const perPredictor = Math.min(s.numInstructCandidates, Math.max(s.numFewshotCandidates, 1));
    for (let i = 0; i < s.predictors * perPredictor; i++) drawProposal(rng, o.tipAware);
    return rng;
  }

  /** Runs the three steps; returns the best fully evaluated program and a report. */
  async compile<P extends Module>(student: P, options: MIPROv2CompileOptions): Promise<MIPROv2Result<P>> {
    throwIfStopped(options.signal);
    const run = new MiproRun<P>(this, student, options);
    return run.execute();
  }

  /** @internal resolved option values. */
  get resolved() {
    return this.o;
  }
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

// ---- one compile ---------------------------------------------------------------------------------

class MiproRun<P extends Module> {
  private readonly opt: MIPROv2["resolved"];
  private readonly settings: MIPROv2Settings;
  private estimate!: CallEstimate;
  private readonly trainset: readonly Example[];
  private readonly valset: readonly Example[];
  private readonly program: P;
  private readonly teacher: Module | undefined;
  private readonly meter: Meter;
  private readonly taskLM: LM;
  private readonly promptLM: LM;
  private readonly teacherSettings: TeacherSettings;
  private readonly signal: AbortSignal | undefined;
  /** Aborts LM calls on the caller's signal or when the budget runs out. */
  private readonly callSignal: AbortSignal;
  private rng: PyRandom;
  private readonly tpe: TPESampler;
  private state: MIPROv2Checkpoint;
  private resumed: MIPROv2Report["resumed"] = null;
  private stoppedBy: "completed" | "budget" = "completed";
  private space: CategoricalSpace = {};

  constructor(
    private readonly mipro: MIPROv2,
    private readonly student: P,
    private readonly options: MIPROv2CompileOptions,
  ) {
    const o = (this.opt = mipro.resolved);
    const mo = mipro.options;
    this.signal = options.signal;
    this.settings = mipro.settingsFor(student, options.trainset.length, options.valset?.length);

    // Data: DSPy's default split, then the preset's valset subsample (which also shuffles it).
    let trainset = [...options.trainset];
    let valset: Example[];
    let valBase = 0;
    if (options.valset) valset = [...options.valset];
    else {
      const cut = trainset.length - Math.min(1000, Math.max(1, Math.trunc(trainset.length * 0.8)));
      valset = trainset.slice(cut);
      trainset = trainset.slice(0, cut);
      valBase = cut;
    }
    this.rng = new PyRandom(o.seed);
    let valIndices = valset.map((_, i) => i);
    if (o.auto !== null) valIndices = drawValsetSubsample(this.rng, valset.length, AUTO_RUN_SETTINGS[o.auto].valSize);
    this.trainset = trainset;
    this.valset = valIndices.map((i) => valset[i]!);

    // LMs: every call goes through one meter.
    this.meter = new Meter(mo.budget ?? {}, mo.prices);
    this.taskLM = this.meter.wrap(mo.taskModel, "task");
    this.promptLM = this.meter.wrap(mo.promptModel, "prompt");
    this.teacherSettings = { ...(mo.teacherSettings ?? {}) };
    if (this.teacherSettings.lm) this.teacherSettings.lm = this.meter.wrap(this.teacherSettings.lm, "teacher");
    this.callSignal = options.signal ? AbortSignal.any([options.signal, this.meter.signal]) : this.meter.signal;
    this.program = student.deepcopy();
    this.program.compiled = false;
    for (const p of this.program.predictors()) if (p.lm) p.lm = this.meter.wrap(p.lm, "task");
    if (options.teacher) {
      this.teacher = options.teacher.deepcopy();
      for (const p of this.teacher.predictors()) if (p.lm) p.lm = this.meter.wrap(p.lm, "teacher");
    }

    this.tpe = new TPESampler({ seed: o.seed, nStartupTrials: o.nStartupTrials });
    const fingerprint = this.fingerprint(student, options, valBase);
    this.state = this.freshState(fingerprint, valIndices.map((i) => i + valBase));
    if (mo.resume && mo.checkpointPath && existsSync(mo.checkpointPath)) this.loadCheckpoint(mo.checkpointPath, fingerprint);
  }

  private log(line: string): void {
    this.mipro.options.log?.(line);
  }

  private progress(phase: string, done: number, total: number, detail?: string): void {
    this.mipro.options.progress?.({ phase, done, total, ...(detail !== undefined ? { detail } : {}) });
  }

  private fingerprint(student: Module, options: MIPROv2CompileOptions, valBase: number): string {
    const mo = this.mipro.options;
    const programShape = student.namedPredictors().map(([name, p]) => ({ name, signature: p.signature.dumpState(), io: p.signature.signature, demos: p.demos.map((d) => d.toDict()) }));
    return sha256({
      version: CHECKPOINT_VERSION,
      settings: this.settings,
      options: {
        ...this.opt,
        numThreads: undefined,
        metricThreshold: mo.metricThreshold ?? null,
        programCode: mo.programCode ?? null,
        taskModel: mo.taskModel.model,
        promptModel: mo.promptModel.model,
        teacherModel: mo.teacherSettings?.lm?.model ?? null,
      },
      trainset: options.trainset.map((e) => e.toDict()),
      valset: options.valset?.map((e) => e.toDict()) ?? null,
      valBase,
      program: programShape,
      teacher: options.teacher?.namedPredictors().map(([name, p]) => ({ name, io: p.signature.signature })) ?? null,
    });
  }

  private freshState(fingerprint: string, valIndices: number[]): MIPROv2Checkpoint {
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      fingerprint,
      settings: this.settings,
      rng: this.rng.getState(),
      valIndices,
      phase: "bootstrap",
      demoSets: this.program.predictors().map(() => []),
      proposal: { summaryDone: false, datasetSummary: null, descriptionDone: false, description: null, done: 0, failed: 0, instructionCandidates: [] },
      search: emptySearchState(this.tpe),
      stoppedBy: null,
      calls: this.meter.totals,
      bestProgram: null,
    };
  }

  private loadCheckpoint(path: string, fingerprint: string): void {
    let saved: MIPROv2Checkpoint;
    try {
      saved = JSON.parse(readFileSync(path, "utf8")) as MIPROv2Checkpoint;
    } catch (e) {
      throw new CheckpointMismatchError(path, `cannot read the checkpoint (${(e as Error).message})`);
    }
    if (saved.format !== CHECKPOINT_FORMAT || saved.version !== CHECKPOINT_VERSION) {
      throw new CheckpointMismatchError(path, `not a MIPROv2 checkpoint of version ${CHECKPOINT_VERSION}`);
    }
    if (saved.fingerprint !== fingerprint) {
      throw new CheckpointMismatchError(path, "the checkpoint was written for a different configuration, program or data");
    }
    this.state = saved;
    this.rng = PyRandom.fromState(saved.rng);
    this.tpe.setState(saved.search.tpe);
    this.meter.totals = saved.calls;
    this.resumed = { phase: saved.phase, trials: saved.search.trials.length };
    this.log(`Resuming from ${path}: phase ${saved.phase}, ${saved.search.trials.length} trial(s) done, ${saved.calls.calls} LM calls so far.`);
  }

  /**
   * Writes the run state (atomically) — after every finished demo set, proposal and trial. `rng` is
   * the shared RNG's state as of the last *committed* step, when draws for later steps that are still
   * running concurrently were already made (default: the RNG now).
   */
  private save(rng?: PyRandomState): void {
    const path = this.mipro.options.checkpointPath;
    this.state.rng = rng ?? this.rng.getState();
    this.state.search.tpe = this.tpe.getState();
    this.state.calls = this.meter.totals;
    const best = this.state.search.best;
    this.state.bestProgram = best ? this.candidate(best.params).dumpState() : null;
    if (path) writeCheckpoint(path, this.state);
  }

  // ---- the run -------------------------------------------------------------------------------

  async execute(): Promise<MIPROv2Result<P>> {
    const o = this.options;
    this.estimate = this.mipro.estimateCalls(this.student, { trainset: o.trainset, ...(o.valset ? { valset: o.valset } : {}) });
    this.log(this.estimate.text);
    try {
      // The dataset summary depends on the trainset only: it runs alongside the bootstrapping.
      if (this.state.phase === "bootstrap" || this.state.phase === "propose") this.startDatasetSummary();
      if (this.state.phase === "bootstrap") {
        await this.bootstrapDemoSets();
        this.state.phase = "propose";
        this.save();
      }
      if (this.state.phase === "propose") {
        await this.proposeInstructions();
        this.state.phase = "search";
        this.save();
      }
      this.defineSpace();
      if (this.state.phase === "search") {
        await this.search();
        this.state.phase = "done";
        this.state.stoppedBy = "completed";
        this.save();
      }
    } catch (error) {
      // Let a dataset summary still running settle (its own errors are reported by the step that awaits it).
      if (this.summaryTask) await this.summaryTask.catch(() => undefined);
      if (!(error instanceof BudgetExceededError) || this.signal?.aborted) throw error;
      this.stoppedBy = "budget";
      this.log(`${error.message}; returning the best program so far.`);
    }
    return this.result();
  }

  // Step 1 --------------------------------------------------------------------------------------

  /** How many independent LM steps (demo sets, proposals) run at once: numThreads, or 1 under a budget (so a budget stops at the very step it stops at sequentially). */
  private get stepConcurrency(): number {
    const b = this.meter.budget;
    if (b.maxCalls !== undefined || b.maxCostUsd !== undefined) return 1;
    return Math.max(1, Math.floor(this.opt.numThreads));
  }

  private async bootstrapDemoSets(): Promise<void> {
    const s = this.settings;
    const mo = this.mipro.options;
    const maxLabeled = s.zeroshot ? LABELED_FEWSHOT_EXAMPLES_IN_CONTEXT : s.maxLabeledDemos;
    const maxBoot = s.zeroshot ? BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT : s.maxBootstrappedDemos;
    const total = s.numFewshotCandidates;
    const bootstrap = (size: number, trainset: Example[]) =>
      new BootstrapFewShot({
        metric: mo.metric,
        ...(mo.metricThreshold !== undefined ? { metricThreshold: mo.metricThreshold } : {}),
        teacherSettings: this.teacherSettings,
        maxBootstrappedDemos: size,
        maxLabeledDemos: maxLabeled,
        maxRounds: 1,
        maxErrors: this.opt.maxErrors,
        log: (line) => this.log(line),
      }).compile(this.program, {
        trainset,
        ...(this.teacher ? { teacher: this.teacher } : {}),
        lm: this.taskLM,
        ...(mo.adapter ? { adapter: mo.adapter } : {}),
        signal: this.callSignal,
      });
    // Each demo set's RNG draws (its shuffle and size) depend on nothing an LM returns: they are all
    // made first, in candidate order — so every set gets exactly the stream the sequential loop gives
    // it — then the sets bootstrap concurrently and are committed (and checkpointed) in order, each
    // with the RNG state as of its own draws.
    const committedRng = this.rng.getState();
    const jobs: { run: () => Promise<Module>; rng: PyRandomState }[] = [];
    for (let k = this.state.demoSets[0]?.length ?? 0; k < total; k++) {
      const trainCopy = [...this.trainset];
      let run: () => Promise<Module>;
      switch (demoSetKind(k, maxLabeled)) {
        case "none":
          run = async () => resetCopyKeepingLMs(this.program);
          break;
        case "labeled":
          run = async () => new LabeledFewShot({ k: maxLabeled }).compile(this.program, { trainset: trainCopy });
          break;
        case "unshuffled":
          run = () => bootstrap(maxBoot, trainCopy);
          break;
        case "shuffled": {
          const size = drawShuffledDemoSet(this.rng, trainCopy, maxBoot);
          run = () => bootstrap(size, trainCopy);
          break;
        }
      }
      jobs.push({ run, rng: this.rng.getState() });
    }
    let lastRng = committedRng;
    const first = this.state.demoSets[0]?.length ?? 0;
    try {
      await runOrdered(
        jobs.map((j) => async () => {
          throwIfStopped(this.signal);
          return j.run();
        }),
        this.stepConcurrency,
        (compiled, j) => {
          const k = first + j;
          compiled.predictors().forEach((p, i) => this.state.demoSets[i]!.push(p.demos.map(exampleToJSON)));
          lastRng = jobs[j]!.rng;
          this.save(lastRng);
          this.progress("bootstrap", k + 1, total, `demo set ${k + 1}/${total}: ${compiled.predictors().map((p) => p.demos.length).join("/")} demos`);
        },
      );
    } catch (error) {
      this.rng = PyRandom.fromState(lastRng);
      throw error;
    }
  }

  // Step 2 --------------------------------------------------------------------------------------

  private summaryTask: Promise<void> | null = null;

  private proposerContext() {
    const mo = this.mipro.options;
    return {
      lm: this.promptLM,
      ...(mo.adapter ? { adapter: mo.adapter } : {}),
      signal: this.callSignal,
      log: (line: string) => this.log(line),
    };
  }

  /**
   * Starts the dataset summary (it reads only the trainset, so it can run alongside the
   * bootstrapping); its result lands in the state, which the next checkpoint records.
   */
  private startDatasetSummary(): void {
    const st = this.state.proposal;
    if (st.summaryDone || this.summaryTask || !this.opt.dataAware) return;
    // Under a budget the summary keeps its sequential place (after the demo sets).
    if (this.stepConcurrency === 1 && this.state.phase === "bootstrap") return;
    const task = (async () => {
      throwIfStopped(this.signal);
      try {
        st.datasetSummary = await createDatasetSummary(this.trainset, this.opt.viewDataBatchSize, this.proposerContext());
        this.log(`Dataset summary: ${st.datasetSummary}`);
      } catch (error) {
        if (error instanceof BudgetExceededError || this.signal?.aborted) throw error;
        this.log(`Error getting data summary: ${(error as Error).message}. Running without data aware proposer.`);
        st.datasetSummary = null;
      }
      st.summaryDone = true;
    })();
    task.catch(() => undefined); // awaited (and its error raised) by proposeInstructions
    this.summaryTask = task;
  }

  private async proposeInstructions(): Promise<void> {
    const o = this.opt;
    const mo = this.mipro.options;
    const st = this.state.proposal;
    const predictors = this.program.predictors();
    const sets = this.state.demoSets.map((s) => s.map((set) => set.map(exampleFromJSON)));
    const ctx = this.proposerContext();
    if (!st.summaryDone) {
      throwIfStopped(this.signal);
      if (o.dataAware) this.startDatasetSummary();
      else st.summaryDone = true;
    }
    const programCode = o.programAware ? (mo.programCode ?? programCodeString(this.student)) : null;
    if (!st.descriptionDone) {
      throwIfStopped(this.signal);
      if (o.programAware) {
        const firstSets = sets[0] ?? null;
        const example = o.fewshotAware ? taskDemosFor(predictors[0]!, firstSets, (firstSets?.length ?? 0) > 1 ? 1 : 0, BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT) : "No task demos provided.";
        // Runs while the dataset summary (independent of it) is still in flight.
        try {
          st.description = await describeProgram(this.program, programCode!, example, { ...ctx, temperature: o.initTemperature, rolloutId: `describe-${o.seed}` });
        } catch (error) {
          if (this.summaryTask) await this.summaryTask.catch(() => undefined);
          throw error;
        }
      }
      st.descriptionDone = true;
      this.save();
    }
    if (this.summaryTask) {
      await this.summaryTask;
      this.summaryTask = null;
    }
    this.save();

    const perPredictor = Math.min(this.settings.numInstructCandidates, Math.max(sets[0]?.length ?? 0, 1));
    const total = predictors.length * perPredictor;
    if (st.instructionCandidates.length === 0) st.instructionCandidates = predictors.map(() => []);
    // As in step 1: every proposal's draws (tip, rollout id) first, in order; then the proposals run
    // concurrently and are committed in order, each checkpointed with the RNG as of its own draws.
    const committedRng = this.rng.getState();
    const jobs: { pi: number; si: number; run: () => Promise<string | undefined>; rng: PyRandomState }[] = [];
    for (let idx = st.done; idx < total; idx++) {
      const pi = Math.floor(idx / perPredictor);
      const si = idx % perPredictor;
      const predictor = predictors[pi]!;
      const { tipKey, rolloutId } = drawProposal(this.rng, o.tipAware);
      const run =
        si === 0
          ? // DSPy proposes here too, then overwrites candidate 0 with the original instruction.
            async () => predictor.signature.instructions
          : () =>
              proposeInstruction(
                {
                  predictor,
                  predictorIndex: pi,
                  datasetSummary: o.dataAware ? st.datasetSummary : null,
                  programCode,
                  description: o.programAware ? st.description : null,
                  taskDemos: o.fewshotAware ? taskDemosFor(predictor, sets[pi] ?? null, si, BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT) : "No task demos provided.",
                  tip: tipKey ? TIPS[tipKey]! : "",
                  rolloutId,
                  temperature: o.initTemperature,
                  retries: o.proposalRetries,
                },
                ctx,
              );
      jobs.push({ pi, si, run, rng: this.rng.getState() });
    }
    let lastRng = committedRng;
    try {
      await runOrdered(
        jobs.map((j) => async () => {
          throwIfStopped(this.signal);
          return j.run();
        }),
        this.stepConcurrency,
        (instruction, j) => {
          const { pi, si } = jobs[j]!;
          if (si === 0) st.instructionCandidates[pi]!.push(instruction!);
          else if (instruction !== undefined) {
            st.instructionCandidates[pi]!.push(instruction);
            this.log(`Proposed instruction ${st.instructionCandidates[pi]!.length - 1} for predictor ${pi}: ${instruction}`);
          } else {
            st.failed++;
            this.log(`Proposal ${si} for predictor ${pi} skipped after ${1 + o.proposalRetries} failed tries.`);
          }
          st.done++;
          lastRng = jobs[j]!.rng;
          this.save(lastRng);
          this.progress("propose", st.done, total);
        },
      );
    } catch (error) {
      this.rng = PyRandom.fromState(lastRng);
      throw error;
    }
  }

  // Step 3 --------------------------------------------------------------------------------------

  private defineSpace(): void {
    const space: Record<string, number> = {};
    this.state.proposal.instructionCandidates.forEach((cands, i) => {
      space[`${i}_predictor_instruction`] = cands.length;
      if (!this.settings.zeroshot) space[`${i}_predictor_demos`] = this.state.demoSets[i]!.length;
    });
    this.space = space;
  }

  /** The program for a combination (null: the default program). */
  private candidate(params: Params | null): P {
    const c = this.program.deepcopy();
    if (!params) return c;
    const demoSets = this.settings.zeroshot ? null : this.state.demoSets;
    c.predictors().forEach((p, i) => {
      p.signature = p.signature.withInstructions(this.state.proposal.instructionCandidates[i]![params[`${i}_predictor_instruction`]!]!);
      if (demoSets) p.demos = demoSets[i]![params[`${i}_predictor_demos`]!]!.map(exampleFromJSON);
    });
    return c;
  }

  /** Whether a step of about `runs` program runs fits in the budget, at the calls and cost per run seen so far. */
  private fits(runs: number): boolean {
    const t = this.meter.totals;
    const trials = this.state.search.trials.filter((x) => !x.failed);
    const taskRuns = trials.reduce((s, x) => s + x.runs, 0);
    const taskCalls = trials.reduce((s, x) => s + x.calls, 0);
    const perRun = taskRuns > 0 ? taskCalls / taskRuns : this.settings.predictors;
    const calls = Math.ceil(runs * perRun);
    const costPerCall = t.calls > 0 ? t.costUsd / t.calls : 0;
    const b = this.meter.budget;
    if (b.maxCalls !== undefined && t.calls + calls > b.maxCalls) return false;
    if (b.maxCostUsd !== undefined && t.costUsd + calls * costPerCall > b.maxCostUsd) return false;
    return true;
  }

  private async search(): Promise<void> {
    const s = this.settings;
    const mo = this.mipro.options;
    const zeros = Object.fromEntries(Object.keys(this.space).map((k) => [k, 0]));
    const defaultIsCombo0 = s.zeroshot || this.program.predictors().every((p) => p.demos.length === 0);
    const ctx: SearchContext = {
      settings: s,
      space: this.space,
      S: this.state.search,
      tpe: this.tpe,
      rng: this.rng,
      reuse: this.opt.reuseEvaluations,
      defaultKey: defaultIsCombo0 ? comboKey(this.space, zeros) : "default",
      fits: (runs) => this.fits(runs),
      afterStep: (_trial, message) => {
        this.log(message);
        this.save();
        this.progress("search", this.state.search.objectiveDone, s.numTrials, message);
      },
      checkStop: () => throwIfStopped(this.signal),
      budgetExceeded: () => new BudgetExceededError(this.meter.budget, this.meter.totals),
      log: (line) => this.log(line),
    };
    await runSearch(ctx, async ({ params, indices }) => {
      const before = this.meter.totals.calls;
      try {
        const result = await new Evaluate({
          devset: indices.map((i) => this.valset[i]!),
          metric: mo.metric,
          numThreads: this.opt.numThreads,
          maxErrors: this.opt.maxErrors,
          ...(mo.progress ? { progress: mo.progress } : {}),
          callOptions: { lm: this.taskLM, signal: this.callSignal, ...(mo.adapter ? { adapter: mo.adapter } : {}) },
        }).run(this.candidate(params));
        const scores = new Map<number, number>();
        const errors = new Set<number>();
        result.results.forEach((r, j) => {
          scores.set(indices[j]!, r.score);
          if (r.error !== undefined) errors.add(indices[j]!);
        });
        return { scores, errors, calls: this.meter.totals.calls - before };
      } catch (error) {
        if (this.meter.signal.aborted) throw this.meter.signal.reason;
        if (this.signal?.aborted) throw this.signal.reason;
        this.log(`An exception occurred during evaluation: ${(error as Error).message}; scoring 0.`);
        return null;
      }
    });
  }

  // ---- the result ------------------------------------------------------------------------------

  private result(): MIPROv2Result<P> {
    const S = this.state.search;
    const best = S.best;
    const program = this.candidate(best?.params ?? null);
    for (const p of program.predictors()) if (p.lm) p.lm = unwrapLM(p.lm);
    const baseline = S.trials.find((t) => t.kind === "baseline");
    const report: MIPROv2Report = {
      settings: this.settings,
      estimate: this.estimate,
      datasetSummary: this.state.proposal.datasetSummary,
      programDescription: this.state.proposal.description,
      instructionCandidates: this.state.proposal.instructionCandidates.map((c) => [...c]),
      demoSetSizes: this.settings.zeroshot ? [] : this.state.demoSets.map((sets) => sets.map((s) => s.length)),
      trials: S.trials.map((t) => ({ ...t })),
      baselineScore: baseline?.score ?? null,
      bestScore: best?.score ?? null,
      bestParams: best?.params ?? null,
      bestTrial: best?.trial ?? null,
      failedProposals: this.state.proposal.failed,
      calls: structuredClone(this.meter.totals),
      stoppedBy: this.stoppedBy,
      resumed: this.resumed,
    };
    this.log(`Returning best identified program with score ${report.bestScore}!`);
    return { program, report };
  }
}
