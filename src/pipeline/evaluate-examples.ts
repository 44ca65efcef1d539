/**
 * Offline evaluation of examples: the agent on held-out examples, judged by a metric; the summary the run record
 * and the console report (accuracy, exact matches, optimal alternatives, AI-assessed reasonable, per
 * category, confusion matrix).
 */
import type { Example, Module } from "../dspy/index.js";
import { Prediction } from "../dspy/index.js";
import { isFatalLMError } from "../lm/index.js";
import { runOrderedPool } from "../util/ordered-pool.js";
import type { ProgressCallback } from "../util/progress.js";
import type { EvaluatedExample, ScoreSummary, Verdict } from "./run-info.js";
import type { Judge } from "./metrics.js";

/** Scores of an evaluation: the summary, per category, the confusion matrix and every example. */
export interface EvaluationReport extends ScoreSummary {
  per_category: Record<string, ScoreSummary>;
  confusion: number[][];
  examples: EvaluatedExample[];
}

/** Options of {@link evaluateExamples}: concurrency, progress, a signal and the progress phase name. */
export interface EvaluateExamplesOptions {
  concurrency?: number;
  progress?: ProgressCallback;
  signal?: AbortSignal;
  /** Phase name for progress events (default "evaluate"). */
  phase?: string;
}

/** Errors that will fail every call alike: stop at once instead of scoring each example 0 (defined in src/lm). */
export { isFatalLMError };

/** Runs `program` on each example (`concurrency` in flight) and judges it. */
export async function evaluateExamples(program: Module, examples: readonly Example[], judge: Judge, options: EvaluateExamplesOptions = {}): Promise<EvaluationReport> {
  const n = examples.length;
  const out: EvaluatedExample[] = new Array(n);
  let done = 0;
  let sum = 0;
  const phase = options.phase ?? "evaluate";
  // A failed example is a result (scored 0); a fatal LM error or an abort stops the pool.
  const evaluateOne = async (i: number): Promise<void> => {
      const ex = examples[i]!;
      let prediction: Prediction | null = null;
      let error: string | null = null;
      try {
        prediction = await program.call(ex.inputs().toDict(), { role: "student", ...(options.signal ? { signal: options.signal } : {}) });
      } catch (e) {
        if (options.signal?.aborted || isFatalLMError(e)) throw e;
        error = (e as Error).message ?? String(e);
      }
      const j = prediction ? await judge.judge(ex, prediction) : { score: 0, verdict: "error" as Verdict, predictedAction: null, prediction: null, error };
      const reasoning = prediction?.get("reasoning");
      out[i] = {
        id: String(ex.get("id") ?? i),
        ...sourceOf(ex),
        observation: String(ex.get("observation") ?? ""),
        ground_truth: String(ex.get("primitive_action") ?? ex.get("subgoal") ?? ""),
        ground_truth_action: Number(ex.get("gt_action") ?? -1),
        optimal_actions: (ex.get("optimal_actions") as number[] | undefined) ?? [],
        prediction: j.prediction,
        prediction_action: j.predictedAction,
        reasoning: typeof reasoning === "string" ? reasoning : null,
        score: j.score,
        verdict: j.verdict,
        assessor_reasoning: j.assessorReasoning ?? null,
        error: j.error ?? error ?? null,
      };
      sum += j.score;
      done++;
      options.progress?.({ phase, done, total: n, detail: `accuracy ${(sum / done).toFixed(3)}` });
  };
  await runOrderedPool(n, evaluateOne, { concurrency: options.concurrency ?? 4, ...(options.signal ? { signal: options.signal } : {}) });
  return report(out);
}

/** Where an example came from: the step labels {@link toExample} gives it (empty / 0 for hand-made examples). */
function sourceOf(ex: Example): Pick<EvaluatedExample, "env_id" | "seed" | "episode" | "step" | "mission"> {
  const text = (k: string) => {
    const v = ex.get(k);
    return typeof v === "string" ? v : "";
  };
  const int = (k: string) => {
    const v = ex.get(k);
    return typeof v === "number" && Number.isInteger(v) ? v : 0;
  };
  return { env_id: text("env_id"), seed: int("seed"), episode: int("episode"), step: int("step"), mission: text("mission") };
}

/**
 * Sums verdicts into a {@link ScoreSummary} (accuracy, exact, optimal alternatives, reasonable, wrong,
 * errors).
 */
export function summarize(examples: readonly EvaluatedExample[]): ScoreSummary {
  const n = examples.length;
  const count = (v: Verdict) => examples.filter((e) => e.verdict === v).length;
  return {
    accuracy: n === 0 ? 0 : examples.reduce((s, e) => s + e.score, 0) / n,
    n,
    exact: count("exact"),
    optimal_alternatives: count("optimal"),
    ai_reasonable: count("reasonable"),
    wrong: count("wrong"),
    errors: count("error"),
  };
}

/** Summary, per category (the example's category label) and the confusion matrix. */
export function report(examples: EvaluatedExample[], categories?: readonly string[]): EvaluationReport {
  const byCat = new Map<string, EvaluatedExample[]>();
  examples.forEach((e, i) => {
    const k = categories?.[i] ?? (e.ground_truth_action >= 0 ? String(e.ground_truth_action) : e.ground_truth);
    let l = byCat.get(k);
    if (!l) byCat.set(k, (l = []));
    l.push(e);
  });
  const per_category = Object.fromEntries([...byCat].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, summarize(v)]));
  const confusion = Array.from({ length: 7 }, () => new Array<number>(8).fill(0));
  for (const e of examples) if (e.ground_truth_action >= 0 && e.ground_truth_action < 7) confusion[e.ground_truth_action]![e.prediction_action ?? 7]!++;
  return { ...summarize(examples), per_category, confusion, examples };
}
