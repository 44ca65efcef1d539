/**
 * Evaluating a saved agent (`gridtune evaluate`):
 * - offline, on a dataset: the same metric and report as the pipeline's step 4;
 * - closed loop, in an env: the agent acts; success rate, steps against the expert's optimum, return.
 */
import { checkCredentials, LMRuntime, ManagedLM, type UsageSnapshot } from "../lm/index.js";
import type { ProgressCallback } from "../util/progress.js";
import { UserError } from "../util/errors.js";
import { MinigridAgent } from "../agent/minigrid-agent.js";
import { makeEnv } from "../minigrid/registry.js";
import { rollout, type RolloutResult } from "../rl/rollout.js";
import type { MetricName } from "./config.js";
import { sampleDataset, toExample } from "./data.js";
import { previousSteps } from "./history-data.js";
import { evaluateExamples, type EvaluationReport } from "./evaluate.js";
import { Judge } from "./metrics.js";
import { preflightRoles, type RoleToCheck } from "./preflight.js";
import { usageRecord } from "./report.js";
import type { RoleUsage } from "./run-info.js";

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
  closed_loop?: RolloutResult;
  usage: { by_role: Record<string, RoleUsage>; total: RoleUsage };
  /** The same usage with failed calls, as the tracker has it (for the console table). */
  usage_snapshot: UsageSnapshot;
  seconds: number;
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
  const ownRuntime = options.runtime === undefined;
  const usage = runtime.usage;
  const config = runtime.config;
  const concurrency = options.concurrency ?? 4;
  const metric = options.metric ?? "ai-feedback";
  if (options.envId !== undefined) makeEnv(options.envId); // unknown id: fail before any LM
  const assessorSpec = offline && metric === "ai-feedback" ? runtime.spec(options.assessorModel ?? "deepseek-r1-distill-llama-70b", "assessor", options.assessorGroq) : null;
  const studentSpec = options.studentModel ? runtime.spec(options.studentModel, "student", options.studentGroq) : null;
  if (assessorSpec || studentSpec) checkCredentials([...(assessorSpec ? [assessorSpec] : []), ...(studentSpec ? [studentSpec] : [])], config);
  const agent = await MinigridAgent.load(options.modelPath, {
    ...(studentSpec ? { lm: runtime.lm(studentSpec.id, { role: "student", concurrency }) } : {}),
    runtime,
    lmOptions: { concurrency },
    onWarning: (w) => log(`⚠️ ${w}`),
    ...(options.history !== undefined ? { history: options.history } : {}),
  });
  const student = agent.act.predict.lm?.model ?? "(none)";
  log(`🎓 Agent: ${options.modelPath}`);
  log(`   ${agent.hintType} hints, ${agent.encodingType} encoding, ${agent.view} view, student ${student}`);
  const assessorLM = assessorSpec ? runtime.lm(assessorSpec.id, { role: "assessor", concurrency }) : undefined;
  try {
    if (options.preflight !== false) {
      const roles: RoleToCheck[] = [];
      const studentLM = agent.act.predict.lm;
      if (studentLM instanceof ManagedLM) roles.push({ role: "student", lm: studentLM });
      if (assessorLM) roles.push({ role: "assessor", lm: assessorLM });
      if (roles.length > 0) await preflightRoles(runtime, roles, { signature: agent.act.predict.signature, examples: [], maxDemos: 0 }, hooks.signal);
    }
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
        ...(assessorLM ? { assessor: assessorLM } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      });
      log(`📊 Evaluating on ${examples.length} examples (metric ${metric})...`);
      const report = await evaluateExamples(agent, examples, judge, { concurrency, ...(hooks.progress ? { progress: hooks.progress } : {}), ...(hooks.signal ? { signal: hooks.signal } : {}) });
      steps.forEach((s, i) => Object.assign(report.examples[i]!, { env_id: s.env_id, seed: s.seed, episode: s.episode, step: s.step, mission: s.mission }));
      return { model_path: options.modelPath, mode: "offline", offline: report, usage: usageRecord(usage.snapshot()), usage_snapshot: usage.snapshot(), seconds: (performance.now() - t0) / 1000 };
    }
    const episodes = options.episodes ?? 10;
    log(`🎮 Closed loop: ${episodes} episodes of ${options.envId} from seed ${options.seed ?? 0}...`);
    const result = await rollout(agent, {
      envId: options.envId!,
      episodes,
      seed: options.seed ?? 0,
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.progress ? { progress: hooks.progress } : {}),
    });
    return { model_path: options.modelPath, mode: "closed-loop", closed_loop: result, usage: usageRecord(usage.snapshot()), usage_snapshot: usage.snapshot(), seconds: (performance.now() - t0) / 1000 };
  } finally {
    if (ownRuntime) await runtime.dispose();
  }
}
