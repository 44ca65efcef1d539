/**
 * The metrics, as the original tool's `accuracy_metric` with two improvements:
 *
 * - **exact**: 1.0 when the predicted action (or subgoal) is the ground truth, else 0.0;
 * - **optimal**: also 1.0 for another action in the step's optimal set, when the expert proved the set
 *   exact (`optimal_exact`) — reported apart as an optimal alternative;
 * - **ai-feedback**: exact and optimal as above (no assessor call spent on them); any other parseable
 *   prediction goes to the assessor LLM, which sees the state, the prediction, the agent's reasoning
 *   and the expected action and answers whether it is a reasonable alternative: 0.5, else 0.0.
 *
 * `judge.metric` is the DSPy metric: with a trace (optimizers bootstrapping demos) it answers a boolean
 * (true for exact / optimal / reasonable, as the original's), without one the score.
 */
import { ChainOfThought, InputField, OutputField, Signature, type Example, type Metric, type Prediction } from "../dspy/index.js";
import type { LM } from "../lm/types.js";
import type { Verdict } from "./run-info.js";
import { normalizeSubgoal, parseAction, type HintType } from "../agent/actions.js";
import type { MetricName } from "./config.js";
import type { GEPAFeedbackMetric } from "../dspy/optimizers/gepa/index.js";
import type { StepState } from "../encoding/index.js";
import { gridFeedbackMetric } from "./grid-feedback.js";

/** One prediction judged: its score, verdict, the action it names, and the assessor's reasoning. */
export interface Judgement {
  score: number;
  verdict: Verdict;
  /** The predicted action index (action hints), or null when the prediction names none. */
  predictedAction: number | null;
  prediction: string | null;
  assessorReasoning?: string | null;
  error?: string | null;
}

const ACTION_NAMES: Record<number, string> = { 0: "turn left", 1: "turn right", 2: "move forward", 3: "pick up", 4: "drop", 5: "toggle", 6: "done" };

/** The original's ActionAssessment signature (the assessor adds its reasoning as a ChainOfThought). */
export function actionAssessmentSignature(): Signature {
  return new Signature(
    {
      current_state: InputField({ desc: "Current environment state description" }),
      predicted_action: InputField({ desc: "Action predicted by the agent (0-6)", type: "int" }),
      explanation: InputField({ desc: "Agent's reasoning/explanation for the action" }),
      ground_truth_action: InputField({ desc: "Expected correct action", type: "int" }),
      assessment_question: InputField({ desc: "Question asking if the action makes sense" }),
      makes_sense: OutputField({ desc: "Whether the predicted action and reasoning make sense in context", type: "bool" }),
    },
    "Assess whether a predicted action makes sense given the current state and reasoning.",
  );
}

/** The same for subgoal hints: subgoal sentences instead of action indices. */
export function subgoalAssessmentSignature(): Signature {
  return new Signature(
    {
      current_state: InputField({ desc: "Current environment state description" }),
      predicted_subgoal: InputField({ desc: "Subgoal predicted by the agent" }),
      explanation: InputField({ desc: "Agent's reasoning/explanation for the subgoal" }),
      ground_truth_subgoal: InputField({ desc: "Expected correct subgoal" }),
      assessment_question: InputField({ desc: "Question asking if the subgoal makes sense" }),
      makes_sense: OutputField({ desc: "Whether the predicted subgoal and reasoning make sense in context", type: "bool" }),
    },
    "Assess whether a predicted subgoal makes sense given the current state and reasoning.",
  );
}

/** Options of {@link Judge}: the metric, the hint type, the assessor LM (for ai-feedback) and a signal. */
export interface JudgeOptions {
  metric: MetricName;
  hint: HintType;
  /** The assessor LM (required for ai-feedback). */
  assessor?: LM;
  signal?: AbortSignal;
}

/** Judges predictions against an example's labels; counts assessor calls. */
export class Judge {
  readonly assessorProgram: ChainOfThought | null;
  assessorCalls = 0;
  private readonly memo = new Map<string, Promise<{ ok: boolean; reasoning: string | null }>>();

  constructor(readonly options: JudgeOptions) {
    if (options.metric === "ai-feedback") {
      if (!options.assessor) throw new Error("the ai-feedback metric needs an assessor LM");
      this.assessorProgram = new ChainOfThought(options.hint === "subgoal" ? subgoalAssessmentSignature() : actionAssessmentSignature(), { lm: options.assessor });
    } else this.assessorProgram = null;
  }

  /** The DSPy metric: a score without a trace, a boolean with one. */
  get metric(): Metric {
    return async (example, prediction, trace) => {
      const j = await this.judge(example, prediction);
      return trace !== undefined ? j.score > 0 : j.score;
    };
  }

