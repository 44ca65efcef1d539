/**
 * Step 4: the distilled student on the held-out test split, judged by the run's metric; each example
 * annotated with the step it came from; the examples that could not be scored counted by the ledger.
 */
import type { Example } from "../../dspy/index.js";
import type { MinigridAgent } from "../../agent/minigrid-agent.js";
import type { ProgressCallback } from "../../util/progress.js";
import type { StepRecord } from "../data.js";
import { evaluateExamples, type EvaluationReport } from "../evaluate.js";
import type { Judge } from "../metrics.js";
import type { FailureLedger } from "../outcome.js";

/** Evaluates `student` on `testset` (index-aligned with `testSteps`). */
export async function evaluateStudent(
  student: MinigridAgent,
  data: { testset: Example[]; testSteps: StepRecord[] },
  judge: Judge,
  ledger: FailureLedger,
  options: { concurrency: number; signal: AbortSignal; progress?: ProgressCallback },
): Promise<EvaluationReport> {
  const report = await evaluateExamples(student, data.testset, judge, { concurrency: options.concurrency, phase: "test", signal: options.signal, ...(options.progress ? { progress: options.progress } : {}) });
  report.examples.forEach((e, i) => {
    const s = data.testSteps[i];
    if (s) Object.assign(e, { env_id: s.env_id, seed: s.seed, episode: s.episode, step: s.step, mission: s.mission });
  });
  ledger.recordEvaluation(student.act.predict.lm?.model ?? "(none)", report.examples);
  return report;
}
