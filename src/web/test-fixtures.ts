/**
 * Fixtures for the dashboard's tests: a small dataset collected by the real collector (src/dataset),
 * run records (`_info.json`) made from it, and the expert standing in for a loaded LLM agent.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { collectDataset } from "../dataset/index.js";
import { ACTION_PHRASES, type ActionIndex } from "../minigrid/constants.js";
import { Expert } from "../expert/index.js";
import type { EvaluatedExample, RoleUsage, RunInfo, ScoreSummary, Verdict } from "../pipeline/run-info.js";
import { summarize } from "../pipeline/evaluate-examples.js";
import type { PlayAgent } from "./agent-hook.js";
import { parseStepLine, type StepRecord } from "../dataset/index.js";
import { encode } from "../encoding/index.js";

/** A small dataset collected by the real collector (`gridtune collect`), and its step records. */
export async function collectFixture(out: string, opts: { envIds: string[]; seeds: number[]; episodes: number }): Promise<{ steps: StepRecord[] }> {
  mkdirSync(dirname(out), { recursive: true });
  await collectDataset({ ...opts, out });
  const path = join(out, "steps.jsonl");
  const steps = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, k) => parseStepLine(l, { path, line: k + 1 }));
  return { steps };
}

export interface RunSpec {
  modelName: string;
  datasetPath: string;
  createdAt: string;
  student: string;
  teacher?: string;
  hint?: "action" | "subgoal";
  encoding?: "ascii" | "natural" | "tuples" | "relative";
  /** Which examples the student gets wrong: every `wrongEvery`-th (plus one reasonable, one error). */
  wrongEvery: number;
  costPerCall?: number;
}

function usage(calls: number, cost: number, models: string[]): RoleUsage {
  return { calls, cached_calls: Math.floor(calls / 5), prompt_tokens: calls * 850, completion_tokens: calls * 120, cost_usd: cost, models };
}

