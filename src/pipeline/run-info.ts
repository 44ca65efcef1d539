/**
 * The run record a fine-tuning run writes as `<output-dir>/<model_name>_info.json` (format
 * `gridtune-run/1`). The pipeline writes it; `gridtune serve` and `gridtune evaluate` read it.
 * No secrets ever appear here: API keys and base-URL credentials are stripped from `config`.
 */

/** How one evaluated example was judged by the metric. */
export type Verdict = "exact" | "optimal" | "reasonable" | "wrong" | "error";

/**
 * How a run ended: `completed`; `degraded` (finished, but some role's calls failed beyond the stated
 * share); `failed` (stopped by a fatal LM error); `stopped` (interrupted, or a dry run).
 */
export type RunStatus = "completed" | "degraded" | "failed" | "stopped";

/** One role's calls in a run: how many, how many still failed after retries, and why (reason → count). */
export interface RoleFailures {
  /** teacher | proposer | student | assessor, or `evaluation` for test examples that could not be scored. */
  role: string;
  model: string;
  calls: number;
  failed: number;
  reasons: Record<string, number>;
}

/** A run's resolved configuration as its record keeps it (no secrets). */
export interface RunConfig {
  dataset_path: string;
  teacher_model: string;
  student_model: string;
  assessor_model: string;
  teacher_groq: boolean;
  student_groq: boolean;
  assessor_groq: boolean;
  hint_type: "action" | "subgoal";
  encoding_type: "ascii" | "natural" | "tuples" | "relative" | "balrog";
  view: "agent" | "full";
  /** The agent's memory K (absent: 0, the single-step agent). */
  history?: number;
  samples_per_category: number;
  max_bootstrapped_demos: number;
  max_labeled_demos: number;
  minibatch_size: number;
  auto: "light" | "medium" | "heavy";
  metric: "exact" | "optimal" | "ai-feedback";
  seed: number;
  concurrency: number;
  budget: { calls?: number; cost_usd?: number } | null;
  finetune_weights: boolean;
}

/** Scores over a set of examples: accuracy and the count of each verdict. */
export interface ScoreSummary {
  /** Mean metric score in [0, 1] (exact 1.0, optimal alternative 1.0, reasonable 0.5, else 0). */
  accuracy: number;
  n: number;
  exact: number;
  optimal_alternatives: number;
  ai_reasonable: number;
  wrong: number;
  errors: number;
}

/**
 * The "AI-assessed reasonable" share, defined once for the console report and the dashboard: the
 * answers the assessor judged reasonable among those that were neither exact nor an optimal
 * alternative (the original tool's `ai_reasonable / (total - exact_matches)`, with optimal
 * alternatives counted as right like exact matches).
 */
export function aiReasonableShare(s: Pick<ScoreSummary, "n" | "exact" | "optimal_alternatives" | "ai_reasonable">): { count: number; of: number; rate: number } {
  const of = Math.max(0, s.n - s.exact - s.optimal_alternatives);
  return { count: s.ai_reasonable, of, rate: of > 0 ? s.ai_reasonable / of : 0 };
}

/**
 * One test example in a run record: where it came from, what the agent saw and answered, its reasoning,
 * the score and the verdict.
 */
export interface EvaluatedExample {
  id: string;
  env_id: string;
  seed: number;
  episode: number;
  step: number;
  mission: string;
  /** The encoded observation the agent saw. */
  observation: string;
  /** Ground truth: the action phrase (action hints) or the subgoal (subgoal hints). */
  ground_truth: string;
  ground_truth_action: number;
  optimal_actions: number[];
  prediction: string | null;
  prediction_action: number | null;
  reasoning: string | null;
  score: number;
  verdict: Verdict;
  assessor_reasoning?: string | null;
  error?: string | null;
}

/** LM usage of one role in a run record: calls, cached calls, tokens, dollars and models. */
export interface RoleUsage {
  calls: number;
  cached_calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  models: string[];
}

/**
 * The run record a fine-tuning run writes as `<model_name>_info.json` (format `gridtune-run/1`):
 * configuration, dataset, results, examples, the program, usage, timings and versions.
 */
export interface RunInfo {
  format: "gridtune-run/1";
  model_name: string;
  created_at: string;
  /** How the run ended (see src/pipeline/outcome.ts): the exit code and the console's last line say the same. */
  status: RunStatus;
  /** The outcome in words: why the run failed or is degraded, what to change, how to resume ("" when completed). */
  outcome_message?: string;
  /** Calls and failures per role and model (and the test examples that could not be scored, as role `evaluation`). */
  failures?: RoleFailures[];
  config: RunConfig;
  dataset: {
    path: string;
    total_steps: number;
    categories: Record<string, number>;
    sampled: Record<string, number>;
    splits: { train: number; val: number; test: number };
  };
  results: ScoreSummary & {
    per_category: Record<string, ScoreSummary>;
    /** confusion[groundTruthAction][predictedAction]; index 7 = unparseable prediction. */
    confusion: number[][];
  };
  examples: EvaluatedExample[];
  program: {
    path: string | null;
    saved: boolean;
    error: string | null;
    instructions: string;
    demos: Record<string, unknown>[];
  };
  usage: { by_role: Record<string, RoleUsage>; total: RoleUsage };
  timings: Record<string, number>;
  versions: Record<string, string>;
  /** Step 1 (optional for older records): MIPROv2's scores on the validation split and its trials. */
  optimization?: OptimizationSummary;
  /** Step 3 (optional for older records): how the student was distilled. */
  distillation?: DistillationSummary;
  /** The LM configuration without secrets (keys shown as "set"/"missing"). */
  environment?: Record<string, string>;
  /** Things the run noted on the way (a failed optimization, a fallback, a save error). */
  warnings?: string[];
}

/** Step 1 of a run record: MIPROv2's baseline and best scores, trials, calls and cost. */
export interface OptimizationSummary {
  optimizer: "MIPROv2" | "GEPA" | "none";
  /** Validation score of the unoptimized program (0–100, DSPy's scale), if evaluated. */
  baseline_score: number | null;
  /** Validation score of the returned program (0–100). */
  best_score: number | null;
  trials: number;
  /** Trials finished before this process started (after --resume). */
  resumed_trials: number;
  stopped_by: "completed" | "budget" | "failed";
  instruction_candidates: number;
  calls: number;
  cost_usd: number;
  error: string | null;
  /** GEPA runs: the candidates' lineage and the Pareto front. */
  gepa?: GepaLineage;
}

/** One GEPA candidate in a run record: its parents, validation score and instructions. */
export interface GepaCandidateRecord {
  idx: number;
  /** Parent indices (empty for the seed; two for a merge). */
  parents: number[];
  /** Validation average (0–1). */
  val_score: number;
  /** Predictor name → instruction. */
  instructions: Record<string, string>;
  /** Metric calls spent when it was found. */
  discovered_at_calls: number;
}

/** GEPA's search as a run record keeps it: candidates (lineage) and the Pareto front. */
export interface GepaLineage {
  candidates: GepaCandidateRecord[];
  /** Candidates best on at least one validation example (after removing dominated ones: all on the front). */
  pareto_front: number[];
  best_idx: number;
  total_metric_calls: number;
  feedback_metric_calls: number;
}

/** Step 3 of a run record: how the student was distilled (bootstrapped demos or fine-tuned weights). */
export interface DistillationSummary {
  method: "bootstrap-few-shot" | "bootstrap-finetune" | "none";
  demos: number;
  /** The fine-tuned model id, when weights were fine-tuned. */
  finetuned_model: string | null;
  note: string | null;
}
