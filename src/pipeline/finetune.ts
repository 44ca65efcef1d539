/**
 * `finetune(config)`: the fine-tuning pipeline (the original tool's dspy_agent_fine_tuning.py on
 * gridtune's layers), with the same console story:
 *
 * 0. the header (dataset, models, hint, encoding); the dataset loaded (`Loaded N demonstrations`,
 *    `Available categories`, per-category sampling) and split by episode into train / val / test;
 * 1. the MinigridAgent optimized with MIPROv2, the teacher as task and prompt model (checkpointed;
 *    `resume` continues an interrupted run);
 * 2. the student: the optimized program with the student LM on its predictors;
 * 3. distillation: the student's demos bootstrapped from the optimized teacher's traces (or, with
 *    `finetuneWeights` and a provider that can fine-tune, BootstrapFinetune);
 * 4. evaluation of the student on the test split with the metric;
 * 5. `<output-dir>/finetuned_<student>_<hint>_<encoding>_<YYYYMMDD_HHMMSS>.json` (DSPy state) and
 *    `…_info.json` (the run record), written atomically; if the program cannot be saved the record
 *    still is, and says so.
 *
 * Keys are checked and the output directory probed before any LM call; bad input throws a UserError
 * and writes nothing.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Example } from "../dspy/index.js";
import { ChatAdapter, DEPENDENCY_VERSIONS } from "../dspy/index.js";
import { MIPROv2, type MIPROv2Report } from "../dspy/optimizers/miprov2.js";
import { type GepaStepOptions, optimizeWithGepa } from "./optimize-gepa.js";
import type { GEPACallEstimate } from "../dspy/optimizers/gepa/index.js";
import { GEPA } from "../dspy/optimizers/gepa/index.js";
import { BootstrapFewShot, teacherAsIs } from "../dspy/optimizers/bootstrap-few-shot.js";
import { BootstrapFinetune } from "../dspy/optimizers/bootstrap-finetune.js";
import { checkCredentials, LMRuntime, ManagedLM, publicLMConfig, priceFor, roleSpec, DEFAULT_PRICES, type ModelSpec } from "../lm/index.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { UserError } from "../util/errors.js";
import type { ProgressCallback } from "../util/progress.js";
import { MinigridAgent } from "../agent/minigrid-agent.js";
import { preflightRoles } from "./preflight.js";
import { resolveConfig, type FinetuneConfig } from "./config.js";
import { sampleDataset, splitByEpisode, toExample, type StepRecord } from "./data.js";
import { previousSteps } from "./history-data.js";
import { Judge } from "./metrics.js";
import { evaluateExamples, isFatalLMError, type EvaluationReport } from "./evaluate.js";
import { evaluationLines, usageRecord, usageTable } from "./report.js";
import type { DistillationSummary, OptimizationSummary, RunConfig, RunInfo } from "./run-info.js";

/** Cancellation, progress, log lines and the clock for {@link finetune}. */
export interface FinetuneHooks {
  signal?: AbortSignal;
  /** Phases: bootstrap, propose, search, evaluate (MIPROv2's), distill, test. */
  progress?: ProgressCallback;
  /** The console story, one line at a time (default: console.log). */
  log?: (line: string) => void;
  /** The clock for the run's timestamp (tests). */
  now?: () => Date;
  /** The LM runtime of the run (servers, limits, usage meter); default a new one, disposed at the end. */
  runtime?: LMRuntime;
  /** Check every role's model before any work (default true; `--no-preflight` turns it off). */
  preflight?: boolean;
}

/** What a dry run returns besides the (unsaved) record: the calls the run would make. */
export interface DryRunEstimate {
  by_role: Record<string, { calls: number; cost_usd: number }>;
  total_calls: number;
  total_cost_usd: number;
  text: string;
}

/**
 * What {@link finetune} returns: the run record (the data of `_info.json`), the paths written, and for a
 * dry run the estimate.
 */
export type FinetuneResult = RunInfo & { files: { program: string | null; info: string | null }; estimate?: DryRunEstimate };

const FINETUNE_PROVIDERS = new Set(["openai", "openai-compatible"]);

