/**
 * What a MIPROv2 compile returns besides the program: the report (settings, proposals, trials, DSPy's
 * `trial_logs`, calls) and the candidate programs DSPy attaches as `candidate_programs` and
 * `mb_candidate_programs`.
 */
import type { Module } from "../../module.js";
import type { ProgramDescription } from "../grounded-proposer.js";
import type { MeterTotals } from "../lm-wrappers.js";
import type { CallEstimate } from "./estimate.js";
import type { MIPROv2Trial } from "./search.js";
import type { MIPROv2Settings } from "./settings.js";

/**
 * One entry of DSPy's `trial_logs` (keyed there by trial number): the chosen instruction and demo set
 * per predictor, the score (a minibatch's or the full valset's) and the examples evaluated so far.
 */
export interface MIPROv2TrialLog {
  /** DSPy's trial number (1 is the default program). */
  trial: number;
  kind: MIPROv2Trial["kind"];
  /** Per predictor, the instruction candidate chosen (0 for the default program). */
  instructions: number[];
  /** Per predictor, the demo set chosen (null in zero-shot runs; 0 for the default program). */
  demoSets: number[] | null;
  /** DSPy's `mb_score` (minibatch trials) or `full_eval_score`. */
  score: number;
  /** DSPy's `total_eval_calls_so_far`: examples evaluated up to and including this trial. */
  totalEvalCallsSoFar: number;
}

/**
 * What a MIPROv2 run did: its settings and estimate, the proposals, every trial, the baseline and best
 * scores, the calls made and why it stopped.
 */
export interface MIPROv2Report {
  settings: MIPROv2Settings;
  /** The dry-run estimate for this configuration (computed when first read). */
  readonly estimate: CallEstimate;
  datasetSummary: string | null;
  /** The latest description of the program and of each module (DSPy describes them in every proposal). */
  programDescription: ProgramDescription | null;
  /** Per predictor; index 0 is the original instruction. */
  instructionCandidates: string[][];
  /** Per predictor, the number of demos in each demo set (empty in zero-shot runs). */
  demoSetSizes: number[][];
  trials: MIPROv2Trial[];
  /** DSPy's `trial_logs`, in trial order. */
  trialLogs: MIPROv2TrialLog[];
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

/** A program the search scored (DSPy's `score_data` entries). */
export interface MIPROv2CandidateProgram<P extends Module> {
  score: number;
  /** The trial that scored it. */
  trial: number;
  /** Its combination (null: the default program). */
  params: Record<string, number> | null;
  /** Scored on the full valset (DSPy's `full_eval`). */
  fullEval: boolean;
  program: P;
}

/** The optimized program, the {@link MIPROv2Report} and the scored candidates. */
export interface MIPROv2Result<P extends Module> {
  program: P;
  report: MIPROv2Report;
  /** DSPy's `candidate_programs`: the fully evaluated programs (the default one included), best first. */
  candidatePrograms: MIPROv2CandidateProgram<P>[];
  /** DSPy's `mb_candidate_programs`: the minibatch-scored programs, best first. */
  mbCandidatePrograms: MIPROv2CandidateProgram<P>[];
}

/** DSPy's `trial_logs` from the trials. */
export function trialLogsOf(trials: readonly MIPROv2Trial[], predictors: number, zeroshot: boolean): MIPROv2TrialLog[] {
  let soFar = 0;
  const pick = (params: Record<string, number> | null, what: "instruction" | "demos") =>
    Array.from({ length: predictors }, (_, i) => params?.[`${i}_predictor_${what}`] ?? 0);
  return trials.map((t) => {
    soFar += t.batchSize;
    return {
      trial: t.number,
      kind: t.kind,
      instructions: pick(t.params, "instruction"),
      demoSets: zeroshot ? null : pick(t.params, "demos"),
      score: t.score,
      totalEvalCallsSoFar: soFar,
    };
  });
}
