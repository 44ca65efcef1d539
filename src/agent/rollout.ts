/**
 * Closed-loop evaluation: the agent acts in the environment. Per episode: success, steps, return, and
 * the expert's optimal step count from the same start (so `steps / expert_steps` says how far from
 * optimal the agent walked). An answer that names no action counts as `invalid` and the agent
 * does `done` (the original HintWrapper's neutral action).
 */
import { Expert } from "../expert/index.js";
import { makeEnv } from "../minigrid/registry.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import type { ProgressCallback } from "../util/progress.js";
import type { AgentAdvice } from "./minigrid-agent.js";
import type { CallOptions } from "../dspy/index.js";
import { AgentMemory } from "../agent/history.js";

/**
 * What {@link rollout} needs from an agent: its hint type and `advise(env)` (a {@link MinigridAgent} is
 * one).
 */
export interface RolloutAgent {
  hintType: "action" | "subgoal";
  /** Past steps the agent sees; each episode gets a fresh memory of this size (0 or absent: none). */
  history?: number;
  advise(env: MiniGridEnv, options?: CallOptions, memory?: AgentMemory): Promise<AgentAdvice>;
}

/**
 * Options of {@link rollout}: the env, episodes, first seed, step cap, a signal, progress and a per-step
 * callback.
 */
export interface RolloutOptions {
  envId: string;
  /** BabyAI instructions succeed only on `done` (Python's `BABYAI_DONE_ACTIONS`); default false. */
  doneActions?: boolean;
  episodes: number;
  /** Episode i starts from seed + i (default 0). */
  seed?: number;
  /** Cap on steps per episode (default the env's own max_steps). */
  maxSteps?: number;
  signal?: AbortSignal;
  progress?: ProgressCallback;
  /** Called after each step. */
  onStep?: (e: { episode: number; step: number; action: number; advice: AgentAdvice | null; reward: number }) => void;
}

/**
 * One closed-loop episode: seed, mission, success, steps, return, the expert's step count, invalid answers
 * and errors.
 */
export interface EpisodeOutcome {
  seed: number;
  mission: string;
  success: boolean;
  steps: number;
  return: number;
  /** The expert's step count from the same start (null when it finds no success). */
  expert_steps: number | null;
  /** Answers that named no action. */
  invalid: number;
  /** Steps whose LM call failed. */
  errors: number;
  actions: number[];
}

/**
 * A closed-loop evaluation: every episode, the success rate, mean steps against the expert's, mean return
 * and invalid answers.
 */
export interface RolloutResult {
  env_id: string;
  episodes: EpisodeOutcome[];
  success_rate: number;
  mean_steps: number;
  mean_expert_steps: number | null;
  /** Mean of steps / expert_steps over successful episodes the expert also solves. */
  step_ratio: number | null;
  mean_return: number;
  invalid_actions: number;
}

/** The expert's optimal number of steps from an env's start state (seeded), or null. */
export function expertSteps(envId: string, seed: number, envOptions: { doneActions?: boolean } = {}): number | null {
  const env = makeEnv(envId, envOptions);
  env.reset({ seed });
  const expert = new Expert();
  for (let t = 0; t < env.maxSteps; t++) {
    const d = expert.act(env);
    const r = env.step(d.action);
    if (r.terminated || r.truncated) return r.reward > 0 ? t + 1 : null;
  }
  return null;
}

/**
 * Closed-loop evaluation: the agent acts in the env for `episodes` episodes (seeds seed, seed+1, …);
 * reports success and steps against the expert's optimum from the same start.
 */
export async function rollout(agent: RolloutAgent, options: RolloutOptions): Promise<RolloutResult> {
  if (agent.hintType !== "action") throw new RangeError("closed-loop rollouts need an agent trained with --hint-type action (a subgoal agent names no primitive action)");
  const seed0 = options.seed ?? 0;
  const outcomes: EpisodeOutcome[] = [];
  let done = 0;
  for (let i = 0; i < options.episodes; i++) {
    if (options.signal?.aborted) throw options.signal.reason;
    const seed = seed0 + i;
    const envOptions = options.doneActions ? { doneActions: true } : {};
    const env = makeEnv(options.envId, envOptions);
    env.reset({ seed });
    const cap = Math.min(options.maxSteps ?? env.maxSteps, env.maxSteps);
    // Closed loop: the agent remembers its own past of this episode.
    const memory = agent.history ? new AgentMemory(agent.history) : undefined;
    const o: EpisodeOutcome = { seed, mission: env.mission, success: false, steps: 0, return: 0, expert_steps: expertSteps(options.envId, seed, envOptions), invalid: 0, errors: 0, actions: [] };
    for (let t = 0; t < cap; t++) {
      let advice: AgentAdvice | null = null;
      let action = 6;
      try {
        advice = await agent.advise(env, { role: "student", ...(options.signal ? { signal: options.signal } : {}) }, memory);
        if (advice.action === null) o.invalid++;
        else action = advice.action;
        memory?.recordAdvice(advice);
      } catch (e) {
        if (options.signal?.aborted) throw e;
        o.errors++;
      }
      const r = env.step(action);
      o.actions.push(action);
      o.steps++;
      o.return += r.reward;
      options.onStep?.({ episode: i, step: t, action, advice, reward: r.reward });
      if (r.terminated || r.truncated) {
        o.success = r.reward > 0;
        break;
      }
    }
    outcomes.push(o);
    options.progress?.({ phase: "rollout", done: ++done, total: options.episodes, detail: `success ${outcomes.filter((x) => x.success).length}/${done}` });
  }
  const n = outcomes.length || 1;
  const withExpert = outcomes.filter((o) => o.expert_steps !== null);
  const ratios = outcomes.filter((o) => o.success && o.expert_steps).map((o) => o.steps / o.expert_steps!);
  return {
    env_id: options.envId,
    episodes: outcomes,
    success_rate: outcomes.filter((o) => o.success).length / n,
    mean_steps: outcomes.reduce((s, o) => s + o.steps, 0) / n,
    mean_expert_steps: withExpert.length ? withExpert.reduce((s, o) => s + o.expert_steps!, 0) / withExpert.length : null,
    step_ratio: ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : null,
    mean_return: outcomes.reduce((s, o) => s + o.return, 0) / n,
    invalid_actions: outcomes.reduce((s, o) => s + o.invalid, 0),
  };
}