/** gridtune's version from package.json. */
export function gridtuneVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
        if (pkg.name === "gridtune") return pkg.version ?? "0.0.0";
      } catch {
        /* keep looking */
      }
    }
    dir = dirname(dir);
  }
  return "0.0.0";
}

/** `20250623_211605`. */
export function timestampOf(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** The original's model name: `finetuned_<student>_<hint>_<encoding>_<timestamp>`, with `:`, `-`, `/` made `_`. */
export function modelName(studentModel: string, hint: string, encoding: string, ts: string): string {
  let s = studentModel;
  if (/^llamacpp\//.test(s)) s = "llamacpp_" + basename(s.replace(/^llamacpp\/(hf:)?/, "")).replace(/\.gguf$/i, "");
  s = s.replace(/[:\-/\\\s.]+/g, "_").replace(/^_+|_+$/g, "");
  return `finetuned_${s}_${hint}_${encoding}_${ts}`;
}

/** Checks that `dir` exists and is writable, or can be created; never creates it. */
export function checkOutputDir(dir: string): void {
  const abs = resolve(dir);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new UserError(`--output-dir ${dir}: exists and is not a directory`);
    probeWritable(abs, (why) => `--output-dir ${dir}: not writable (${why}); check its permissions, or pick another directory`);
    return;
  }
  let parent = dirname(abs);
  while (!existsSync(parent)) {
    const up = dirname(parent);
    if (up === parent) break;
    parent = up;
  }
  if (!statSync(parent).isDirectory()) throw new UserError(`--output-dir ${dir}: cannot be created (${parent} is not a directory)`);
  probeWritable(parent, (why) => `--output-dir ${dir}: cannot be created (${parent}: ${why})`);
}

/**
 * Creates and removes a file in `dir`: the permission bits alone do not say (root passes every
 * access check, yet /proc or a read-only mount refuse new files).
 */
function probeWritable(dir: string, message: (why: string) => string): void {
  const probe = join(dir, `.gridtune-write-check-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, "wx"));
    rmSync(probe, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const why = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EROFS" ? "read-only file system" : code === "ENOENT" ? "files cannot be created there" : (e as Error).message;
    throw new UserError(message(why));
  }
}

function roleConfig(c: FinetuneConfig): { teacher: ModelSpec; student: ModelSpec; assessor: ModelSpec | null } {
  return {
    teacher: roleSpec(c.teacherModel, "teacher", c.teacherGroq),
    student: roleSpec(c.studentModel, "student", c.studentGroq, c.studentBaseUrl),
    assessor: c.metric === "ai-feedback" ? roleSpec(c.assessorModel, "assessor", c.assessorGroq) : null,
  };
}

function runConfig(c: FinetuneConfig, specs: ReturnType<typeof roleConfig>): RunConfig {
  return {
    dataset_path: c.datasetPath,
    teacher_model: specs.teacher.id,
    student_model: specs.student.id,
    assessor_model: specs.assessor?.id ?? roleSpec(c.assessorModel, "assessor", c.assessorGroq).id,
    teacher_groq: specs.teacher.provider === "groq",
    student_groq: specs.student.provider === "groq",
    assessor_groq: (specs.assessor ?? roleSpec(c.assessorModel, "assessor", c.assessorGroq)).provider === "groq",
    hint_type: c.hintType,
    encoding_type: c.encodingType,
    view: c.view,
    ...(c.history ? { history: c.history } : {}),
    samples_per_category: c.samplesPerCategory,
    max_bootstrapped_demos: c.maxBootstrappedDemos,
    max_labeled_demos: c.maxLabeledDemos,
    minibatch_size: c.minibatchSize,
    auto: c.auto,
    metric: c.metric,
    seed: c.seed,
    concurrency: c.concurrency,
    budget: c.budget ? { ...(c.budget.calls !== undefined ? { calls: c.budget.calls } : {}), ...(c.budget.costUsd !== undefined ? { cost_usd: c.budget.costUsd } : {}) } : null,
    finetune_weights: c.finetuneWeights,
  };
}

/** Where an interrupted run's optimization state lives: one file per configuration and dataset. */
export function checkpointPathFor(c: FinetuneConfig, specs: ReturnType<typeof roleConfig>, datasetStamp: string): string {
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        resolve(c.datasetPath),
        datasetStamp,
        specs.teacher.id,
        specs.student.id,
        specs.assessor?.id ?? null,
        c.hintType,
        c.encodingType,
        c.view,
        ...(c.history ? [`history=${c.history}`] : []),
        c.samplesPerCategory,
        c.maxBootstrappedDemos,
        c.maxLabeledDemos,
        c.minibatchSize,
        c.auto,
        c.seed,
        c.metric,
        c.numTrials ?? null,
        c.numCandidates ?? null,
      ]),
    )
    .digest("hex")
    .slice(0, 16);
  return join(resolve(c.outputDir), ".checkpoints", `miprov2-${key}.json`);
}

function datasetStampOf(path: string): string {
  try {
    const s = statSync(join(path, "steps.jsonl"));
    return `${s.size}:${Math.floor(s.mtimeMs)}`;
  } catch {
    return "";
  }
}

function secondsSince(t0: number): number {
  return Math.round((performance.now() - t0) / 10) / 100;
}

/** Runs the pipeline; returns the run record (written to disk unless `dryRun`). */
export async function finetune(partial: Partial<FinetuneConfig>, hooks: FinetuneHooks = {}): Promise<FinetuneResult> {
  const log = hooks.log ?? ((line: string) => console.log(line));
  const signal = hooks.signal;
  const c = resolveConfig(partial);
  const t0 = performance.now();
  const runtime = hooks.runtime ?? new LMRuntime({ log: (line) => log(`  ↻ ${line}`) });
  const latency0 = { ...runtime.latency };
  const timings: Record<string, number> = {};
  const warnings: string[] = [];

  // ---- checks before any work: models, keys, output directory ----
  const specs = roleConfig(c);
  const lmConfig = runtime.config;
  checkCredentials([specs.teacher, specs.student, ...(specs.assessor ? [specs.assessor] : [])], lmConfig);
  if (!c.dryRun) checkOutputDir(c.outputDir);

  log("🎯 Starting DSPy Agent Fine-tuning Pipeline");
  log("=".repeat(60));
  log(`📁 Dataset: ${c.datasetPath}`);
  log(`🧠 Teacher Model: ${c.teacherModel} (${specs.teacher.id})`);
  log(`🎓 Student Model: ${c.studentModel} (${specs.student.id})`);
  log(`📊 Assessor Model: ${c.assessorModel} (${specs.assessor ? specs.assessor.id : `unused: metric ${c.metric}`})`);
  log(`🎯 Hint Type: ${c.hintType} | 📝 Encoding: ${c.encodingType} (${c.view} view) | 📏 Metric: ${c.metric} | 🎲 Seed: ${c.seed}`);
  log("=".repeat(60));

  // ---- data ----
  let t = performance.now();
  log("\n📊 Loading and preparing dataset...");
  const ds = await sampleDataset(c.datasetPath, c.hintType, c.samplesPerCategory, c.seed, log);
  const sample = ds;
  log(`✅ Sampled ${ds.steps.length} balanced samples`);
  const byId = new Map<Example, StepRecord>();
  const splits = splitByEpisode(ds.steps, c.seed);
  // An agent with memory learns from each step with the steps before it in its episode.
  const history = c.history ?? 0;
  const pastOf = new Map<StepRecord, StepRecord[]>();
  if (history > 0) {
    const past = await previousSteps(c.datasetPath, ds.steps, history);
    ds.steps.forEach((s, i) => pastOf.set(s, past[i]!));
  }
  const toEx = async (list: StepRecord[]) =>
    Promise.all(
      list.map(async (s) => {
        const e = await toExample(s, c.hintType, c.encodingType, c.view, history > 0 ? pastOf.get(s) : undefined);
        byId.set(e, s);
        return e;
      }),
    );
  const trainset = await toEx(splits.train);
  const valset = await toEx(splits.val);
  let testset = await toEx(splits.test);
  log(`✅ Created ${trainset.length + valset.length + testset.length} training examples (${c.encodingType} encoding)`);
  if (splits.by === "step") {
    const w = `only ${new Set(ds.steps.map((x) => `${x.env_id}|${x.seed}|${x.episode}`)).size} episode(s) in the sample: split by step, so the splits share episodes`;
    warnings.push(w);
    log(`⚠️ ${w}`);
  }
  if (trainset.length === 0 || valset.length === 0 || testset.length === 0) {
    throw new UserError(`the sample is too small to split (train ${trainset.length}, val ${valset.length}, test ${testset.length}); raise --samples-per-category or collect more episodes`);
  }
  if (c.maxEval !== undefined && testset.length > c.maxEval) testset = testset.slice(0, c.maxEval);
  log(`Training set: ${trainset.length} examples`);
  log(`Validation set: ${valset.length} examples`);
  log(`Test set: ${testset.length} examples (held out by episode)`);
  timings["data_s"] = secondsSince(t);

  // ---- LMs, metric, optimizer ----
  const usage = runtime.usage;
  const common = { concurrency: c.concurrency };
  const teacherLM = runtime.lm(specs.teacher.id, { role: "teacher", ...common });
  const proposerLM = runtime.lm(specs.teacher.id, { role: "proposer", ...common });
  const studentLM = runtime.lm(specs.student.id, { role: "student", ...common, ...(specs.student.baseUrl ? { baseUrl: specs.student.baseUrl } : {}) });
  const assessorLM = specs.assessor ? runtime.lm(specs.assessor.id, { role: "assessor", ...common }) : undefined;
  const judge = new Judge({ metric: c.metric, hint: c.hintType, ...(assessorLM ? { assessor: assessorLM } : {}), ...(signal ? { signal } : {}) });
  if (assessorLM) log(`🤖 AI Feedback Metric initialized with ${assessorLM.model}`);

  const teacherAgent = new MinigridAgent({ hintType: c.hintType, encodingType: c.encodingType, view: c.view, ...(c.history ? { history: c.history } : {}) }, teacherLM);
  const explicitSizes = c.numTrials !== undefined || c.numCandidates !== undefined;
  const checkpointPath = checkpointPathFor(c, specs, datasetStampOf(c.datasetPath));
  const optimizer = new MIPROv2({
    metric: judge.metric,
    promptModel: proposerLM,
    taskModel: teacherLM,
    teacherSettings: { lm: teacherLM, role: "teacher" },
    auto: explicitSizes ? null : c.auto,
    ...(explicitSizes ? { numTrials: c.numTrials ?? 6, numCandidates: c.numCandidates ?? 3 } : {}),
    seed: c.seed,
    numThreads: c.concurrency,
    maxBootstrappedDemos: c.maxBootstrappedDemos,
    maxLabeledDemos: c.maxLabeledDemos,
    minibatchSize: Math.max(1, Math.min(c.minibatchSize, valset.length)),
    ...(c.budget ? { budget: { ...(c.budget.calls !== undefined ? { maxCalls: c.budget.calls } : {}), ...(c.budget.costUsd !== undefined ? { maxCostUsd: c.budget.costUsd } : {}) } } : {}),
    ...(c.dryRun ? {} : { checkpointPath, resume: c.resume }),
    ...(hooks.progress ? { progress: hooks.progress } : {}),
    log: (line) => log(`  ${clip(line)}`),
  });

  const gepaCheckpointPath = checkpointPath.replace(/miprov2-([0-9a-f]+)\.json$/, "gepa-$1.json");
  const gepaStep: GepaStepOptions | null =
    c.optimizer === "gepa"
      ? {
          agent: teacherAgent,
          trainset,
          valset,
          judge,
          teacherLM,
          reflectionLM: c.reflectionModel ? runtime.lm(roleSpec(c.reflectionModel, "teacher", c.teacherGroq).id, { role: "proposer", ...common }) : proposerLM,
          auto: c.auto,
          seed: c.seed,
          concurrency: c.concurrency,
          ...(c.budget ? { budget: { ...(c.budget.calls !== undefined ? { maxCalls: c.budget.calls } : {}), ...(c.budget.costUsd !== undefined ? { maxCostUsd: c.budget.costUsd } : {}) } } : {}),
          checkpointPath: gepaCheckpointPath,
          resume: c.resume,
          stepOf: (e) => byId.get(e),
          ...(signal ? { signal } : {}),
          dryRun: c.dryRun,
          log: (line) => log(line),
        }
      : null;
  const stepCheckpoint = gepaStep ? gepaCheckpointPath : checkpointPath;

  const specsForInfo = runConfig(c, specs);
  const baseInfo = {
    format: "gridtune-run/1" as const,
    config: specsForInfo,
    dataset: {
      path: c.datasetPath,
      total_steps: ds.totalSteps,
      categories: sample.available,
      sampled: sample.sampled,
      splits: { train: trainset.length, val: valset.length, test: testset.length },
    },
    environment: publicLMConfig(lmConfig),
  };

  try {
    if (hooks.preflight !== false) {
      const roles = [
        { role: "teacher" as const, lm: teacherLM },
        { role: "proposer" as const, lm: proposerLM },
        { role: "student" as const, lm: studentLM },
        ...(assessorLM ? [{ role: "assessor" as const, lm: assessorLM }] : []),
        ...(gepaStep && gepaStep.reflectionLM instanceof ManagedLM && gepaStep.reflectionLM !== proposerLM ? [{ role: "proposer" as const, lm: gepaStep.reflectionLM, flag: "--reflection-model" }] : []),
      ];
      const maxDemos = Math.min(Math.max(c.maxBootstrappedDemos, c.maxLabeledDemos), trainset.length);
      const shape = { signature: teacherAgent.act.predict.signature, examples: [...trainset, ...valset, ...testset], maxDemos };
      const checked = await preflightRoles(runtime, roles, shape, signal, !c.dryRun);
      log(`✅ Preflight: ${checked.checks.map((k) => `${k.roles.join("/")} ${k.model}${k.contextSize ? ` (context ${k.contextSize})` : ""}${k.method === "unchecked" ? " (no model list; not probed in a dry run)" : ""}`).join("; ")}`);
    }
    if (c.dryRun) {
      const gepaEst = gepaStep ? new GEPA({ metric: judge.feedbackMetric(), reflectionLM: gepaStep.reflectionLM, auto: c.auto, countFeedbackMetricCalls: true }).estimateCalls(teacherAgent, { trainset, valset }) : undefined;
      return dryRun(c, optimizer, teacherAgent, trainset, valset, testset, specs, baseInfo, log, hooks, gepaEst);
    }

    // ---- Step 1 ----
    t = performance.now();
    log(`\n🧠 Step 1: Optimizing prompts with teacher model (${specs.teacher.id})...`);
    log(`🔧 Running prompt optimization with ${gepaStep ? "GEPA" : "MIPROv2"}...`);
    if (c.resume) log(existsSync(stepCheckpoint) ? `↩️ Resuming from ${stepCheckpoint}` : `↩️ --resume: no checkpoint for these settings yet (${stepCheckpoint}); starting fresh`);
    else removeCheckpoint(stepCheckpoint);
    let optimized: MinigridAgent = teacherAgent;
    let report: MIPROv2Report | null = null;
    let optError: string | null = null;
    let gepaSummary: OptimizationSummary | null = null;
    if (gepaStep) {
      const r = await optimizeWithGepa(gepaStep);
      if (r.fatal !== undefined) {
        const e = r.fatal;
        if (signal?.aborted || isFatalLMError(e) || e instanceof UserError || (e as Error).name === "GEPACheckpointMismatchError") throw e;
        const w = `prompt optimization failed (${(e as Error).message}); using the base teacher program`;
        warnings.push(w);
        log(`⚠️ Warning: ${w}`);
      }
      optimized = r.program;
      gepaSummary = r.summary;
    } else try {
      const r = await optimizer.compile(teacherAgent, { trainset, valset, ...(signal ? { signal } : {}) });
      optimized = r.program;
      report = r.report;
      const resumed = report.resumed ? ` (resumed after ${report.resumed.trials} finished trials)` : "";
      log(`✅ Prompt optimization completed successfully${resumed}: validation score ${fmtScore(report.baselineScore)} → ${fmtScore(report.bestScore)}${report.stoppedBy === "budget" ? " (stopped by the budget)" : ""}`);
    } catch (e) {
      if (signal?.aborted || isFatalLMError(e) || e instanceof UserError || (e as Error).name === "CheckpointMismatchError") throw e;
      optError = (e as Error).message;
      const w = `prompt optimization failed (${optError}); using the base teacher program`;
      warnings.push(w);
      log(`⚠️ Warning: ${w}`);
    }
    timings["optimize_s"] = secondsSince(t);
    const optimization: OptimizationSummary = gepaSummary ?? {
      optimizer: report ? "MIPROv2" : "none",
      baseline_score: report?.baselineScore ?? null,
      best_score: report?.bestScore ?? null,
      trials: report?.trials.length ?? 0,
      resumed_trials: report?.resumed?.trials ?? 0,
      stopped_by: report ? report.stoppedBy : "failed",
      instruction_candidates: report?.instructionCandidates[0]?.length ?? 0,
      calls: report?.calls.calls ?? 0,
      cost_usd: report?.calls.costUsd ?? 0,
      error: optError,
    };

    // ---- Step 2 ----
    log(`\n🎓 Step 2: Setting up student model (${specs.student.id})...`);
    const studentAgent = optimized.deepcopy();
    studentAgent.compiled = false;
    studentAgent.setLM(studentLM);

    // ---- Step 3 ----
    t = performance.now();
    log("\n🔥 Step 3: Fine-tuning student model...");
    let finetuned: MinigridAgent = studentAgent;
    const distillation: DistillationSummary = { method: "none", demos: 0, finetuned_model: null, note: null };
    let weightsDone = false;
    if (c.finetuneWeights) {
      if (!FINETUNE_PROVIDERS.has(specs.student.provider)) {
        distillation.note = `the student's provider (${specs.student.provider}) cannot fine-tune weights; distilled demos instead`;
        log(`⚠️ ${distillation.note}`);
        warnings.push(distillation.note);
      } else {
        const ft = await tryBootstrapFinetune(studentAgent, optimized, trainset, judge, c, hooks, log, runtime);
        if (ft.program) {
          finetuned = ft.program;
          weightsDone = true;
          Object.assign(distillation, { method: "bootstrap-finetune", finetuned_model: ft.model, note: ft.note });
        } else {
          distillation.note = ft.note;
          warnings.push(ft.note ?? "fine-tuning failed");
          log(`⚠️ ${ft.note}; distilling demos instead`);
        }
      }
    }
    if (!weightsDone) {
      try {
        const bfs = new BootstrapFewShot({
          metric: judge.metric,
          maxBootstrappedDemos: c.maxBootstrappedDemos,
          maxLabeledDemos: Math.max(c.maxLabeledDemos, c.maxBootstrappedDemos),
          teacherSettings: { lm: teacherLM, role: "teacher" },
          ...(hooks.progress ? { progress: (e) => hooks.progress!({ ...e, phase: "distill" }) } : {}),
          log: (line) => log(`  ${clip(line)}`),
        });
        finetuned = await bfs.compile(studentAgent, { trainset, teacher: teacherAsIs(optimized), ...(signal ? { signal } : {}) });
        finetuned.setLM(studentLM);
        distillation.method = "bootstrap-few-shot";
        log("✅ Fine-tuning completed successfully (student demos bootstrapped from the optimized teacher's traces)");
      } catch (e) {
        if (signal?.aborted || isFatalLMError(e)) throw e;
        const w = `fine-tuning failed (${(e as Error).message}); using the prompt-optimized student`;
        warnings.push(w);
        log(`❌ ${w}`);
        finetuned = studentAgent;
      }
    }
    distillation.demos = finetuned.act.predict.demos.length;
    timings["distill_s"] = secondsSince(t);

    // ---- Step 4 ----
    t = performance.now();
    log(`\n📊 Step 4: Evaluating fine-tuned model on ${testset.length} held-out examples...`);
    const evaluation = await evaluateExamples(finetuned, testset, judge, {
      concurrency: c.concurrency,
      phase: "test",
      ...(hooks.progress ? { progress: hooks.progress } : {}),
      ...(signal ? { signal } : {}),
    });
    for (const e of evaluation.examples) {
      const ex = testset.find((x) => String(x.get("id")) === e.id);
      const s = ex ? byId.get(ex) : undefined;
      if (s) Object.assign(e, { env_id: s.env_id, seed: s.seed, episode: s.episode, step: s.step, mission: s.mission });
    }
    for (const line of evaluationLines(evaluation, c.hintType)) log(line);
    timings["evaluate_s"] = secondsSince(t);

    // ---- Step 5 ----
    log("\n💾 Step 5: Saving fine-tuned model...");
    const now = (hooks.now ?? (() => new Date()))();
    const name = modelName(c.studentModel, c.hintType, c.encodingType, timestampOf(now));
    const out = resolve(c.outputDir);
    const programPath = join(out, `${name}.json`);
    const infoPath = join(out, `${name}_info.json`);
    finetuned.meta = { student_model: specs.student.id, teacher_model: specs.teacher.id, model_name: name };
    let saved = false;
    let saveError: string | null = null;
    try {
      mkdirSync(out, { recursive: true });
      finetuned.save(programPath);
      saved = true;
      log(`✅ Fine-tuned model saved to: ${programPath}`);
    } catch (e) {
      saveError = (e as Error).message;
      log(`❌ Failed to save model: ${saveError}`);
    }
    timings["total_s"] = secondsSince(t0);
    timings["lm_requests"] = runtime.latency.requests - latency0.requests;
    timings["lm_request_time_s"] = Math.round(runtime.latency.totalMs - latency0.totalMs) / 1000;
    const info: RunInfo = {
      ...baseInfo,
      model_name: name,
      created_at: now.toISOString(),
      status: "completed",
      results: { ...summaryOf(evaluation), per_category: evaluation.per_category, confusion: evaluation.confusion },
      examples: evaluation.examples,
      program: {
        path: saved ? programPath : null,
        saved,
        error: saveError,
        instructions: finetuned.act.predict.signature.instructions,
        demos: finetuned.act.predict.demos.map((d) => d.toDict()),
      },
      usage: usageRecord(usage.snapshot()),
      timings,
      versions: versions(),
      optimization,
      distillation,
      warnings: saveError ? [...warnings, `the program could not be saved: ${saveError}`] : warnings,
    };
    let infoWritten: string | null = null;
    try {
      writeJsonAtomic(infoPath, info);
      infoWritten = infoPath;
      log(saved ? `📊 Training info saved to: ${infoPath}` : `⚠️ Saved metadata only to: ${infoPath}`);
    } catch (e) {
      log(`❌ Failed to save training info: ${(e as Error).message}`);
      if (!saved) throw new UserError(`nothing could be saved in ${c.outputDir}: ${(e as Error).message}`, 1);
    }
    log("\n💰 LM usage:");
    log(usageTable(usage.snapshot()));
    log(`\n✅ DSPy Agent Fine-tuning Pipeline Completed!`);
    log(`📁 Model saved in: ${c.outputDir}`);
    if (saved) removeCheckpoint(stepCheckpoint);
    return { ...info, files: { program: saved ? programPath : null, info: infoWritten } };
  } finally {
    if (!hooks.runtime) await runtime.dispose();
  }
}

