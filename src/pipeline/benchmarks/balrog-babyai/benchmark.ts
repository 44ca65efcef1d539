/**
 * What `gridtune evaluate --benchmark balrog-babyai` runs, as one library call: the agents from
 * model ids (BALROG's naive agent on that LM), a saved MinigridAgent and/or the BabyAI bot;
 * credentials and the record path checked before any episode; the protocol; the run record.
 */
import { checkCredentials, LMRuntime, roleSpec, type LMConfig, type UsageSnapshot } from "../../../lm/index.js";
import { MinigridAgent } from "../../../agent/minigrid-agent.js";
import type { ProgressCallback } from "../../../util/progress.js";
import { UserError } from "../../../util/errors.js";
import { botPlayer, minigridAgentPlayer, naiveAgent, type BalrogAgent } from "./agents.js";
import { checkRecordPathFree, defaultBalrogRecordPath, writeBalrogRecord } from "./record.js";
import { evaluateBalrogBabyAI, type BalrogBabyAIResult } from "./run.js";
import { BALROG_BABYAI_TASKS } from "./protocol.js";

/** Options of {@link runBalrogBabyAIBenchmark}. */
export interface BalrogBenchmarkOptions {
  /** Model ids (provider-prefixed, e.g. `groq/llama-3.1-8b-instant`), each run as BALROG's naive agent. */
  models?: string[];
  /** A saved MinigridAgent (from `gridtune finetune`), run under the same protocol. */
  modelPath?: string;
  /** Run the saved agent on this model instead of the one it names. */
  studentModel?: string;
  /** The saved agent's memory K (default: as saved). */
  history?: number;
  /** Add the BabyAI bot (the harness's sanity check). */
  bot?: boolean;
  seed?: number;
  episodesPerTask?: number;
  /** Task names (`goto`, …) or ids; default all five. */
  tasks?: string[];
  maxSteps?: number;
  temperature?: number;
  maxTokens?: number;
  concurrency?: number;
  /** The run record's path (default `balrog_results/balrog-babyai_<timestamp>.json`); never overwritten. */
  out?: string;
  lmConfig?: LMConfig;
  /** The LM runtime the agents' LMs come from; default a new one (disposed at the end). */
  runtime?: LMRuntime;
}

/** The result, the record's path and the LM usage. */
export interface BalrogBenchmarkRun {
  result: BalrogBabyAIResult;
  recordPath: string;
  usage: UsageSnapshot;
}

function taskIds(tasks: string[] | undefined): string[] | undefined {
  if (!tasks) return undefined;
  return tasks.map((t) => {
    const id = t.includes("/") ? t : `BabyAI-MixedTrainLocal-v0/${t}`;
    if (!BALROG_BABYAI_TASKS.includes(id)) throw new UserError(`--tasks: unknown task '${t}'; use ${BALROG_BABYAI_TASKS.map((x) => x.split("/")[1]).join(", ")}`);
    return id;
  });
}

/** Runs the benchmark for the given agents and writes the run record (see the file comment). */
export async function runBalrogBabyAIBenchmark(options: BalrogBenchmarkOptions, hooks: { signal?: AbortSignal; progress?: ProgressCallback } = {}): Promise<BalrogBenchmarkRun> {
  const models = options.models ?? [];
  if (models.length === 0 && !options.modelPath && !options.bot) throw new UserError("--benchmark balrog-babyai needs an agent: --model ID (BALROG's naive agent), --model-path FILE (a trained agent) or --bot");
  const tasks = taskIds(options.tasks);
  const recordPath = options.out ?? defaultBalrogRecordPath();
  checkRecordPathFree(recordPath);
  const runtime = options.runtime ?? new LMRuntime(options.lmConfig ? { config: options.lmConfig } : {});
  const config = runtime.config;
  const specs = [...models, ...(options.studentModel ? [options.studentModel] : [])].map((id) => roleSpec(id, "agent"));
  if (specs.length) checkCredentials(specs, config);
  const usage = runtime.usage;
  const lmOptions = { concurrency: options.concurrency ?? 4 };
  try {
    const agents: BalrogAgent[] = models.map((id) =>
      naiveAgent(runtime.lm(id, { role: "agent", ...lmOptions }), {
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
        ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
      }),
    );
    if (options.modelPath) {
      const agent = await MinigridAgent.load(options.modelPath, {
        ...(options.studentModel ? { lm: runtime.lm(options.studentModel, { role: "agent", ...lmOptions }) } : {}),
        runtime,
        lmOptions,
        ...(options.history !== undefined ? { history: options.history } : {}),
      });
      if (agent.hintType !== "action") throw new UserError(`${options.modelPath}: a subgoal agent names no action; the benchmark needs an agent trained with --hint-type action`);
      agents.push(minigridAgentPlayer(agent, options.modelPath.replace(/^.*\//, "").replace(/\.json$/, "")));
    }
    if (options.bot) agents.push(botPlayer());
    const result = await evaluateBalrogBabyAI({
      agents,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.episodesPerTask !== undefined ? { episodesPerTask: options.episodesPerTask } : {}),
      ...(tasks ? { tasks } : {}),
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      concurrency: options.concurrency ?? 4,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.progress ? { progress: hooks.progress } : {}),
    });
    writeBalrogRecord(recordPath, result);
    return { result, recordPath, usage: usage.snapshot() };
  } finally {
    if (!options.runtime) await runtime.dispose();
  }
}
