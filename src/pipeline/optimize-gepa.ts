/**
 * Step 1 with GEPA (`gridtune finetune --optimizer gepa`): the teacher agent's instruction evolved by
 * reflection on the grid's feedback (./grid-feedback.ts), the reflection model reading it (default:
 * the teacher). Returns the optimized agent and the same kind of summary the MIPROv2 step gives, with
 * the candidates' lineage and the Pareto front for the run record and the dashboard.
 */
import type { Example } from "../dspy/index.js";
import { GEPA, type GEPADetailedResults } from "../dspy/optimizers/gepa/index.js";
import type { StepState } from "../encoding/index.js";
import type { LM } from "../lm/types.js";
import type { MinigridAgent } from "../agent/minigrid-agent.js";
import type { Judge } from "./metrics.js";
import type { GepaLineage, OptimizationSummary } from "./run-info.js";

/** What {@link optimizeWithGepa} needs. */
export interface GepaStepOptions {
  agent: MinigridAgent;
  trainset: readonly Example[];
  valset: readonly Example[];
  judge: Judge;
  /** The task model (the teacher). */
  teacherLM: LM;
  reflectionLM: LM;
  auto: "light" | "medium" | "heavy";
  seed: number;
  concurrency: number;
  budget?: { maxCalls?: number; maxCostUsd?: number };
  checkpointPath?: string;
  resume?: boolean;
  /** An example's step record (what is in front of the agent, for the feedback). */
  stepOf?: (example: Example) => StepState | undefined;
  signal?: AbortSignal;
  log: (line: string) => void;
  /** Whether to run only the dry-run estimate. */
  dryRun?: boolean;
}

/** The run record's view of a GEPA search. */
export function gepaLineage(d: GEPADetailedResults): GepaLineage {
  const front = new Set<number>();
  for (const ids of Object.values(d.perValInstanceBestCandidates)) for (const i of ids) front.add(i);
  return {
    candidates: d.candidates.map((instructions, idx) => ({
      idx,
      parents: (d.parents[idx] ?? []).filter((p): p is number => p !== null),
      val_score: d.valAggregateScores[idx]!,
      instructions,
      discovered_at_calls: d.discoveryEvalCounts[idx]!,
    })),
    pareto_front: [...front].sort((a, b) => a - b),
    best_idx: d.bestIdx,
    total_metric_calls: d.totalMetricCalls,
    feedback_metric_calls: d.feedbackMetricCalls,
  };
}

function gepaFor(o: GepaStepOptions): GEPA {
  return new GEPA({
    metric: o.judge.feedbackMetric(o.stepOf),
    reflectionLM: o.reflectionLM,
    auto: o.auto,
    seed: o.seed,
    numThreads: o.concurrency,
    // The grid's feedback is a metric call too: it counts against the metric-call budget.
    countFeedbackMetricCalls: true,
    ...(o.budget ? { budget: o.budget } : {}),
    ...(o.checkpointPath && !o.dryRun ? { checkpointPath: o.checkpointPath, resume: o.resume ?? false } : {}),
    log: (line) => o.log(`  ${line.length > 400 ? `${line.slice(0, 399)}…` : line}`),
  });
}

/** The dry-run estimate lines of a GEPA step. */
export function estimateGepaStep(o: GepaStepOptions): string {
  return gepaFor(o).estimateCalls(o.agent, { trainset: o.trainset, valset: o.valset }).text;
}

/** Runs GEPA on the teacher agent; a failure falls back to the base agent (as the MIPROv2 step does). */
export async function optimizeWithGepa(o: GepaStepOptions): Promise<{ program: MinigridAgent; summary: OptimizationSummary; fatal?: unknown }> {
  const gepa = gepaFor(o);
  o.log(gepa.estimateCalls(o.agent, { trainset: o.trainset, valset: o.valset }).text);
  try {
    const program = await gepa.compile(o.agent, { trainset: o.trainset, valset: o.valset, lm: o.teacherLM, callOptions: { role: "teacher" }, ...(o.signal ? { signal: o.signal } : {}) });
    const d = program.detailedResults;
    const pct = (x: number | undefined) => (x === undefined ? null : Math.round(x * 10000) / 100);
    const summary: OptimizationSummary = {
      optimizer: "GEPA",
      baseline_score: pct(d.valAggregateScores[0]),
      best_score: pct(d.valAggregateScores[d.bestIdx]),
      trials: d.events.filter((e) => e.type === "select" || e.type === "merge").length,
      resumed_trials: d.resumedIterations,
      stopped_by: d.stoppedBy,
      instruction_candidates: d.candidates.length,
      calls: d.spent.calls,
      cost_usd: d.spent.costUsd,
      error: null,
      gepa: gepaLineage(d),
    };
    o.log(`✅ GEPA completed: validation score ${summary.baseline_score} → ${summary.best_score} (${d.candidates.length} candidates, ${d.totalMetricCalls} metric calls)`);
    return { program, summary };
  } catch (e) {
    return {
      program: o.agent,
      fatal: e,
      summary: {
        optimizer: "none",
        baseline_score: null,
        best_score: null,
        trials: 0,
        resumed_trials: 0,
        stopped_by: "failed",
        instruction_candidates: 0,
        calls: 0,
        cost_usd: 0,
        error: (e as Error).message,
      },
    };
  }
}