/** Deletes a checkpoint, the temp files a killed write left beside it, and the folder when empty. */
function removeCheckpoint(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) return;
  rmSync(path, { force: true });
  const stem = "." + basename(path) + ".";
  for (const f of readdirSync(dir)) if (f.startsWith(stem) && f.endsWith(".tmp")) rmSync(join(dir, f), { force: true });
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    /* another run's checkpoint is there */
  }
}

/** One optimizer log line, at most 400 characters (failed examples quote whole prompts). */
function clip(line: string): string {
  const flat = line.replace(/\s*\n\s*/g, " ⏎ ");
  return flat.length > 400 ? flat.slice(0, 399) + "…" : flat;
}

function fmtScore(s: number | null): string {
  return s === null ? "n/a" : `${s.toFixed(1)}%`;
}

function summaryOf(r: EvaluationReport) {
  const { per_category: _p, confusion: _c, examples: _e, ...s } = r;
  return s;
}

export function versions(): Record<string, string> {
  let llama = "";
  try {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6 && !llama; i++) {
      const p = join(dir, "node_modules", "node-llama-cpp", "package.json");
      if (existsSync(p)) llama = (JSON.parse(readFileSync(p, "utf8")) as { version: string }).version;
      dir = dirname(dir);
    }
  } catch {
    /* optional */
  }
  return {
    gridtune: gridtuneVersion(),
    node: process.version,
    dspy_compat: DEPENDENCY_VERSIONS.dspy,
    ...(llama ? { "node-llama-cpp": llama } : {}),
  };
}

