/**
 * Running BALROG's BabyAI protocol: `evaluator.py`'s `run_episode` for each (task, episode) —
 * make the task's env with `num_dists: 0`, reset it with the episode's seed, give the player the
 * instruction prompt for the mission, then up to the episode's `max_steps` steps: ask, check the
 * answer (invalid → "go forward", and BALROG's feedback is prepended to the next observation), step,
 * stop when the episode ends. The progression is 1 once a reward was positive, else 0 (the
 * `BabyAITextCleanLangWrapper`'s). Every step is kept (BALROG's CSV: step, action, observation,
 * reward, done) in the episode record.
 */
import { makeEnv } from "../../../minigrid/registry.js";
import type { MiniGridEnv } from "../../../minigrid/minigrid-env.js";
import { babyaiTextObservation } from "../../../encoding/index.js";
import type { ProgressCallback } from "../../../util/progress.js";
import { UserError } from "../../../util/errors.js";
import type { BalrogAgent } from "./agents.js";
import {
  BALROG_ACTIONS,
  BALROG_BABYAI_ENV_OPTIONS,
  BALROG_BABYAI_EPISODES,
  BALROG_BABYAI_TASKS,
  balrogEpisodeSeed,
  balrogInstructionPrompt,
  invalidActionFeedback,
  validAction,
} from "./protocol.js";
import { summarizeBalrog, type BalrogSummary } from "./summary.js";

/** One step of an episode: the answer, the action taken, the observation after it, reward, end. */
export interface BalrogStep {
  step: number;
  /** The player's completion (BALROG's CSV "Action" column). */
  completion: string;
  /** The action taken (the completion, or the default action when it was invalid). */
  action: string;
  valid: boolean;
  reasoning?: string;
  /** The observation text after the step, as the player reads it next (feedback included). */
  observation: string;
  reward: number;
  done: boolean;
}

/** One episode as BALROG logs it, plus its trajectory. */
export interface BalrogEpisode {
  task: string;
  episode: number;
  seed: number;
  mission: string;
  max_steps: number;
  num_steps: number;
  episode_return: number;
  progression: number;
  done: boolean;
  failed_candidates: string[];
  action_frequency: Record<string, number>;
  input_tokens: number;
  output_tokens: number;
  /** The observation text at reset. */
  initial_observation: string;
  trajectory: BalrogStep[];
  /** Set when the player failed (an LM error): the episode is scored as BALROG scores a crashed one, not at all. */
  error?: string;
}

/** Options of {@link evaluateBalrogBabyAI}. */
export interface BalrogBabyAIOptions {
  /** The agents to compare; each plays every episode. */
  agents: BalrogAgent[];
  /** Seeds come from {@link balrogEpisodeSeed}(seed, task, episode); default 0. */
  seed?: number;
  /** Episodes per task (default BALROG's 10). */
  episodesPerTask?: number;
  /** Tasks (default BALROG's five). */
  tasks?: readonly string[];
  /** BALROG's `eval.max_steps_per_episode` (default null: the episode's own `max_steps`). */
  maxSteps?: number;
  /** BALROG's `eval.feedback_on_invalid_action` (default true). */
  feedbackOnInvalidAction?: boolean;
  /** Episodes in flight at once per agent (BALROG's `num_workers`; default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  progress?: ProgressCallback;
}

/** One agent's run: what it is, its episodes and BALROG's summary of them. */
export interface BalrogAgentRun {
  name: string;
  agent: Record<string, unknown>;
  episodes: BalrogEpisode[];
  summary: BalrogSummary;
}

/** What {@link evaluateBalrogBabyAI} returns (and the run record holds). */
export interface BalrogBabyAIResult {
  format: "gridtune-balrog-babyai/1";
  benchmark: "balrog-babyai";
  config: { seed: number; episodes_per_task: number; tasks: string[]; max_steps: number | null; feedback_on_invalid_action: boolean; env_options: Record<string, unknown>; max_text_history_note: string };
  runs: BalrogAgentRun[];
  seconds: number;
}

function observationOf(env: MiniGridEnv): string {
  const obs = env.genObs();
  const c = env.carrying;
  return babyaiTextObservation({ image: obs.image, viewSize: Math.round(Math.sqrt(obs.image.length / 3)), carrying: c ? [c.type, c.color] : null });
}

function taskEnv(task: string): MiniGridEnv {
  return makeEnv(task, { ...BALROG_BABYAI_ENV_OPTIONS });
}

/** Plays one episode of a task with an agent, as BALROG's `run_episode` does. */
export async function runBalrogEpisode(agent: BalrogAgent, task: string, episode: number, seed: number, options: Pick<BalrogBabyAIOptions, "maxSteps" | "feedbackOnInvalidAction" | "signal"> = {}): Promise<BalrogEpisode> {
  const env = taskEnv(task);
  env.reset({ seed });
  const player = agent.episode();
  player.start(balrogInstructionPrompt(env.mission));
  const maxSteps = options.maxSteps ?? env.maxSteps;
  const feedback = options.feedbackOnInvalidAction ?? true;
  const ep: BalrogEpisode = {
    task,
    episode,
    seed,
    mission: env.mission,
    max_steps: maxSteps,
    num_steps: 0,
    episode_return: 0,
    progression: 0,
    done: false,
    failed_candidates: [],
    action_frequency: {},
    input_tokens: 0,
    output_tokens: 0,
    initial_observation: observationOf(env),
    trajectory: [],
  };
  let observation = ep.initial_observation;
  let prev: string | null = null;
  for (let step = 0; step < maxSteps; step++) {
    options.signal?.throwIfAborted();
    let reply;
    try {
      reply = await player.act({ observation, mission: env.mission, env, episodeId: `${task}/${episode}`, step, ...(options.signal ? { signal: options.signal } : {}) }, prev);
    } catch (e) {
      if (options.signal?.aborted) throw e;
      ep.error = (e as Error).message;
      break;
    }
    const { action, valid } = validAction(reply.completion);
    if (!valid) ep.failed_candidates.push(reply.completion);
    ep.action_frequency[action] = (ep.action_frequency[action] ?? 0) + 1;
    ep.input_tokens += reply.inputTokens;
    ep.output_tokens += reply.outputTokens;
    const r = env.step(BALROG_ACTIONS.indexOf(action));
    const done = r.terminated || r.truncated;
    ep.episode_return += r.reward;
    if (r.reward > 0) ep.progression = 1;
    const text = observationOf(env);
    observation = !valid && feedback ? invalidActionFeedback(action, text) : text;
    prev = reply.completion;
    ep.trajectory.push({ step, completion: reply.completion, action, valid, ...(reply.reasoning ? { reasoning: reply.reasoning } : {}), observation, reward: r.reward, done });
    ep.num_steps = step + 1;
    if (done) {
      ep.done = true;
      break;
    }
  }
  return ep;
}

/** Runs `items` with at most `n` in flight, results in input order. */
async function pool<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  return out;
}

