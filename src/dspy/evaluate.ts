/**
 * Evaluate (dspy/evaluate/evaluate.py + utils/parallelizer.py): run a program over a dev set with a
 * metric, concurrently, and report the average as a percentage.
 *
 * - Concurrency: `numThreads` (default 8) examples in flight at once — an async pool in place of
 *   DSPy's thread pool; results keep dev-set order.
 * - Per example: `program.call(example.inputs())`, then `metric(example, prediction)` (no trace).
 * - Failures: an example whose program or metric throws scores `failureScore` (default 0) with an
 *   empty Prediction, stays in the denominator, and keeps its error in the results. When the number of
 *   failures reaches `maxErrors` (default 10), no further examples start, in-flight calls are aborted
 *   through `signal`, and {@link EvaluationCancelledError} is thrown ("Execution cancelled due to
 *   errors or interruption.").
 * - Score: `round(100 * Σscores / n, 2)` with Python's rounding; booleans count 0/1.
 * - Progress: `progress` receives `{phase: "evaluate", done, total, detail}` after each example, with
 *   DSPy's "Average Metric: x / n (p%)" as detail; `displayProgress` draws a bar on stderr.
 *
 * Not reproduced: DSPy resubmits an example still running after 120 s when at most 3 remain.
 */
import { runOrderedPool } from "../util/ordered-pool.js";
import { ProgressBar, type ProgressCallback } from "../util/progress.js";
import { EvaluationCancelledError } from "./errors.js";
import { type Example, Prediction } from "./example.js";
import type { CallOptions, Inputs, TraceEntry } from "./module.js";
import { pyRound } from "./pycompat.js";

/** A score with textual feedback (what GEPA's reflection reads; other optimizers take the score). */
export interface ScoreWithFeedback {
  score: number | boolean;
  /** Why the prediction earned this score; GEPA says "This trajectory got a score of …" when absent. */
  feedback?: string | null;
}

/** A metric's verdict: a float, a bool counted as 0/1, or a score with feedback. */
export type MetricValue = number | boolean | ScoreWithFeedback;

/** The score of a metric's verdict as a number (booleans 0/1; a {@link ScoreWithFeedback}'s score). */
export function scoreOf(value: MetricValue): number {
  return typeof value === "object" && value !== null ? Number(value.score) : Number(value);
}

/** `(example, prediction, trace?) → score`; Evaluate calls it without a trace, optimizers with one. */
export type Metric = (example: Example, prediction: Prediction, trace?: TraceEntry[]) => MetricValue | Promise<MetricValue>;

/** Anything callable like a module. */
export interface Program {
  call(inputs: Inputs, options?: CallOptions): Promise<Prediction>;
}

/**
 * Options of {@link Evaluate} (exported as `EvaluateProgramOptions`): the dev set, the metric,
 * concurrency, error tolerance, progress and call options.
 */
export interface EvaluateOptions {
  devset: readonly Example[];
  metric: Metric;
  /** Examples in flight at once (DSPy's `num_threads`, default 8). */
  numThreads?: number;
  /** Stop once this many examples have failed (DSPy's `max_errors`, default 10). */
  maxErrors?: number;
  /** Score of an example whose program or metric threw (default 0). */
  failureScore?: number;
  /** Draw a progress bar on stderr. */
  displayProgress?: boolean;
  /** Called after every finished example. */
  progress?: ProgressCallback;
  /** Options for each program call (the LM, role, adapter, signal); no trace is passed. */
  callOptions?: CallOptions;
}

/** One example's outcome. */
export interface EvaluationRecord {
  /** Position in the dev set. */
  index: number;
  example: Example;
  /** The program's prediction (empty when it failed). */
  prediction: Prediction;
  /** The metric's value as a number (the failure score when it failed). */
  score: number;
  /** The error the program or metric threw, if any. */
  error?: unknown;
}

/**
 * What {@link Evaluate} returns: the score (0–100, DSPy's scale), one record per example, and the number
 * of failures.
 */
export interface EvaluationResult {
  /** `round(100 * Σscores / n, 2)`. */
  score: number;
  /** One record per dev-set example, in dev-set order. */
  results: EvaluationRecord[];
  /** How many examples failed. */
  errorCount: number;
}

/**
 * DSPy's Evaluate: runs a program over a dev set concurrently and scores it with a metric; `run(program)`
 * returns an {@link EvaluationResult}.
 */
export class Evaluate {
  constructor(readonly options: EvaluateOptions) {}

  /** Evaluates `program`; `overrides` replace this evaluator's options for this run. */
  async run(program: Program, overrides: Partial<EvaluateOptions> = {}): Promise<EvaluationResult> {
    const o = { ...this.options, ...overrides };
    const devset = o.devset;
    const n = devset.length;
    const numThreads = Math.max(1, o.numThreads ?? 8);
    const maxErrors = o.maxErrors ?? 10;
    const failureScore = o.failureScore ?? 0;
    const bar = o.displayProgress ? new ProgressBar("evaluate", n) : null;

    const controller = new AbortController();
    const outer = o.callOptions?.signal;
    const onOuterAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener("abort", onOuterAbort, { once: true });
    const { trace: _noTrace, ...shared } = o.callOptions ?? {};
    const callOptions: CallOptions = { ...shared, signal: controller.signal };

    const records: (EvaluationRecord | undefined)[] = new Array(n).fill(undefined);
    const errors: unknown[] = [];
    let cancelled = false;
    let done = 0;
    let okSum = 0;
    let okCount = 0;

    const report = () => {
      done++;
      const pct = okCount ? pyRound((100 * okSum) / okCount, 1) : 0;
      const detail = `Average Metric: ${okSum.toFixed(2)} / ${okCount} (${pct}%)`;
      o.progress?.({ phase: "evaluate", done, total: n, detail });
      bar?.update(done, detail);
    };

    // A failed example is a result (scored failureScore); only reaching maxErrors stops the pool.
    const runOne = async (index: number): Promise<void> => {
      const example = devset[index]!;
      try {
        const prediction = await program.call(example.inputs().toDict(), callOptions);
        const value = await o.metric(example, prediction);
        const score = scoreOf(value);
        records[index] = { index, example, prediction, score };
        okSum += score;
        okCount++;
      } catch (error) {
        if (cancelled) return;
        errors.push(error);
        records[index] = { index, example, prediction: new Prediction(), score: failureScore, error };
        if (errors.length >= maxErrors) {
          cancelled = true;
          const cancel = new EvaluationCancelledError(errors);
          controller.abort(cancel);
          throw cancel;
        }
      }
      if (!cancelled) report();
    };

    try {
      await runOrderedPool(n, runOne, { concurrency: numThreads, signal: controller.signal });
    } catch (error) {
      // Cancelled by maxErrors or the caller's signal: reported below; anything else propagates.
      if (!cancelled && !controller.signal.aborted) throw error;
    } finally {
      outer?.removeEventListener("abort", onOuterAbort);
    }
    if (cancelled || controller.signal.aborted) {
      throw new EvaluationCancelledError(errors);
    }
    bar?.finish();

    const results = records.map(
      (r, index) => r ?? { index, example: devset[index]!, prediction: new Prediction(), score: failureScore },
    );
    let sum = 0;
    for (const r of results) sum += r.score;
    return { score: n ? pyRound((100 * sum) / n, 2) : 0, results, errorCount: errors.length };
  }
}

/** Evaluates `program` once (shorthand for `new Evaluate(options).run(program)`). */
export function evaluate(program: Program, options: EvaluateOptions): Promise<EvaluationResult> {
  return new Evaluate(options).run(program);
}
