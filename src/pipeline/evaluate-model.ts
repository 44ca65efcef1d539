/**
 * Evaluating a saved agent (`gridtune evaluate`):
 * - offline, on a dataset: the same metric and report as the pipeline's step 4. By default only the
 *   run's held-out test steps are scored (the run record beside the model names them), so training
 *   steps never inflate the score; every step needs `allSteps`. The size, the LM calls and the cost
 *   are estimated and printed before the first call;
 * - closed loop, in an env: the agent acts; success rate, steps against the expert's optimum, return.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ChatAdapter } from "../dspy/index.js";
import { checkCredentials, LMRuntime, ManagedLM, priceFor, roleSpec, DEFAULT_PRICES, type UsageSnapshot } from "../lm/index.js";
import type { ProgressCallback } from "../util/progress.js";
import { UserError } from "../util/errors.js";
import { MinigridAgent } from "../agent/minigrid-agent.js";
import { preflightRoles, type RoleToCheck } from "./preflight.js";
import { makeEnv } from "../minigrid/registry.js";
import { rollout, type RolloutResult } from "../agent/rollout.js";
import type { MetricName } from "./config.js";
import { sampleDataset, toExample, type StepRecord } from "./data.js";
import { stepId } from "../dataset/ids.js";
import { RunRecordError, readRunRecord, recordPathOf } from "./run-files.js";
import { previousSteps } from "./history-data.js";
import { evaluateExamples, type EvaluationReport } from "./evaluate-examples.js";
import { Judge } from "./metrics.js";
import { usageRecord } from "./report.js";
import type { RoleFailures, RoleUsage, RunInfo, RunStatus } from "./run-info.js";
import { degradedMessage, failedMessage, FailureLedger, RunFailedError } from "./outcome.js";
import { DEFAULT_ASSESSOR } from "./config.js";

/**
 * Options of {@link evaluate}: the saved agent, and either a dataset (offline) or an env and episodes
 * (closed loop), with the metric and overrides.
 */
export interface EvaluateOptions {
  modelPath: string;
  /** The agent's memory K (past steps it sees); default as saved. */
  history?: number;
  /** Offline: a dataset directory. */
  datasetPath?: string;
  /** Closed loop: an env id and a number of episodes. */
  envId?: string;
  /** Closed loop: BabyAI instructions succeed only on `done` (Python's `BABYAI_DONE_ACTIONS`); default false. */
  doneActions?: boolean;
  episodes?: number;
  seed?: number;
  metric?: MetricName;
  assessorModel?: string;
  assessorGroq?: boolean;
  /** Override the saved student model. */
  studentModel?: string;
  studentGroq?: boolean;
  /**
   * Offline: score every step of the dataset, not only the run's held-out test split. Needed (or
   * `maxEval` / `samplesPerCategory`) when the model has no run record naming its test split.
   */
  allSteps?: boolean;
  /** Offline: draw this many steps per category from every step (implies `allSteps`). */
  samplesPerCategory?: number;
  maxEval?: number;
  concurrency?: number;
  maxSteps?: number;
  /** The LM runtime to use (its servers, limits, usage meter); default a new one, disposed at the end. */
  runtime?: LMRuntime;
  /** Check every role's model before any work (default true; `--no-preflight`). */
  preflight?: boolean;
}

/** Cancellation, progress and log lines for {@link evaluate}. */
export interface EvaluateHooks {
  signal?: AbortSignal;
  progress?: ProgressCallback;
  log?: (line: string) => void;
}

/** What {@link evaluate} returns: the offline report or the closed-loop result, LM usage and time. */
export interface EvaluateResult {
  model_path: string;
  mode: "offline" | "closed-loop";
  offline?: EvaluationReport;
  /** Offline: which steps were scored and the estimate printed before the first LM call. */
  selection?: OfflineSelection;
  closed_loop?: RolloutResult;
  usage: { by_role: Record<string, RoleUsage>; total: RoleUsage };
  /** The same usage with failed calls, as the tracker has it (for the console table). */
  usage_snapshot: UsageSnapshot;
  seconds: number;
  /** `completed`, or `degraded` when a role's calls (or the examples scored) failed beyond the stated share. */
  status: RunStatus;
  outcome_message: string;
  /** Calls and failures per role and model (and the examples that could not be scored, as `evaluation`). */
  failures: RoleFailures[];
}

