/**
 * Step 4: the distilled student on the held-out test split, judged by the run's metric (each evaluated
 * example carries its step's env, seed, episode, step and mission from the example's labels); the
 * examples that could not be scored counted by the ledger.
 */
import type { Example } from "../../dspy/index.js";
import type { MinigridAgent } from "../../agent/minigrid-agent.js";
import type { ProgressCallback } from "../../util/progress.js";
import { evaluateExamples, type EvaluationReport } from "../evaluate-examples.js";
import type { Judge } from "../metrics.js";
import type { FailureLedger } from "../outcome.js";

/** Evaluates `student` on `testset`. */
export async function evaluateStudent(
  student: MinigridAgent,
  data: { testset: Example[] },
  judge: Judge,
  ledger: FailureLedger,
  options: { concurrency: number; signal: AbortSignal; progress?: ProgressCallback },
): Promise<EvaluationReport> {
  const report = await evaluateExamples(student, data.testset, judge, { concurrency: options.concurrency, phase: "test", signal: options.signal, ...(options.progress ? { progress: options.progress } : {}) });
  ledger.recordEvaluation(student.act.predict.lm?.model ?? "(none)", report.examples);
  return report;
}