  /** GEPA's feedback metric: this judge's score with the grid's feedback (./grid-feedback.ts). */
  feedbackMetric(stepOf?: (example: Example) => StepState | undefined): GEPAFeedbackMetric {
    return gridFeedbackMetric(this, stepOf);
  }

  async judge(example: Example, prediction: Prediction): Promise<Judgement> {
    const { hint, metric } = this.options;
    const field = hint === "subgoal" ? "subgoal" : "primitive_action";
    const rawPred = prediction.get(field);
    const predText = rawPred === undefined || rawPred === null ? null : String(rawPred);
    const reasoning = prediction.get("reasoning");
    if (hint === "subgoal") {
      const gt = normalizeSubgoal(example.get("subgoal"));
      const p = normalizeSubgoal(predText);
      const base = { predictedAction: null, prediction: predText };
      if (p !== "" && p === gt) return { ...base, score: 1, verdict: "exact" };
      if (metric !== "ai-feedback" || p === "") return { ...base, score: 0, verdict: "wrong" };
      return this.assess(example, base, {
        current_state: String(example.get("observation") ?? ""),
        predicted_subgoal: p,
        explanation: typeof reasoning === "string" ? reasoning : "No explanation provided by the agent.",
        ground_truth_subgoal: gt,
        assessment_question:
          `The agent predicted the subgoal '${p}' instead of the expected '${gt}'. ` +
          `Given the current state and the agent's reasoning, does the predicted subgoal make logical sense as a reasonable alternative, even if not optimal?`,
      });
    }
    const gt = Number(example.get("gt_action"));
    const predicted = parseAction(predText);
    const base = { predictedAction: predicted, prediction: predText };
    if (predicted === null) return { ...base, score: 0, verdict: "wrong" };
    if (predicted === gt) return { ...base, score: 1, verdict: "exact" };
    const optimal = (example.get("optimal_actions") as number[] | undefined) ?? [];
    if (metric !== "exact" && example.get("optimal_exact") === true && optimal.includes(predicted)) return { ...base, score: 1, verdict: "optimal" };
    if (metric !== "ai-feedback") return { ...base, score: 0, verdict: "wrong" };
    const state = String(example.get("observation") ?? "");
    if (!state.trim()) return { ...base, score: 0, verdict: "wrong" };
    return this.assess(example, base, {
      current_state: state,
      predicted_action: predicted,
      explanation: typeof reasoning === "string" && reasoning.trim() ? reasoning : "No explanation provided by the agent.",
      ground_truth_action: gt,
      assessment_question:
        `The agent predicted '${ACTION_NAMES[predicted]}' (action ${predicted}) instead of ` +
        `the expected '${ACTION_NAMES[gt]}' (action ${gt}). ` +
        `Given the current state and the agent's reasoning, does the predicted action ` +
        `make logical sense as a reasonable alternative, even if not optimal?`,
    });
  }

  private async assess(example: Example, base: Pick<Judgement, "predictedAction" | "prediction">, inputs: Record<string, unknown>): Promise<Judgement> {
    const key = JSON.stringify(inputs);
    let p = this.memo.get(key);
    if (!p) {
      this.assessorCalls++;
      p = this.assessorProgram!.call(inputs, { role: "assessor", ...(this.options.signal ? { signal: this.options.signal } : {}) }).then((r) => {
        const v = r.get("makes_sense");
        const reasoning = r.get("reasoning");
        return { ok: v === true || (typeof v === "string" && /^(true|yes)$/i.test(v.trim())), reasoning: typeof reasoning === "string" ? reasoning : null };
      });
      this.memo.set(key, p);
      p.catch(() => this.memo.delete(key));
    }
    try {
      const r = await p;
      return { ...base, score: r.ok ? 0.5 : 0, verdict: r.ok ? "reasonable" : "wrong", assessorReasoning: r.reasoning };
    } catch (e) {
      if (this.options.signal?.aborted) throw e;
      void example;
      return { ...base, score: 0, verdict: "error", error: `assessment failed: ${(e as Error).message}` };
    }
  }
}

/** DSPy metric: 1 for the ground-truth action (or subgoal), else 0. */
export function exactMetric(hint: HintType = "action"): Metric {
  return new Judge({ metric: "exact", hint }).metric;
}

/** DSPy metric: also 1 for another action in the step's proven-optimal set. */
export function optimalMetric(hint: HintType = "action"): Metric {
  return new Judge({ metric: "optimal", hint }).metric;
}

/** DSPy metric: exact / optimal as above, else the assessor LLM's verdict (0.5 reasonable, 0 not). */
export function aiFeedbackMetric(assessor: LM, hint: HintType = "action", signal?: AbortSignal): Metric {
  return new Judge({ metric: "ai-feedback", hint, assessor, ...(signal ? { signal } : {}) }).metric;
}
