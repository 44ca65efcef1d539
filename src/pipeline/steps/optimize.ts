/**
 * Step 1: the MinigridAgent's prompt optimized with MIPROv2, the teacher as task model and the
 * proposer (the teacher's model) as prompt model; checkpointed after every trial, so `--resume`
 * continues an interrupted run. Any error of the optimizer — a fatal LM error, a checkpoint of other
 * settings, a misconfiguration — ends the run: it is never a warning in a completed run.
 */
import type { Example, Metric } from "../../dspy/index.js";
import { MIPROv2 } from "../../dspy/optimizers/miprov2.js";
import { MinigridAgent } from "../../agent/minigrid-agent.js";
import type { ProgressCallback } from "../../util/progress.js";
import type { FinetuneConfig } from "../config.js";
import type { OptimizationSummary } from "../run-info.js";
import type { RunLMs } from "./lms.js";

/** The optimizer of a run, as configured from its settings (also what the dry run asks for an estimate). */
export function makeOptimizer(c: FinetuneConfig, lms: RunLMs, metric: Metric, valsetSize: number, checkpointPath: string, progress: ProgressCallback | undefined, log: (line: string) => void): MIPROv2 {
  const explicitSizes = c.numTrials !== undefined || c.numCandidates !== undefined;
  return new MIPROv2({
    metric,
    promptModel: lms.proposer,
    taskModel: lms.teacher,
    teacherSettings: { lm: lms.teacher, role: "teacher" },
    auto: explicitSizes ? null : c.auto,
    ...(explicitSizes ? { numTrials: c.numTrials ?? 6, numCandidates: c.numCandidates ?? 3 } : {}),
    seed: c.seed,
    numThreads: c.concurrency,
    maxBootstrappedDemos: c.maxBootstrappedDemos,
    maxLabeledDemos: c.maxLabeledDemos,
    minibatchSize: Math.max(1, Math.min(c.minibatchSize, valsetSize)),
    ...(c.budget ? { budget: { ...(c.budget.calls !== undefined ? { maxCalls: c.budget.calls } : {}), ...(c.budget.costUsd !== undefined ? { maxCostUsd: c.budget.costUsd } : {}) } } : {}),
    ...(c.dryRun ? {} : { checkpointPath, resume: c.resume }),
    ...(progress ? { progress } : {}),
    log,
  });
}

/** Runs the optimizer on the teacher's agent; the optimized program and the record's summary. */
export async function optimizePrompts(
  optimizer: MIPROv2,
  teacherAgent: MinigridAgent,
  data: { trainset: Example[]; valset: Example[] },
  signal: AbortSignal,
): Promise<{ program: MinigridAgent; summary: OptimizationSummary }> {
  const { program, report } = await optimizer.compile(teacherAgent, { trainset: data.trainset, valset: data.valset, signal });
  return {
    program,
    summary: {
      optimizer: "MIPROv2",
      baseline_score: report.baselineScore ?? null,
      best_score: report.bestScore ?? null,
      trials: report.trials.length,
      resumed_trials: report.resumed?.trials ?? 0,
      stopped_by: report.stoppedBy,
      instruction_candidates: report.instructionCandidates[0]?.length ?? 0,
      calls: report.calls.calls,
      cost_usd: report.calls.costUsd,
      error: null,
    },
  };
}