async function tryBootstrapFinetune(
  student: MinigridAgent,
  teacher: MinigridAgent,
  trainset: Example[],
  judge: Judge,
  c: FinetuneConfig,
  hooks: FinetuneHooks,
  log: (line: string) => void,
  runtime: LMRuntime,
): Promise<{ program: MinigridAgent | null; model: string | null; note: string | null }> {
  try {
    const opt = new BootstrapFinetune({
      metric: judge.metric,
      numThreads: c.concurrency,
      mode: "api",
      runtime,
      ...(hooks.progress ? { progress: hooks.progress } : {}),
      log: (l: string) => log(`  ${l}`),
    });
    const r = await opt.compile(student, { trainset, teacher, ...(hooks.signal ? { signal: hooks.signal } : {}) });
    const model = r.program.act.predict.lm?.model ?? null;
    const job = r.report.jobs[0];
    log(`✅ Fine-tuned the student's weights on ${r.report.traces.kept} teacher traces${model ? `: ${model}` : ""}`);
    return { program: r.program, model, note: job ? `job ${job.jobId} (${job.records} records, ${job.dataPath})` : null };
  } catch (e) {
    if (hooks.signal?.aborted || isFatalLMError(e)) throw e;
    return { program: null, model: null, note: `weight fine-tuning failed: ${(e as Error).message}` };
  }
}