/** Which steps an offline evaluation scores, and what it was estimated to cost beforehand. */
export interface OfflineSelection {
  /** `test-split`: the run's held-out test steps (from its run record); `all-steps`: the dataset's. */
  scope: "test-split" | "all-steps";
  /** The run record the test split came from, or null. */
  run_record: string | null;
  examples: number;
  /** Student calls plus the assessor calls expected (about one for every second example). */
  estimated_calls: number;
  /** At the known list prices and about 150 completion tokens a call; 0 for local or unpriced models. */
  estimated_cost_usd: number;
}

/** The run record beside a saved model (`X.json` → `X_info.json`), or null when there is none. */
function recordBeside(modelPath: string): { path: string; info: Partial<RunInfo> } | null {
  const path = recordPathOf(modelPath);
  if (path === modelPath || !existsSync(path)) return null;
  try {
    return { path, info: readRunRecord(path) as Partial<RunInfo> };
  } catch (e) {
    if (e instanceof RunRecordError) throw new UserError(`${e.message}; repair or remove it, or pass --all-steps`);
    throw e;
  }
}

/**
 * The steps to score offline: the run's test split by default (the ids of the examples its record
 * evaluated), every step with `allSteps`/`samplesPerCategory`; capped by `maxEval`.
 */
async function chooseSteps(options: EvaluateOptions, hint: MinigridAgent["hintType"], log: (line: string) => void): Promise<{ steps: StepRecord[]; scope: OfflineSelection["scope"]; record: string | null }> {
  const datasetPath = options.datasetPath!;
  const explicitAll = options.allSteps === true || options.samplesPerCategory !== undefined;
  const record = explicitAll ? null : recordBeside(options.modelPath);
  const testIds = Array.isArray(record?.info.examples) ? record.info.examples.map((e) => e?.id).filter((id): id is string => typeof id === "string") : [];
  if (!explicitAll && testIds.length === 0 && options.maxEval === undefined) {
    const why = record ? `its run record ${record.path} lists no evaluated test examples` : `it has no run record (${recordPathOf(options.modelPath)}) naming its held-out test split`;
    throw new UserError(`${options.modelPath}: ${why}, so scoring ${datasetPath} would include the steps it was trained on; pass --all-steps to score every step, or --max-eval N to score the first N`);
  }
  const ds = await sampleDataset(datasetPath, hint, options.samplesPerCategory, options.seed ?? 0, log);
  let steps = ds.steps;
  let scope: OfflineSelection["scope"] = "all-steps";
  if (!explicitAll && testIds.length > 0) {
    const recorded = record!.info.config?.dataset_path;
    if (typeof recorded === "string" && resolve(recorded) !== resolve(datasetPath)) log(`⚠️ The run was trained on ${recorded}; scoring its test steps found in ${datasetPath}`);
    const wanted = new Set(testIds);
    steps = steps.filter((s) => wanted.has(stepId(s)));
    if (steps.length === 0) {
      throw new UserError(`${record!.path}: none of the run's ${wanted.size} test steps is in ${datasetPath}; give the dataset the run used${typeof recorded === "string" ? ` (${recorded})` : ""}, or pass --all-steps`);
    }
    if (steps.length < wanted.size) log(`⚠️ ${wanted.size - steps.length} of the run's ${wanted.size} test steps are not in ${datasetPath}`);
    scope = "test-split";
  }
  if (options.maxEval !== undefined) steps = steps.slice(0, options.maxEval);
  return { steps, scope, record: scope === "test-split" ? record!.path : null };
}

