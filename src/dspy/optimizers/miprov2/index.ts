/**
 * MIPROv2 (dspy/teleprompt/mipro_optimizer_v2.py): optimizes each predictor's instruction and demos
 * together, in three steps.
 *
 * 1. **Demo candidates** (with the task model): per predictor, N demo sets — none, labeled only,
 *    bootstrapped from the trainset in order, and N−3 bootstrapped from shuffled copies with a random
 *    number (1…maxBootstrappedDemos) of bootstrapped demos, each topped up with labeled examples.
 * 2. **Instruction candidates** (with the prompt model): grounded proposals from a dataset summary, a
 *    description of the program and of the predictor's module (made inside each proposal, with its
 *    task demos, rollout id and temperature), task demos and a random tip (../grounded-proposer.ts).
 *    Candidate 0 is always the original instruction (DSPy still makes, then discards, proposal 0).
 * 3. **Search**: the default program is scored on the whole valset; then each trial draws one
 *    (instruction, demo set) per predictor from a seeded multivariate TPE sampler (../tpe.ts) and scores
 *    it on a random minibatch (35 examples). Every 5 trials, and at the end, the untried combination
 *    with the best mean minibatch score is scored on the whole valset. The best *fully evaluated*
 *    program wins.
 *
 * `auto` presets (DSPy's): light n=6 / 100 validation examples, medium 12 / 300, heavy 18 / 1000;
 * n demo sets, n/2 instruction candidates (n in zero-shot), `max(2·V·log2 n, 1.5n)` trials (V =
 * predictors, doubled when demos are optimized); minibatches only when the valset has more than 50.
 *
 * Seeding is DSPy's: one Python-exact `random.Random(seed)` (../py-random.ts) draws, in DSPy's order,
 * the valset subsample, the demo sets' shuffles and sizes, the proposal tips and rollout ids, and the
 * minibatches — so for the same seed and data these are the ones DSPy draws. Only the sampler's own
 * draws differ (Optuna uses numpy).
 *
 * Beyond DSPy:
 * - **Dry run**: {@link MIPROv2.estimateCalls} counts the LM calls a configuration will make, without
 *   making any, and sets them beside DSPy's own formula (./estimate.ts). The run and the estimate take
 *   their RNG draws from one draw plan (./draw-plan.ts), so the estimate's simulated search draws the
 *   run's own minibatches; it is close (within 10% in the tests) rather than an upper bound. It runs
 *   only when asked: `estimateCalls`, a budgeted `compile` (which logs it first), or reading
 *   `report.estimate`.
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
 *
 * The result also carries DSPy's `trial_logs` (`report.trialLogs`), `candidate_programs` and
 * `mb_candidate_programs` (`candidatePrograms`, `mbCandidatePrograms`). Like DSPy's, the program
 * returned is not marked compiled: to distil from it with BootstrapFewShot, hand it over with
 * `teacherAsIs` (../bootstrap-few-shot.ts), or it teaches with LabeledFewShot demos instead of its own.
 *
 * Files: settings and presets (./settings.ts), the draw plan (./draw-plan.ts), steps 1 and 2
 * (./steps.ts), the search (./search.ts), the run and its state (./run.ts), the checkpoint
 * (./checkpoint.ts), the estimate (./estimate.ts), the report (./report.ts).
 */
import type { Example } from "../../example.js";
import type { Module } from "../../module.js";
import { throwIfStopped } from "../program-tools.js";
import { type CallEstimate, estimateCalls } from "./estimate.js";
import type { MIPROv2Result } from "./report.js";
import { MiproRun } from "./run.js";
import {
  AUTO_RUN_SETTINGS,
  type MIPROv2CompileOptions,
  type MIPROv2Options,
  type MIPROv2Settings,
  type ResolvedOptions,
  defaultValsetSize,
  resolveOptions,
  settingsFor,
} from "./settings.js";

export {
  AUTO_RUN_SETTINGS,
  BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT,
  LABELED_FEWSHOT_EXAMPLES_IN_CONTEXT,
  MIN_MINIBATCH_SIZE,
  type AutoMode,
  type MIPROv2CompileOptions,
  type MIPROv2Options,
  type MIPROv2Settings,
} from "./settings.js";
export { CheckpointMismatchError, type MIPROv2Checkpoint } from "./checkpoint.js";
export { formatEstimate, type CallEstimate } from "./estimate.js";
export type { MIPROv2CandidateProgram, MIPROv2Report, MIPROv2Result, MIPROv2TrialLog } from "./report.js";
export type { MIPROv2Trial } from "./search.js";
export { drawPlan, type DrawPlan } from "./draw-plan.js";

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

  /** The run's numbers for this program and data sizes (DSPy's checks and presets). */
  settingsFor(program: Module, trainsetSize: number, valsetSize: number | undefined): MIPROv2Settings {
    return settingsFor(this.options, program, trainsetSize, valsetSize);
  }

  /**
   * The dry run: how many LM calls `compile(program, data)` will make, without making any (see
   * ./estimate.ts for what is exact and what is averaged).
   */
  estimateCalls(
    program: Module,
    data: { trainset: readonly Example[] | number; valset?: readonly Example[] | number },
    options: { callsPerProgramRun?: number; bootstrapSuccessRate?: number } = {},
  ): CallEstimate {
    const size = (d: readonly Example[] | number | undefined) => (d === undefined ? undefined : typeof d === "number" ? d : d.length);
    const trainsetGiven = size(data.trainset)!;
    const settings = this.settingsFor(program, trainsetGiven, size(data.valset));
    const maxCalls = this.options.budget?.maxCalls;
    return estimateCalls({
      settings,
      resolved: this.resolved,
      program,
      givenValsetSize: size(data.valset) ?? defaultValsetSize(trainsetGiven),
      ...(maxCalls !== undefined ? { maxCalls } : {}),
      ...options,
    });
  }

  /** Runs the three steps; returns the best fully evaluated program and a report. */
  async compile<P extends Module>(student: P, options: MIPROv2CompileOptions): Promise<MIPROv2Result<P>> {
    throwIfStopped(options.signal);
    const run = new MiproRun<P>(this, student, options);
    return run.execute();
  }

  /** @internal resolved option values. */
  get resolved(): ResolvedOptions {
    return resolveOptions(this.options);
  }
}
