/**
 * The DSPy side of GEPA (DSPy 3.3.1 `teleprompt/gepa/gepa_utils.py` `DspyAdapter`): builds a program
 * from a candidate, evaluates it on a batch (with traces when GEPA will reflect on them), and turns
 * the traces into the reflective dataset — one record per example for the component being rewritten:
 * that predictor's inputs and outputs (as Python's `str`) and the metric's feedback for it.
 */
import { AdapterParseError } from "../../errors.js";
import type { MetricValue, ScoreWithFeedback } from "../../evaluate.js";
import { type Example, Prediction } from "../../example.js";
import type { CallOptions, Module, TraceEntry } from "../../module.js";
import { pyStr } from "../../pycompat.js";
import type { PyRandom } from "../py-random.js";
import { runOrderedPool } from "../../../util/ordered-pool.js";
import type { ReflectiveExample } from "./reflection.js";
import type { Candidate } from "./state.js";

/**
 * GEPA's feedback metric: `(gold, pred, trace, predName, predTrace)` → a score, or `{score, feedback}`.
 * GEPA calls it without the last three to score, with `trace` when it captured one, and with
 * `predName` / `predTrace` (that predictor's single call) when it asks for feedback on one predictor.
 */
export type GEPAFeedbackMetric = (
  gold: Example,
  pred: Prediction,
  trace?: TraceEntry[] | null,
  predName?: string | null,
  predTrace?: TraceEntry[] | null,
) => MetricValue | Promise<MetricValue>;

/** One evaluated example with its trace (gepa's trajectory; DSPy's `TraceData`). */
export interface Trajectory {
  exampleIndex: number;
  example: Example;
  prediction: Prediction;
  trace: TraceEntry[];
  /** The metric's raw value. */
  value: MetricValue;
  /** The program failed to parse an LM reply or threw: no reflection on this example. */
  failed: boolean;
}

/** An evaluated batch: one score per example, trajectories when captured. */
export interface EvaluationBatch {
  outputs: Prediction[];
  scores: number[];
  trajectories: Trajectory[] | null;
}

function scoreFrom(value: MetricValue, failureScore: number): number {
  if (typeof value === "object" && value !== null) return value.score === null || value.score === undefined ? failureScore : Number(value.score);
  return Number(value);
}

/** A copy of `student` with each named predictor's instructions from `candidate` (`build_program`). */
export function buildProgram<P extends Module>(student: P, candidate: Candidate): P {
  const program = student.deepcopy();
  for (const [name, pred] of program.namedPredictors()) {
    if (name in candidate) pred.signature = pred.signature.withInstructions(candidate[name]!);
  }
  return program;
}

/** Options for {@link evaluateBatch}. */
export interface BatchEvaluationOptions {
  metric: GEPAFeedbackMetric;
  captureTraces: boolean;
  numThreads: number;
  failureScore: number;
  callOptions: CallOptions;
}

/**
 * Runs `program` on `batch` (`DspyAdapter.evaluate`). Without traces the metric gets `(gold, pred)`
 * (DSPy's Evaluate); with traces `(gold, pred, trace)` (`bootstrap_trace_data`). A program that fails
 * scores `failureScore`; a parse failure keeps its trajectory, marked failed (never reflected on).
 */
export async function evaluateBatch(program: Module, batch: readonly Example[], o: BatchEvaluationOptions): Promise<EvaluationBatch> {
  const results = await runOrderedPool(
    batch.length,
    async (k): Promise<{ prediction: Prediction; score: number; trajectory: Trajectory }> => {
      const example = batch[k]!;
      const trace: TraceEntry[] = [];
      let prediction: Prediction;
      try {
        prediction = await program.call(example.inputs().toDict(), { ...o.callOptions, trace });
      } catch (error) {
        if (o.callOptions.signal?.aborted) throw o.callOptions.signal.reason ?? error;
        if (!(error instanceof AdapterParseError) && isStopError(error)) throw error;
        const empty = new Prediction();
        return { prediction: empty, score: o.failureScore, trajectory: { exampleIndex: k, example, prediction: empty, trace, value: o.failureScore, failed: true } };
      }
      let value: MetricValue;
      try {
        value = o.captureTraces ? await o.metric(example, prediction, trace) : await o.metric(example, prediction);
      } catch (error) {
        if (isStopError(error)) throw error;
        value = o.failureScore;
      }
      return { prediction, score: scoreFrom(value, o.failureScore), trajectory: { exampleIndex: k, example, prediction, trace, value, failed: false } };
    },
    { concurrency: Math.max(1, o.numThreads), ...(o.callOptions.signal ? { signal: o.callOptions.signal } : {}) },
  );
  return {
    outputs: results.map((r) => r.prediction),
    scores: results.map((r) => r.score),
    trajectories: o.captureTraces ? results.map((r) => r.trajectory) : null,
  };
}

/** Raised when a batch could not finish because the run is stopping (budget or signal). */
export class GEPAStopped extends Error {
  constructor() {
    super("GEPA: stopped before the batch finished");
    this.name = "GEPAStopped";
  }
}

function isStopError(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === "BudgetExceededError" || name === "AbortError" || name === "GEPAStopped";
}

/** Python's f"{score}" for a metric value: floats as Python prints them, bools as True/False. */
export function pyScoreText(v: unknown): string {
  return typeof v === "number" ? pyStr(v, true) : pyStr(v);
}

/** The feedback text for a metric value (DSPy's default when there is none). */
export function feedbackText(value: MetricValue): string {
  if (typeof value === "object" && value !== null) {
    const v = value as ScoreWithFeedback;
    return v.feedback ?? `This trajectory got a score of ${pyScoreText(v.score)}.`;
  }
  return `This trajectory got a score of ${pyScoreText(value)}.`;
}

/**
 * `make_reflective_dataset`: for each component, one record per trajectory whose trace holds a call
 * of that predictor (the call drawn with `rng.choice`, as DSPy does), with the metric's feedback.
 * Returns the records and the number of feedback metric calls made.
 */
export async function makeReflectiveDataset(
  program: Module,
  batch: EvaluationBatch,
  components: readonly string[],
  rng: PyRandom,
  metric: GEPAFeedbackMetric,
): Promise<{ dataset: Record<string, ReflectiveExample[]>; feedbackCalls: number }> {
  const predictors = new Map(program.namedPredictors());
  const out: Record<string, ReflectiveExample[]> = {};
  let feedbackCalls = 0;
  for (const name of components) {
    const module = predictors.get(name);
    if (!module) throw new Error(`GEPA: predictor not found: ${name}`);
    const items: ReflectiveExample[] = [];
    for (const data of batch.trajectories ?? []) {
      if (data.failed) continue;
      const instances = data.trace.filter((t) => t.predictor.signature.equals(module.signature));
      if (instances.length === 0) continue;
      const selected = rng.choice(instances);
      const inputs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(selected.inputs)) inputs[k] = pyStr(v);
      const outputsRec: Record<string, unknown> = {};
      for (const [k, v] of selected.prediction.items()) outputsRec[k] = pyStr(v);
      const fb = await metric(data.example, data.prediction, data.trace, name, [selected]);
      feedbackCalls++;
      items.push({ Inputs: inputs, "Generated Outputs": outputsRec, Feedback: feedbackText(fb) });
    }
    if (items.length === 0) continue;
    out[name] = items;
  }
  if (Object.keys(out).length === 0) throw new Error("No valid predictions found for any module.");
  return { dataset: out, feedbackCalls };
}