/** The dry run: counts the calls each role would make and a rough cost, calls no LM, writes nothing. */
async function dryRun(
  c: FinetuneConfig,
  optimizer: MIPROv2,
  program: MinigridAgent,
  trainset: Example[],
  valset: Example[],
  testset: Example[],
  specs: ReturnType<typeof roleConfig>,
  baseInfo: Pick<RunInfo, "format" | "config" | "dataset" | "environment">,
  log: (line: string) => void,
  hooks: FinetuneHooks,
  gepaEst?: GEPACallEstimate,
): Promise<FinetuneResult> {
  const mipro = await optimizer.estimateCalls(program, { trainset, valset });
  // With GEPA, step 1's runs and proposals are GEPA's estimate (the reflection model counted as proposer).
  const est = gepaEst
    ? { programRuns: { total: gepaEst.programRuns }, lmCalls: { task: gepaEst.taskCalls, prompt: gepaEst.reflectionCalls }, text: gepaEst.text }
    : mipro;
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
  void hooks;
  const estimate: DryRunEstimate = { by_role, total_calls: total, total_cost_usd: Math.round(totalCost * 1e4) / 1e4, text };
  const empty = { accuracy: 0, n: 0, exact: 0, optimal_alternatives: 0, ai_reasonable: 0, wrong: 0, errors: 0 };
  return {
    ...baseInfo,
    model_name: "(dry run)",
    created_at: new Date().toISOString(),
    status: "stopped",
    results: { ...empty, per_category: {}, confusion: [] },
    examples: [],
    program: { path: null, saved: false, error: null, instructions: program.act.predict.signature.instructions, demos: [] },
    usage: { by_role: {}, total: { calls: 0, cached_calls: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, models: [] } },
    timings: {},
    versions: versions(),
    files: { program: null, info: null },
    estimate,
  };
}

