/**
 * The run record (`_info.json`, format `gridtune-run/1`) of a run, from what its steps returned and how
 * it ended — also for a run that failed part-way (its missing parts are empty).
 */
import type { MinigridAgent } from "../../agent/minigrid-agent.js";
import type { EvaluationReport } from "../evaluate.js";
import type { DistillationSummary, EvaluatedExample, OptimizationSummary, RoleFailures, RoleUsage, RunInfo, RunStatus } from "../run-info.js";

/** What the steps of a run have produced so far. */
export interface RunParts {
  optimization?: OptimizationSummary;
  distillation?: DistillationSummary;
  /** The program to save (the distilled student). */
  program?: MinigridAgent;
  evaluation?: EvaluationReport;
}

/** The parts of a record known before any step runs, and the run's live tallies. */
export interface RecordContext {
  base: Pick<RunInfo, "format" | "config" | "dataset" | "environment">;
  createdAt: Date;
  /** The program the record describes when no step produced one (the unoptimized agent). */
  fallbackProgram: MinigridAgent;
  failures: RoleFailures[];
  usage: { by_role: Record<string, RoleUsage>; total: RoleUsage };
  timings: Record<string, number>;
  warnings: string[];
  versions: Record<string, string>;
}

function summaryOf(r: EvaluationReport) {
  const { per_category: _p, confusion: _c, examples: _e, ...s } = r;
  return s;
}

/**
 * The record for a run that ended `status` (with `message`), saved as `name`. A program that could not
 * be saved leaves a record only: such a run is not `completed`.
 */
export function runRecord(x: RecordContext, status: RunStatus, message: string, parts: RunParts, file: { name: string; programPath: string | null; programError: string | null }): RunInfo {
  const ev = parts.evaluation;
  const empty = { accuracy: 0, n: 0, exact: 0, optimal_alternatives: 0, ai_reasonable: 0, wrong: 0, errors: 0 };
  const prog = parts.program ?? x.fallbackProgram;
  const { programError } = file;
  return {
    ...x.base,
    model_name: file.name,
    created_at: x.createdAt.toISOString(),
    status: programError && status === "completed" ? "degraded" : status,
    outcome_message: programError ? `the model could not be saved (${programError}); only the run record was written${message ? `; ${message}` : ""}` : message,
    failures: x.failures,
    results: ev ? { ...summaryOf(ev), per_category: ev.per_category, confusion: ev.confusion } : { ...empty, per_category: {}, confusion: [] },
    examples: ev?.examples ?? ([] as EvaluatedExample[]),
    program: {
      path: file.programPath,
      saved: file.programPath !== null,
      error: programError,
      instructions: prog.act.predict.signature.instructions,
      demos: prog.act.predict.demos.map((d) => d.toDict()),
    },
    usage: x.usage,
    timings: x.timings,
    versions: x.versions,
    ...(parts.optimization ? { optimization: parts.optimization } : {}),
    ...(parts.distillation ? { distillation: parts.distillation } : {}),
    warnings: programError ? [...x.warnings, `the program could not be saved: ${programError}`] : x.warnings,
  };
}