/** A run record as the pipeline writes it, with examples judged against the dataset's ground truth. */
export function makeRunInfo(steps: StepRecord[], spec: RunSpec): RunInfo {
  const examples: EvaluatedExample[] = steps.map((s, k) => {
    const gt = s.action as ActionIndex;
    const alt = s.optimal_actions.find((a) => a !== gt);
    let pred: number | null = gt;
    let verdict: Verdict = "exact";
    let score = 1;
    let error: string | null = null;
    if (k % spec.wrongEvery === spec.wrongEvery - 1) {
      pred = gt === 2 ? 0 : 2;
      verdict = "wrong";
      score = 0;
    } else if (k === 1) {
      pred = gt === 1 ? 0 : 1;
      verdict = "reasonable";
      score = 0.5;
    } else if (k === 4) {
      pred = null;
      verdict = "error";
      score = 0;
      error = "could not parse an action from the reply";
    } else if (alt !== undefined && k % 3 === 0) {
      pred = alt;
      verdict = "optimal";
    }
    return {
      id: `${s.env_id}/${s.seed}/${s.episode}/${s.step}`,
      env_id: s.env_id,
      seed: s.seed,
      episode: s.episode,
      step: s.step,
      mission: s.mission,
      observation: encode(s, { type: "ascii", view: "agent" }),
      ground_truth: spec.hint === "subgoal" ? s.subgoal : ACTION_PHRASES[gt],
      ground_truth_action: gt,
      optimal_actions: s.optimal_actions,
      prediction: pred === null ? "I would like to go around" : ACTION_PHRASES[pred as ActionIndex],
      prediction_action: pred,
      reasoning: pred === null ? "The reply did not name an action." : `The mission is "${s.mission}". ${verdict === "wrong" ? "I think the path ahead is blocked" : "The plan is to " + s.subgoal}, so I ${pred === null ? "wait" : ACTION_PHRASES[pred as ActionIndex]}.`,
      score,
      verdict,
      assessor_reasoning: verdict === "reasonable" ? "Turning first is not optimal but keeps the agent on a path to the goal." : verdict === "wrong" ? "The action moves away from the subgoal." : null,
      error,
    };
  });
  const perCategory: Record<string, ScoreSummary> = {};
  for (let a = 0; a < 7; a++) {
    const ex = examples.filter((e) => e.ground_truth_action === a);
    if (ex.length > 0) perCategory[String(a)] = summarize(ex);
  }
  const confusion = Array.from({ length: 7 }, () => new Array<number>(8).fill(0));
  for (const e of examples) confusion[e.ground_truth_action]![e.prediction_action ?? 7]!++;
  const categories: Record<string, number> = {};
  for (const s of steps) categories[String(s.action)] = (categories[String(s.action)] ?? 0) + 1;
  const per = spec.costPerCall ?? 0.0004;
  const byRole = {
    teacher: usage(120, 120 * per * 10, [spec.teacher ?? "groq/llama-3.3-70b-versatile"]),
    student: usage(examples.length, examples.length * per, [spec.student]),
    assessor: usage(3, 3 * per * 5, ["groq/deepseek-r1-distill-llama-70b"]),
  };
  const total = Object.values(byRole).reduce((t, r) => ({
    calls: t.calls + r.calls,
    cached_calls: t.cached_calls + r.cached_calls,
    prompt_tokens: t.prompt_tokens + r.prompt_tokens,
    completion_tokens: t.completion_tokens + r.completion_tokens,
    cost_usd: t.cost_usd + r.cost_usd,
    models: [...t.models, ...r.models],
  }));
  return {
    format: "gridtune-run/1",
    model_name: spec.modelName,
    created_at: spec.createdAt,
    status: "completed",
    config: {
      dataset_path: spec.datasetPath,
      teacher_model: spec.teacher ?? "groq/llama-3.3-70b-versatile",
      student_model: spec.student,
      assessor_model: "groq/deepseek-r1-distill-llama-70b",
      teacher_groq: true,
      student_groq: false,
      assessor_groq: true,
      hint_type: spec.hint ?? "action",
      encoding_type: spec.encoding ?? "ascii",
      view: "agent",
      samples_per_category: 10,
      max_bootstrapped_demos: 2,
      max_labeled_demos: 2,
      minibatch_size: 10,
      auto: "light",
      metric: "ai-feedback",
      seed: 0,
      concurrency: 4,
      budget: null,
      finetune_weights: false,
    },
    dataset: { path: spec.datasetPath, total_steps: steps.length, categories, sampled: categories, splits: { train: 4, val: 4, test: examples.length } },
    results: { ...summarize(examples), per_category: perCategory, confusion },
    examples,
    program: {
      path: `${spec.modelName}.json`,
      saved: true,
      error: null,
      instructions:
        "You control an agent in a Minigrid world. Read the observation (the agent's 7×7 view) and the mission, think about the next subgoal, then answer with exactly one action: turn left, turn right, move forward, pick up, drop, toggle or done.",
      demos: examples.slice(0, 2).map((e) => ({ observation: e.observation, mission: e.mission, reasoning: e.reasoning, action: e.ground_truth })),
    },
    usage: { by_role: byRole, total },
    timings: { optimize_s: 412.5, evaluate_s: 61.2, total_s: 480.1 },
    versions: { gridtune: "0.1.0", node: process.version },
  };
}

/** A stand-in for a loaded LLM agent in tests: the optimal expert, phrased like the agent. */
export function expertPlayAgent(): PlayAgent {
  const expert = new Expert();
  return {
    name: "expert (test agent)",
    async act(env) {
      const d = expert.act(env);
      const others = d.optimalActions.filter((a) => a !== d.action).map((a) => ACTION_PHRASES[a]);
      return {
        action: d.action,
        hint: ACTION_PHRASES[d.action],
        reasoning: `My subgoal is to ${d.subgoal || "finish"}. ${others.length ? `“${others.join("”, “")}” would be as good. ` : ""}The best next action is to ${ACTION_PHRASES[d.action]}.`,
      };
    },
  };
}
