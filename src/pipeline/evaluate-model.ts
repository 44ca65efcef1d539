/**
 * Evaluating a saved agent (`gridtune evaluate`):
 * - offline, on a dataset: the same metric and report as the pipeline's step 4;
 * - closed loop, in an env: the agent acts; success rate, steps against the expert's optimum, return.
 */
import { checkCredentials, loadLMConfig, UsageTracker, type UsageSnapshot } from "../lm/index.js";
import type { ProgressCallback } from "../util/progress.js";
import { UserError } from "../util/errors.js";
import { MinigridAgent } from "../agent/minigrid-agent.js";
import { disposeLMs, roleLM, roleSpec } from "../agent/lms.js";
import { makeEnv } from "../minigrid/registry.js";
import { rollout, type RolloutResult } from "../rl/rollout.js";
import type { MetricName } from "./config.js";
import { sampleDataset, toExample } from "./data.js";
import { previousSteps } from "./history-data.js";
import { evaluateExamples, type EvaluationReport } from "./evaluate.js";
import { Judge } from "./metrics.js";
import { usageRecord } from "./report.js";
import type { RoleFailures, RoleUsage, RunStatus } from "./run-info.js";
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
  episodes?: number;
  seed?: number;
  metric?: MetricName;
  assessorModel?: string;
  assessorGroq?: boolean;
  /** Override the saved student model. */
  studentModel?: string;
  studentGroq?: boolean;
  /** Offline: draw this many steps per category (default: every step). */
  samplesPerCategory?: number;
  maxEval?: number;
  concurrency?: number;
  maxSteps?: number;
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

/**
 * Evaluates a saved agent (what `gridtune evaluate` runs): offline on a dataset's steps with the
 * pipeline's metric and report, or in closed loop, acting in an env, against the expert's optimum.
 */
export async function evaluate(options: EvaluateOptions, hooks: EvaluateHooks = {}): Promise<EvaluateResult> {
  const log = hooks.log ?? ((l: string) => console.log(l));
  const offline = options.datasetPath !== undefined;
  if (offline === (options.envId !== undefined)) throw new UserError("give either --dataset-path DIR (offline accuracy) or --env ID --episodes N (closed loop)");
  const t0 = performance.now();
  const usage = new UsageTracker();
  const config = loadLMConfig();
  const concurrency = options.concurrency ?? 4;
  const metric = options.metric ?? "ai-feedback";
  if (options.envId !== undefined) makeEnv(options.envId); // unknown id: fail before any LM
  const assessorSpec = offline && metric === "ai-feedback" ? roleSpec(options.assessorModel ?? DEFAULT_ASSESSOR, "assessor", options.assessorGroq) : null;
  const studentSpec = options.studentModel ? roleSpec(options.studentModel, "student", options.studentGroq) : null;
  if (assessorSpec || studentSpec) checkCredentials([...(assessorSpec ? [assessorSpec] : []), ...(studentSpec ? [studentSpec] : [])], config);
  const ledger = new FailureLedger(hooks.signal);
  const signal = ledger.signal;
  const retryLog = (l: string) => log(`  ↻ ${l}`);
  const lmOptions = { usage, concurrency, config, log: retryLog };
  const agent = await MinigridAgent.load(options.modelPath, {
    ...(studentSpec ? { lm: roleLM(studentSpec.id, { role: "student", ...lmOptions }) } : {}),
    lmOptions,
    onWarning: (w) => log(`⚠️ ${w}`),
    ...(options.history !== undefined ? { history: options.history } : {}),
  });
  const loaded = agent.act.predict.lm;
  if (loaded) agent.setLM(ledger.observe(loaded, "student"));
  const student = loaded?.model ?? "(none)";
  log(`🎓 Agent: ${options.modelPath}`);
  log(`   ${agent.hintType} hints, ${agent.encodingType} encoding, ${agent.view} view, student ${student}`);
  const outcome = (): Pick<EvaluateResult, "status" | "outcome_message" | "failures"> => {
    const over = ledger.overLimit();
    return { status: over.length ? "degraded" : "completed", outcome_message: over.length ? degradedMessage(over) : "", failures: ledger.failures() };
  };
  try {
    if (offline) {
      const ds = await sampleDataset(options.datasetPath!, agent.hintType, options.samplesPerCategory, options.seed ?? 0, log);
      let steps = ds.steps;
      if (options.maxEval !== undefined) steps = steps.slice(0, options.maxEval);
      // An agent with memory reads each step after the steps before it in its episode.
      const past = agent.history > 0 ? await previousSteps(options.datasetPath!, steps, agent.history) : null;
      const examples = await Promise.all(steps.map((s, i) => toExample(s, agent.hintType, agent.encodingType, agent.view, past ? past[i] : undefined)));
      const judge = new Judge({
        metric,
        hint: agent.hintType,
        ...(assessorSpec ? { assessor: ledger.observe(roleLM(assessorSpec.id, { role: "assessor", ...lmOptions }), "assessor") } : {}),
        signal,
      });
      log(`📊 Evaluating on ${examples.length} examples (metric ${metric})...`);
      const report = await evaluateExamples(agent, examples, judge, { concurrency, ...(hooks.progress ? { progress: hooks.progress } : {}), signal });
      steps.forEach((s, i) => Object.assign(report.examples[i]!, { env_id: s.env_id, seed: s.seed, episode: s.episode, step: s.step, mission: s.mission }));
      ledger.recordEvaluation(student, report.examples);
      return { model_path: options.modelPath, mode: "offline", offline: report, usage: usageRecord(usage.snapshot()), usage_snapshot: usage.snapshot(), seconds: (performance.now() - t0) / 1000, ...outcome() };
    }
    const episodes = options.episodes ?? 10;
    log(`🎮 Closed loop: ${episodes} episodes of ${options.envId} from seed ${options.seed ?? 0}...`);
    const result = await rollout(agent, {
      envId: options.envId!,
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
    await disposeLMs();
  }
}
