/** The dry run: counts the calls each role would make and a rough cost, calls no LM, writes nothing. */
import type { Example } from "../../dspy/index.js";
import { ChatAdapter } from "../../dspy/index.js";
import type { MIPROv2 } from "../../dspy/optimizers/miprov2.js";
import type { GEPACallEstimate } from "../../dspy/optimizers/gepa/index.js";
import { priceFor, DEFAULT_PRICES } from "../../lm/index.js";
import type { MinigridAgent } from "../../agent/minigrid-agent.js";
import type { FinetuneConfig } from "../config.js";
import type { RunInfo } from "../run-info.js";
import type { RoleSpecs } from "./lms.js";

/** What a dry run returns besides the (unsaved) record: the calls the run would make. */
export interface DryRunEstimate {
  by_role: Record<string, { calls: number; cost_usd: number }>;
  total_calls: number;
  total_cost_usd: number;
  text: string;
}

/** The estimate, and the (unsaved) record of a dry run, status `stopped`. */
export async function dryRun(
  c: FinetuneConfig,
  optimizer: MIPROv2,
  program: MinigridAgent,
  data: { trainset: Example[]; valset: Example[]; testset: Example[] },
  specs: RoleSpecs,
  log: (line: string) => void,
  /** With GEPA, step 1's runs and proposals are GEPA's estimate (the reflection model counted as proposer). */
  gepaEst?: GEPACallEstimate,
): Promise<{ estimate: DryRunEstimate; record: Omit<RunInfo, "format" | "config" | "dataset" | "environment" | "versions"> }> {
  const { trainset, valset, testset } = data;
  const mipro = await optimizer.estimateCalls(program, { trainset, valset });
  const est = gepaEst ? { programRuns: { total: gepaEst.programRuns }, lmCalls: { task: gepaEst.taskCalls, prompt: gepaEst.reflectionCalls }, text: gepaEst.text } : mipro;
  // Assessor calls: at most one per judged prediction that is neither exact nor optimal; assume half.
  const judged = est.programRuns.total;
  const assessorShare = c.metric === "ai-feedback" ? 0.5 : 0;
  const distillRuns = Math.min(trainset.length, Math.max(1, c.maxBootstrappedDemos) * 2);
  const calls: Record<string, number> = {
    teacher: est.lmCalls.task + distillRuns,
    proposer: est.lmCalls.prompt,
    student: testset.length,
    ...(c.metric === "ai-feedback" ? { assessor: Math.round((judged + distillRuns + testset.length) * assessorShare) } : {}),
  };
  // Tokens per call from a real prompt of this run.
  const msgs = new ChatAdapter().format(program.act.predict.signature, [], trainset[0]!.inputs().toDict());
  const promptTokens = Math.ceil(msgs.reduce((s, m) => s + m.content.length, 0) / 4);
  const completionTokens = 150;
  const modelOf: Record<string, string> = { teacher: specs.teacher.id, proposer: specs.teacher.id, student: specs.student.id, assessor: specs.assessor?.id ?? "" };
  const by_role: DryRunEstimate["by_role"] = {};
  let totalCost = 0;
  const rows: string[] = [];
  for (const [role, n] of Object.entries(calls)) {
    const price = priceFor(modelOf[role]!, DEFAULT_PRICES);
    const cost = price ? (n * (promptTokens * price.input + completionTokens * price.output)) / 1e6 : 0;
    by_role[role] = { calls: n, cost_usd: Math.round(cost * 1e4) / 1e4 };
    totalCost += cost;
    rows.push(`  ${role.padEnd(9)} ${modelOf[role]!.padEnd(44)} ${String(n).padStart(7)} calls  ~$${cost.toFixed(4)}${price ? "" : " (no price known)"}`);
  }
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const text = [
    "🧮 Dry run: no LM is called and nothing is written.",
    est.text,
    `Calls by role (about ${promptTokens} prompt tokens a call):`,
    ...rows,
    `  total     ${"".padEnd(44)} ${String(total).padStart(7)} calls  ~$${totalCost.toFixed(4)}`,
  ].join("\n");
  log("\n" + text);
  const estimate: DryRunEstimate = { by_role, total_calls: total, total_cost_usd: Math.round(totalCost * 1e4) / 1e4, text };
  const empty = { accuracy: 0, n: 0, exact: 0, optimal_alternatives: 0, ai_reasonable: 0, wrong: 0, errors: 0 };
  return {
    estimate,
    record: {
      model_name: "(dry run)",
      created_at: new Date().toISOString(),
      status: "stopped",
      outcome_message: "dry run: no LM was called and nothing was written",
      results: { ...empty, per_category: {}, confusion: [] },
      examples: [],
      program: { path: null, saved: false, error: null, instructions: program.act.predict.signature.instructions, demos: [] },
      usage: { by_role: {}, total: { calls: 0, cached_calls: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, models: [] } },
      timings: {},
    },
  };
}
