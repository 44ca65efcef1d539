/**
 * Steps 2 and 3: the student (the optimized program with the student LM on its predictors), then
 * distillation — the student's demos bootstrapped from the optimized teacher's traces, or, with
 * `finetuneWeights` and a provider that can fine-tune, BootstrapFinetune on those traces.
 */
import type { Example, Metric } from "../../dspy/index.js";
import { BootstrapFewShot, teacherAsIs } from "../../dspy/optimizers/bootstrap-few-shot.js";
import { BootstrapFinetune } from "../../dspy/optimizers/bootstrap-finetune.js";
import type { LMRuntime } from "../../lm/runtime.js";
import type { LM } from "../../lm/types.js";
import { MinigridAgent } from "../../agent/minigrid-agent.js";
import type { ProgressCallback } from "../../util/progress.js";
import type { FinetuneConfig } from "../config.js";
import type { DistillationSummary } from "../run-info.js";

/** Providers whose API can fine-tune a model's weights. */
const FINETUNE_PROVIDERS = new Set(["openai", "openai-compatible"]);

/** Step 2: a copy of the optimized program, uncompiled, with the student's LM. */
export function setUpStudent(optimized: MinigridAgent, studentLM: LM): MinigridAgent {
  const student = optimized.deepcopy();
  student.compiled = false;
  student.setLM(studentLM);
  return student;
}

/** What step 3 needs besides the programs. */
export interface DistilContext {
  c: FinetuneConfig;
  studentProvider: string;
  metric: Metric;
  teacherLM: LM;
  studentLM: LM;
  trainset: Example[];
  signal: AbortSignal;
  progress?: ProgressCallback;
  log: (line: string) => void;
  warn: (text: string) => void;
  /** Aborts or fatal stops: rethrown instead of falling back. */
  isStop: (e: unknown) => boolean;
  /** The run's LM runtime: fine-tuning jobs go through it (its GRIDTUNE_FINETUNE_POLL_MS). */
  runtime?: LMRuntime;
}

/** Step 3: the distilled student and the record's summary. A fallback (demos instead of weights) is a warning. */
export async function distil(student: MinigridAgent, teacher: MinigridAgent, x: DistilContext): Promise<{ program: MinigridAgent; summary: DistillationSummary }> {
  const summary: DistillationSummary = { method: "none", demos: 0, finetuned_model: null, note: null };
  let program: MinigridAgent | null = null;
  if (x.c.finetuneWeights) {
    if (!FINETUNE_PROVIDERS.has(x.studentProvider)) {
      summary.note = `the student's provider (${x.studentProvider}) cannot fine-tune weights; distilled demos instead`;
      x.warn(summary.note);
    } else {
      try {
        const opt = new BootstrapFinetune({
          metric: x.metric,
          numThreads: x.c.concurrency,
          mode: "api",
          ...(x.runtime ? { runtime: x.runtime } : {}),
          ...(x.progress ? { progress: x.progress } : {}),
          log: (l: string) => x.log(`  ${l}`),
        });
        const r = await opt.compile(student, { trainset: x.trainset, teacher, signal: x.signal });
        const model = r.program.act.predict.lm?.model ?? null;
        const job = r.report.jobs[0];
        x.log(`✅ Fine-tuned the student's weights on ${r.report.traces.kept} teacher traces${model ? `: ${model}` : ""}`);
        program = r.program;
        Object.assign(summary, { method: "bootstrap-finetune", finetuned_model: model, note: job ? `job ${job.jobId} (${job.records} records, ${job.dataPath})` : null });
      } catch (e) {
        if (x.isStop(e)) throw e;
        summary.note = `weight fine-tuning failed: ${(e as Error).message}`;
        x.warn(`${summary.note}; distilling demos instead`);
      }
    }
  }
  if (!program) {
    const bfs = new BootstrapFewShot({
      metric: x.metric,
      maxBootstrappedDemos: x.c.maxBootstrappedDemos,
      maxLabeledDemos: Math.max(x.c.maxLabeledDemos, x.c.maxBootstrappedDemos),
      teacherSettings: { lm: x.teacherLM, role: "teacher" },
      ...(x.progress ? { progress: (e) => x.progress!({ ...e, phase: "distill" }) } : {}),
      log: (line) => x.log(`  ${line}`),
    });
    // MIPROv2's demos stay: the optimized teacher is used as it is (DSPy's teacher copy keeps them).
    program = await bfs.compile(student, { trainset: x.trainset, teacher: teacherAsIs(teacher), signal: x.signal });
    program.setLM(x.studentLM);
    summary.method = "bootstrap-few-shot";
  }
  summary.demos = program.act.predict.demos.length;
  return { program, summary };
}