/** LM calls and dollars an offline evaluation of `examples` is expected to take (printed before it starts). */
function estimateOffline(agent: MinigridAgent, examples: readonly { inputs(): { toDict(): Record<string, unknown> } }[], assessorModel: string | null): { calls: number; costUsd: number; text: string[] } {
  const n = examples.length;
  const studentModel = agent.act.predict.lm?.model ?? "";
  // Prompt size from a real prompt: the instructions, the agent's demos and the first observation.
  const first = examples[0]?.inputs().toDict() ?? {};
  const studentPrompt = Math.ceil(new ChatAdapter().format(agent.act.predict.signature, agent.act.predict.demos, first as never).reduce((a, m) => a + m.content.length, 0) / 4);
  const completion = 150;
  // The assessor is asked only about answers that are neither the expert's nor provably optimal.
  const assessorCalls = assessorModel ? Math.round(n * 0.5) : 0;
  const cost = (model: string, calls: number, prompt: number): number => {
    const price = priceFor(model, DEFAULT_PRICES);
    return price ? (calls * (prompt * price.input + completion * price.output)) / 1e6 : 0;
  };
  const costUsd = cost(studentModel, n, studentPrompt) + (assessorModel ? cost(assessorModel, assessorCalls, studentPrompt + 300) : 0);
  const calls = n + assessorCalls;
  const text = [`🧮 Estimated: ${n} student call${n === 1 ? "" : "s"}${assessorModel ? ` + ~${assessorCalls} assessor calls` : ""} = ~${calls} LM calls, ~$${costUsd.toFixed(4)} (about ${studentPrompt} prompt tokens a call; cached replies are free)`];
  return { calls, costUsd, text };
}

/**
 * Evaluates a saved agent (what `gridtune evaluate` runs): offline on a dataset's steps with the
 * pipeline's metric and report, or in closed loop, acting in an env, against the expert's optimum.
 */