/**
 * BALROG's BabyAI evaluation for each agent: every task × episode (same seeds for every agent), and
 * BALROG's summary (progression per task and overall, with standard errors).
 */
export async function evaluateBalrogBabyAI(options: BalrogBabyAIOptions): Promise<BalrogBabyAIResult> {
  const t0 = performance.now();
  const seed = options.seed ?? 0;
  const perTask = options.episodesPerTask ?? BALROG_BABYAI_EPISODES;
  const tasks = [...(options.tasks ?? BALROG_BABYAI_TASKS)];
  if (options.agents.length === 0) throw new UserError("balrog-babyai: no agent to evaluate (give --model ID or --model-path FILE)");
  if (!Number.isInteger(seed) || seed < 0) throw new UserError(`--seed must be a whole number ≥ 0, got ${seed}`);
  if (!Number.isInteger(perTask) || perTask < 1) throw new UserError(`--episodes must be a whole number ≥ 1, got ${perTask}`);
  for (const t of tasks) if (!(BALROG_BABYAI_TASKS as readonly string[]).includes(t)) throw new UserError(`unknown BALROG BabyAI task '${t}'; use ${BALROG_BABYAI_TASKS.join(", ")}`);
  const jobs = tasks.flatMap((task) => Array.from({ length: perTask }, (_, episode) => ({ task, episode, seed: balrogEpisodeSeed(seed, task, episode) })));
  const total = jobs.length * options.agents.length;
  let done = 0;
  const runs: BalrogAgentRun[] = [];
  for (const agent of options.agents) {
    const episodes = await pool(jobs, options.concurrency ?? 4, async (j) => {
      const ep = await runBalrogEpisode(agent, j.task, j.episode, j.seed, options);
      done++;
      options.progress?.({ phase: "balrog-babyai", done, total, detail: `${agent.name} ${j.task.split("/")[1]} #${j.episode}` });
      return ep;
    });
    runs.push({ name: agent.name, agent: agent.describe, episodes, summary: summarizeBalrog(episodes) });
  }
  return {
    format: "gridtune-balrog-babyai/1",
    benchmark: "balrog-babyai",
    config: {
      seed,
      episodes_per_task: perTask,
      tasks,
      max_steps: options.maxSteps ?? null,
      feedback_on_invalid_action: options.feedbackOnInvalidAction ?? true,
      env_options: { ...BALROG_BABYAI_ENV_OPTIONS },
      max_text_history_note: "naive agents keep BALROG's last 16 observations; MinigridAgents their own history K",
    },
    runs,
    seconds: (performance.now() - t0) / 1000,
  };
}
