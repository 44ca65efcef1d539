/**
 * `finetune(config)`: the fine-tuning pipeline (the original tool's dspy_agent_fine_tuning.py on
 * gridtune's layers), as step functions, each returning a typed summary (src/pipeline/steps/):
 *
 * 0. {@link loadData}: the dataset sampled per category and split by episode into train / val / test;
 * 1. {@link optimizePrompts}: the MinigridAgent optimized with MIPROv2, the teacher as task and prompt
 *    model (checkpointed; `resume` continues an interrupted run);
 * 2. {@link setUpStudent}: the optimized program with the student LM on its predictors;
 * 3. {@link distil}: the student's demos bootstrapped from the optimized teacher's traces (or, with
 *    `finetuneWeights` and a provider that can fine-tune, BootstrapFinetune);
 * 4. {@link evaluateStudent}: the student on the test split with the metric;
 * 5. {@link saveRun}: `<output-dir>/finetuned_<student>_<hint>_<encoding>_<YYYYMMDD_HHMMSS>.json` (DSPy
 *    state) and `…_info.json` (the run record), never replacing a file.
 *
 * The console story is a listener of the steps' events (src/pipeline/story.ts). How the run ends —
 * completed, degraded, failed or stopped — follows the one failure policy of src/pipeline/outcome.ts,
 * and the story's last line says which. Keys are checked and the output directory probed before any
 * LM call; bad input throws a UserError and writes nothing.
 */
import { existsSync } from "node:fs";
import { checkCredentials, LMRuntime, ManagedLM, publicLMConfig, roleSpec, type UsageSnapshot } from "../lm/index.js";
import { isStop } from "../dspy/optimizers/program-tools.js";
import type { ProgressCallback } from "../util/progress.js";
import { MinigridAgent } from "../agent/minigrid-agent.js";
import { preflightRoles } from "./preflight.js";
import { GEPA } from "../dspy/optimizers/gepa/index.js";
import { optimizeWithGepa, type GepaStepOptions } from "./optimize-gepa.js";
import { resolveConfig, type FinetuneConfig } from "./config.js";
import { Judge } from "./metrics.js";
import { describeError } from "../util/errors.js";
import { degradedMessage, failedMessage, FailureLedger, RunFailedError } from "./outcome.js";
import { mergeUsage, readLegUsage, removeLegUsage, startLegUsageWriter, type LegUsageWriter } from "./leg-usage.js";
import { usageRecord } from "./report.js";
import { resumeCommand } from "./resume-command.js";
import { checkOutputDir, checkpointPathFor, datasetStampOf, modelName, removeCheckpoint, runConfig, timestampOf, versions } from "./run-files.js";
import { RUN_FORMAT, type DistillationSummary, type OptimizationSummary, type RunInfo, type RunStatus } from "./run-info.js";
import { consoleStory, type FinetuneEvent, type FinetuneListener } from "./story.js";
import { loadData } from "./steps/data.js";
import { buildLMs, roleSpecs } from "./steps/lms.js";
import { makeOptimizer, optimizePrompts } from "./steps/optimize.js";
import { distil, setUpStudent } from "./steps/distil.js";
import { evaluateStudent } from "./steps/evaluate-student.js";
import { saveRun } from "./steps/save.js";
import { dryRun, type DryRunEstimate } from "./steps/dry-run.js";
import { runRecord, type RunParts } from "./steps/record.js";

export { checkOutputDir, checkpointPathFor, gridtuneVersion, modelName, timestampOf, versions } from "./run-files.js";
export type { DryRunEstimate } from "./steps/dry-run.js";

/** Cancellation, progress, the story's listeners and the clock for {@link finetune}. */
export interface FinetuneHooks {
  signal?: AbortSignal;
  /** Phases: bootstrap, propose, search, evaluate (MIPROv2's), distill, test. */
  progress?: ProgressCallback;
  /** The console story, one line at a time (default: console.log). */
  log?: (line: string) => void;
  /** Every event of the run, typed (the console story is one listener of them). */
  onEvent?: FinetuneListener;
  /** The clock for the run's timestamp (tests). */
  now?: () => Date;
  /** The command that continues this run, for the failure message (default: from the config). */
  resumeCommand?: string;
  /** The LM runtime of the run (servers, limits, usage meter); default a new one, disposed at the end. */
  runtime?: LMRuntime;
  /** Check every role's model before any work (default true; `--no-preflight` turns it off). */
  preflight?: boolean;
}

/**
 * What {@link finetune} returns: the run record (the data of `_info.json`; `status` completed or
 * degraded — a failed run throws {@link RunFailedError}), the paths written, and for a dry run the estimate.
 */