export async function evaluate(options: EvaluateOptions, hooks: EvaluateHooks = {}): Promise<EvaluateResult> {
  const log = hooks.log ?? ((l: string) => console.log(l));
  const offline = options.datasetPath !== undefined;
  if (offline === (options.envId !== undefined)) throw new UserError("give either --dataset-path DIR (offline accuracy) or --env ID --episodes N (closed loop)");
  const t0 = performance.now();
  const runtime = options.runtime ?? new LMRuntime({ log: (line) => log(`  ↻ ${line}`) });
  const usage = runtime.usage;
  const config = runtime.config;
  const concurrency = options.concurrency ?? 4;
  const metric = options.metric ?? "ai-feedback";
  if (options.envId !== undefined) makeEnv(options.envId); // unknown id: fail before any LM
  const assessorSpec = offline && metric === "ai-feedback" ? roleSpec(options.assessorModel ?? DEFAULT_ASSESSOR, "assessor", options.assessorGroq) : null;
  const studentSpec = options.studentModel ? roleSpec(options.studentModel, "student", options.studentGroq) : null;
  if (assessorSpec || studentSpec) checkCredentials([...(assessorSpec ? [assessorSpec] : []), ...(studentSpec ? [studentSpec] : [])], config);
  const ledger = new FailureLedger(hooks.signal);
  const signal = ledger.signal;
  const agent = await MinigridAgent.load(options.modelPath, {
    ...(studentSpec ? { lm: runtime.lm(studentSpec.id, { role: "student", concurrency }) } : {}),
    runtime,
    lmOptions: { concurrency },
    onWarning: (w) => log(`⚠️ ${w}`),
    ...(options.history !== undefined ? { history: options.history } : {}),
  });
  const loaded = agent.act.predict.lm;
  if (loaded) agent.setLM(ledger.observe(loaded, "student"));
  const student = loaded?.model ?? "(none)";
  log(`🎓 Agent: ${options.modelPath}`);
  log(`   ${agent.hintType} hints, ${agent.encodingType} encoding, ${agent.view} view, student ${student}`);
  const assessorLM = assessorSpec ? runtime.lm(assessorSpec.id, { role: "assessor", concurrency }) : undefined;
  const outcome = (): Pick<EvaluateResult, "status" | "outcome_message" | "failures"> => {
    const over = ledger.overLimit();
    return { status: over.length ? "degraded" : "completed", outcome_message: over.length ? degradedMessage(over) : "", failures: ledger.failures() };
  };
  try {
    if (options.preflight !== false) {
      const roles: RoleToCheck[] = [];
      if (loaded instanceof ManagedLM) roles.push({ role: "student", lm: loaded });
      if (assessorLM) roles.push({ role: "assessor", lm: assessorLM });
      if (roles.length > 0) await preflightRoles(runtime, roles, { signature: agent.act.predict.signature, examples: [], maxDemos: 0 }, hooks.signal);
    }
    if (offline) {
      const { steps, scope, record } = await chooseSteps(options, agent.hintType, log);
      // An agent with memory reads each step after the steps before it in its episode.
      const past = agent.history > 0 ? await previousSteps(options.datasetPath!, steps, agent.history) : null;
      const examples = await Promise.all(steps.map((s, i) => toExample(s, agent.hintType, agent.encodingType, agent.view, past ? past[i] : undefined)));
      const judge = new Judge({
        metric,
        hint: agent.hintType,
        ...(assessorLM ? { assessor: ledger.observe(assessorLM, "assessor") } : {}),
        signal,
      });
      log(
        scope === "test-split"
          ? `📊 Evaluating on the run's held-out test split: ${examples.length} examples (from ${record}; --all-steps scores every step)`
          : `📊 Evaluating on ${examples.length} examples of the dataset (every step${options.samplesPerCategory !== undefined ? `, ${options.samplesPerCategory} per category` : ""}${options.maxEval !== undefined ? `, at most ${options.maxEval}` : ""})`,
      );
      const estimate = estimateOffline(agent, examples, assessorSpec?.id ?? null);
      for (const l of estimate.text) log(l);
      const selection: OfflineSelection = { scope, run_record: record, examples: examples.length, estimated_calls: estimate.calls, estimated_cost_usd: Math.round(estimate.costUsd * 1e4) / 1e4 };
      log(`📊 Evaluating on ${examples.length} examples (metric ${metric})...`);
      const report = await evaluateExamples(agent, examples, judge, { concurrency, ...(hooks.progress ? { progress: hooks.progress } : {}), signal });
      steps.forEach((s, i) => Object.assign(report.examples[i]!, { env_id: s.env_id, seed: s.seed, episode: s.episode, step: s.step, mission: s.mission }));
      ledger.recordEvaluation(student, report.examples);
      return { model_path: options.modelPath, mode: "offline", offline: report, selection, usage: usageRecord(usage.snapshot()), usage_snapshot: usage.snapshot(), seconds: (performance.now() - t0) / 1000, ...outcome() };
    }
    const episodes = options.episodes ?? 10;
    log(`🎮 Closed loop: ${episodes} episodes of ${options.envId} from seed ${options.seed ?? 0}...`);
    const result = await rollout(agent, {
      envId: options.envId!,
      ...(options.doneActions ? { doneActions: true } : {}),
      episodes,
      seed: options.seed ?? 0,
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      signal,
      ...(hooks.progress ? { progress: hooks.progress } : {}),
    });
    return { model_path: options.modelPath, mode: "closed-loop", closed_loop: result, usage: usageRecord(usage.snapshot()), usage_snapshot: usage.snapshot(), seconds: (performance.now() - t0) / 1000, ...outcome() };
  } catch (e) {
    const stop = ledger.fatal;
    if (stop) throw new RunFailedError(failedMessage(stop, null), null, ledger.failures());
    throw e;
  } finally {
    if (!options.runtime) await runtime.dispose();
  }
}