export type FinetuneResult = RunInfo & { files: { program: string | null; info: string | null }; estimate?: DryRunEstimate };

function secondsSince(t0: number): number {
  return Math.round((performance.now() - t0) / 10) / 100;
}

/** One optimizer log line, at most 400 characters (failed examples quote whole prompts). */
function clip(line: string): string {
  const flat = line.replace(/\s*\n\s*/g, " ⏎ ");
  return flat.length > 400 ? flat.slice(0, 399) + "…" : flat;
}

/** Step 1 with GEPA: its program and summary; any error of the search ends the run (as MIPROv2's do). */
async function gepaOrThrow(step: GepaStepOptions): Promise<{ program: MinigridAgent; summary: OptimizationSummary }> {
  const r = await optimizeWithGepa(step);
  if (r.fatal !== undefined) throw r.fatal;
  return { program: r.program, summary: r.summary };
}

/** Runs the pipeline; returns the run record (written to disk unless `dryRun`). */
export async function finetune(partial: Partial<FinetuneConfig>, hooks: FinetuneHooks = {}): Promise<FinetuneResult> {
  const story = consoleStory(hooks.log ?? ((line: string) => console.log(line)));
  const emit = (e: FinetuneEvent): void => {
    story(e);
    hooks.onEvent?.(e);
  };
  const line = (text: string): void => emit({ kind: "line", text });
  const c = resolveConfig(partial);
  const t0 = performance.now();
  const runtime = hooks.runtime ?? new LMRuntime({ log: (text) => line(`  ↻ ${text}`) });
  const latency0 = { ...runtime.latency };
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  const warn = (text: string): void => {
    warnings.push(text);
    emit({ kind: "warning", text });
  };

  // ---- checks before any work: models, keys, output directory ----
  const specs = roleSpecs(c);
  const lmConfig = runtime.config;
  checkCredentials([specs.teacher, specs.student, ...(specs.assessor ? [specs.assessor] : [])], lmConfig);
  if (!c.dryRun) checkOutputDir(c.outputDir);

  emit({
    kind: "header",
    datasetPath: c.datasetPath,
    teacher: `${c.teacherModel} (${specs.teacher.id})`,
    student: `${c.studentModel} (${specs.student.id})`,
    assessor: `${c.assessorModel} (${specs.assessor ? specs.assessor.id : `unused: metric ${c.metric}`})`,
    hint: c.hintType,
    encoding: c.encodingType,
    view: c.view,
    metric: c.metric,
    seed: c.seed,
  });

  let t = performance.now();
  const data = await loadData(c, emit);
  warnings.push(...data.warnings);
  timings["data_s"] = secondsSince(t);

  // ---- LMs, metric, optimizer ----
  const ledger = new FailureLedger(hooks.signal);
  const signal = ledger.signal;
  const usage = runtime.usage;
  const lms = buildLMs(c, specs, runtime, ledger);
  const judge = new Judge({ metric: c.metric, hint: c.hintType, ...(lms.assessor ? { assessor: lms.assessor } : {}), signal });
  if (lms.assessor) line(`🤖 AI Feedback Metric initialized with ${lms.assessor.model}`);
  const teacherAgent = new MinigridAgent({ hintType: c.hintType, encodingType: c.encodingType, view: c.view, ...(c.history ? { history: c.history } : {}) }, lms.teacher);
  const checkpointPath = checkpointPathFor(c, specs, datasetStampOf(c.datasetPath));
  const optimizer = makeOptimizer(c, lms, judge.metric, data.valset.length, checkpointPath, hooks.progress, (l) => line(`  ${clip(l)}`));
  // Step 1 with GEPA (--optimizer gepa): the grid's feedback, the reflection model as proposer, its own checkpoint.
  const gepaCheckpointPath = checkpointPath.replace(/miprov2-([0-9a-f]+)\.json$/, "gepa-$1.json");
  const gepaStep: GepaStepOptions | null =
    c.optimizer === "gepa"
      ? {
          agent: teacherAgent,
          trainset: data.trainset,
          valset: data.valset,
          judge,
          teacherLM: lms.teacher,
          reflectionLM: c.reflectionModel
            ? ledger.observe(runtime.lm(roleSpec(c.reflectionModel, "teacher", c.teacherGroq).id, { role: "proposer", concurrency: c.concurrency }), "proposer")
            : lms.proposer,
          auto: c.auto,
          seed: c.seed,
          concurrency: c.concurrency,
          ...(c.budget ? { budget: { ...(c.budget.calls !== undefined ? { maxCalls: c.budget.calls } : {}), ...(c.budget.costUsd !== undefined ? { maxCostUsd: c.budget.costUsd } : {}) } } : {}),
          checkpointPath: gepaCheckpointPath,
          resume: c.resume,
          stepOf: (e) => data.stepOf.get(e),
          signal,
          dryRun: c.dryRun,
          log: (l) => line(l),
        }
      : null;
  const stepCheckpoint = gepaStep ? gepaCheckpointPath : checkpointPath;
  const baseInfo = { format: RUN_FORMAT, config: runConfig(c, specs), dataset: data.record, environment: publicLMConfig(lmConfig) };
  const earlierLegs: UsageSnapshot[] = c.resume ? readLegUsage(stepCheckpoint) : [];
  const resumeCmd = hooks.resumeCommand ?? resumeCommand(c);
  const now = (hooks.now ?? (() => new Date()))();
  const baseName = modelName(c.studentModel, c.hintType, c.encodingType, timestampOf(now), c.name);

  /** The record of this run (all legs' usage) as it ends, for the name the save step picks. */
  const record = (status: RunStatus, message: string, parts: RunParts) =>
    (name: string, programPath: string | null, programError: string | null): RunInfo => {
      timings["total_s"] = secondsSince(t0);
      timings["lm_requests"] = runtime.latency.requests - latency0.requests;
      timings["lm_request_time_s"] = Math.round(runtime.latency.totalMs - latency0.totalMs) / 1000;
      const context = {
        base: baseInfo,
        createdAt: now,
        fallbackProgram: teacherAgent,
        failures: ledger.failures(),
        usage: usageRecord(mergeUsage([...earlierLegs, usage.snapshot()])),
        timings,
        warnings,
        versions: versions(),
      };
      return runRecord(context, status, message, parts, { name, programPath, programError });
    };

  const closingTables = (): void => {
    emit({ kind: "usage", snapshot: mergeUsage([...earlierLegs, usage.snapshot()]), legs: earlierLegs.length + 1 });
    const rows = ledger.failures().filter((r) => r.failed > 0);
    if (rows.length) emit({ kind: "failures", rows });
  };

  try {
    if (hooks.preflight !== false) {
      const roles = [
        { role: "teacher" as const, lm: lms.teacher },
        { role: "proposer" as const, lm: lms.proposer },
        { role: "student" as const, lm: lms.student },
        ...(lms.assessor ? [{ role: "assessor" as const, lm: lms.assessor }] : []),
        ...(gepaStep && gepaStep.reflectionLM instanceof ManagedLM && gepaStep.reflectionLM !== lms.proposer ? [{ role: "proposer" as const, lm: gepaStep.reflectionLM, flag: "--reflection-model" }] : []),
      ];
      const maxDemos = Math.min(Math.max(c.maxBootstrappedDemos, c.maxLabeledDemos), data.trainset.length);
      const shape = { signature: teacherAgent.act.predict.signature, examples: [...data.trainset, ...data.valset, ...data.testset], maxDemos };
      const checked = await preflightRoles(runtime, roles, shape, hooks.signal, !c.dryRun);
      line(`✅ Preflight: ${checked.checks.map((k) => `${k.roles.join("/")} ${k.model}${k.contextSize ? ` (context ${k.contextSize})` : ""}${k.method === "unchecked" ? " (no model list; not probed in a dry run)" : ""}`).join("; ")}`);
    }
    if (c.dryRun) {
      const gepaEst = gepaStep ? new GEPA({ metric: judge.feedbackMetric(), reflectionLM: gepaStep.reflectionLM, auto: c.auto, countFeedbackMetricCalls: true }).estimateCalls(teacherAgent, { trainset: data.trainset, valset: data.valset }) : undefined;
      const r = await dryRun(c, optimizer, teacherAgent, data, specs, line, gepaEst);
      emit({ kind: "outcome", status: "stopped", message: "dry run: no LM was called and nothing was written" });
      return { ...baseInfo, ...r.record, versions: versions(), files: { program: null, info: null }, estimate: r.estimate };
    }
    const parts: RunParts = {};
    let legWriter: LegUsageWriter | null = null;
    try {
      // ---- Step 1 ----
      t = performance.now();
      emit({ kind: "step", step: 1, title: `Optimizing prompts with teacher model (${specs.teacher.id})...` });
      line(`🔧 Running prompt optimization with ${gepaStep ? "GEPA" : "MIPROv2"}...`);
      if (c.resume) line(existsSync(stepCheckpoint) ? `↩️ Resuming from ${stepCheckpoint}` : `↩️ --resume: no checkpoint for these settings yet (${stepCheckpoint}); starting fresh`);
      else {
        removeLegUsage(stepCheckpoint);
        removeCheckpoint(stepCheckpoint);
      }
      // This leg's usage beside the checkpoint, so a resumed run counts it.
      legWriter = startLegUsageWriter(stepCheckpoint, earlierLegs, () => usage.snapshot());
      const optimized = gepaStep ? await gepaOrThrow(gepaStep) : await optimizePrompts(optimizer, teacherAgent, data, signal);
      parts.optimization = optimized.summary;
      emit({ kind: "optimized", summary: optimized.summary });
      timings["optimize_s"] = secondsSince(t);

      // ---- Step 2 ----
      emit({ kind: "step", step: 2, title: `Setting up student model (${specs.student.id})...` });
      const student = setUpStudent(optimized.program, lms.student);

      // ---- Step 3 ----
      t = performance.now();
      emit({ kind: "step", step: 3, title: "Fine-tuning student model..." });
      let distilled: { program: MinigridAgent; summary: DistillationSummary };
      try {
        distilled = await distil(student, optimized.program, {
          c,
          studentProvider: specs.student.provider,
          metric: judge.metric,
          teacherLM: lms.teacher,
          studentLM: lms.student,
          trainset: data.trainset,
          signal,
          ...(hooks.progress ? { progress: hooks.progress } : {}),
          log: (l) => line(clip(l)),
          warn,
          isStop: (e) => isStop(e, signal),
          runtime,
        });
      } catch (e) {
        if (isStop(e, signal)) throw e;
        // Too many failed teacher runs: the prompt-optimized student is still a result; the failures are counted.
        warn(`distillation failed (${(e as Error).message}); using the prompt-optimized student`);
        distilled = { program: student, summary: { method: "none", demos: student.act.predict.demos.length, finetuned_model: null, note: (e as Error).message } };
      }
      parts.distillation = distilled.summary;
      parts.program = distilled.program;
      emit({ kind: "distilled", summary: distilled.summary });
      timings["distill_s"] = secondsSince(t);

      // ---- Step 4 ----
      t = performance.now();
      emit({ kind: "step", step: 4, title: `Evaluating fine-tuned model on ${data.testset.length} held-out examples...` });
      parts.evaluation = await evaluateStudent(distilled.program, data, judge, ledger, { concurrency: c.concurrency, signal, ...(hooks.progress ? { progress: hooks.progress } : {}) });
      emit({ kind: "evaluated", report: parts.evaluation, hint: c.hintType });
      timings["evaluate_s"] = secondsSince(t);
    } catch (e) {
      const stop = ledger.fatal;
      // Stopped: the checkpoint stays, and so does this leg's usage, for the resumed run's totals.
      legWriter?.flush();
      legWriter?.stop();
      if (stop) {
        const message = failedMessage(stop, resumeCmd);
        let infoPath: string | null = null;
        try {
          infoPath = saveRun(c.outputDir, baseName, null, record("failed", message, parts)).info;
        } catch {
          /* the message says what happened; the record is a courtesy */
        }
        closingTables();
        emit({ kind: "outcome", status: "failed", message: message + (infoPath ? ` (run record: ${infoPath})` : "") });
        throw new RunFailedError(message, infoPath, ledger.failures());
      }
      if (hooks.signal?.aborted) {
        closingTables();
        emit({ kind: "outcome", status: "stopped", message: `interrupted; the optimization checkpoint is kept; continue with: ${resumeCmd}` });
        throw e;
      }
      emit({ kind: "outcome", status: "failed", message: describeError(e).message });
      throw e;
    }

    legWriter?.stop();
    // ---- Step 5 ----
    emit({ kind: "step", step: 5, title: "Saving fine-tuned model..." });
    const over = ledger.overLimit();
    const status: RunStatus = over.length ? "degraded" : "completed";
    const message = over.length ? degradedMessage(over) : "";
    const saved = saveRun(c.outputDir, baseName, parts.program!, record(status, message, parts));
    emit({ kind: "saved", program: saved.program, info: saved.info, error: saved.programError });
    closingTables();
    if (saved.program) {
      removeLegUsage(stepCheckpoint);
      removeCheckpoint(stepCheckpoint);
    } else legWriter?.flush();
    const info = saved.record;
    emit({ kind: "outcome", status: info.status, message: info.outcome_message || `model saved to ${saved.program}` });
    return { ...info, files: { program: saved.program, info: saved.info } };
  } finally {
    if (!hooks.runtime) await runtime.dispose();
  }
}
