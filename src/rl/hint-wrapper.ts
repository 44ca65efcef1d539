/**
 * HintWrapper: an env wrapper that adds the LLM agent's hint to each observation — the hint source for
 * RL agents (the original tool's utils/hint_wrapper.py with hint_source="dspy").
 *
 * Every `every` steps (counting the reset as step 0) the agent is asked for its advice on the current
 * state; other observations carry no hint (`hint_available: 0`, `hint` the neutral value: 6 "done" for
 * actions, 5 "none" for subgoals, as the original). Hints are memoised by observation text, and the
 * agent's LM answers repeated prompts from the response cache, so re-running a seed costs nothing.
 * A failed LM call gives no hint (and `lastError`) rather than stopping the episode.
 *
 * ```ts
 * const env = new HintWrapper(makeEnv("BabyAI-GoToObj-v0"), await MinigridAgent.load(path), { every: 4 });
 * let { obs } = await env.reset({ seed: 1 });   // obs.hint, obs.hint_available, obs.hint_text
 * ({ obs } = await env.step(obs.hint));
 * ```
 */
import type { MiniGridEnv, Observation, ResetResult, StepResult } from "../minigrid/minigrid-env.js";
import type { Seed } from "../minigrid/rng.js";
import { SUBGOAL_VERBS, subgoalCategory, type HintType } from "../agent/actions.js";
import { observationText, observationTextSync, stepFromEnv } from "../agent/observation.js";
import { AgentMemory, formatHistory } from "../agent/history.js";
import { ACTION_PHRASES } from "../minigrid/constants.js";
import type { AgentAdvice, MinigridAgent } from "../agent/minigrid-agent.js";

/**
 * An observation with the agent's hint: `hint` (an action index, or a subgoal-verb index),
 * `hint_available`, and the hint's text and reasoning.
 */
export interface HintedObservation extends Observation {
  /** Action index 0–6 (action hints) or subgoal-verb index 0–4, 5 = none (subgoal hints). */
  hint: number;
  /** 1 when this observation carries a fresh hint from the agent. */
  hint_available: 0 | 1;
  /** The agent's answer as text (`move forward`, `pick up the red key`), or null. */
  hint_text: string | null;
  hint_reasoning: string | null;
}

/** Options of {@link HintWrapper}: how often to ask, an error callback and a signal. */
export interface HintWrapperOptions {
  /** Ask the agent every k steps (default 1: every step). */
  every?: number;
  /** Called when an LM call fails (the step goes on without a hint). */
  onError?: (e: unknown) => void;
  signal?: AbortSignal;
}

/** What a hint source needs: the agent's settings and its advice on a text observation. */
export type HintAgent = Pick<MinigridAgent, "hintType" | "encodingType" | "view" | "adviseText"> & {
  /** Past steps the agent sees (its memory: every step the RL agent took this episode); 0 or absent: none. */
  history?: number;
};

/** The `hint` of an observation without an action hint: 6 (`done`), as the original tool. */
export const NO_ACTION_HINT = 6;
/** The `hint` of an observation without a subgoal hint: 5 (none). */
export const NO_SUBGOAL_HINT = SUBGOAL_VERBS.length;

/**
 * An env wrapper that adds a trained agent's hint to each observation, the hint source for RL agents (the
 * original tool's hint wrapper); `reset` and `step` are async.
 */
export class HintWrapper {
  readonly every: number;
  /** LLM queries made (memo hits excluded). */
  queries = 0;
  memoHits = 0;
  lastError: unknown = null;
  private stepsSinceReset = 0;
  private readonly memo = new Map<string, Promise<AgentAdvice>>();
  private memory: AgentMemory | null = null;

  constructor(
    readonly env: MiniGridEnv,
    readonly agent: HintAgent,
    private readonly options: HintWrapperOptions = {},
  ) {
    const every = options.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`every must be a positive integer, got ${every}`);
    this.every = every;
  }

  get hintType(): HintType {
    return this.agent.hintType;
  }

  /** The number of hint values (7 actions, or 5 subgoal verbs + none). */
  get hintSpaceSize(): number {
    return this.hintType === "action" ? 7 : SUBGOAL_VERBS.length + 1;
  }

  async reset(options: { seed?: Seed | null } = {}): Promise<{ obs: HintedObservation; info: ResetResult["info"] }> {
    const r = this.env.reset(options);
    this.stepsSinceReset = 0;
    this.memory = this.agent.history ? new AgentMemory(this.agent.history) : null;
    return { obs: await this.withHint(r.obs), info: r.info };
  }

  async step(action: number): Promise<Omit<StepResult, "obs"> & { obs: HintedObservation }> {
    // With memory, the agent remembers what was seen and done at every step, hinted or not.
    const seen = this.memory ? observationTextSync(stepFromEnv(this.env), this.agent.encodingType, this.agent.view) : null;
    const r = this.env.step(action);
    if (this.memory && seen !== null) this.memory.record(seen, ACTION_PHRASES[action] ?? String(action));
    this.stepsSinceReset++;
    const done = r.terminated || r.truncated;
    return { ...r, obs: done ? this.noHint(r.obs) : await this.withHint(r.obs) };
  }

  private noHint(obs: Observation): HintedObservation {
    return { ...obs, hint: this.hintType === "action" ? NO_ACTION_HINT : NO_SUBGOAL_HINT, hint_available: 0, hint_text: null, hint_reasoning: null };
  }

  private async withHint(obs: Observation): Promise<HintedObservation> {
    if (this.stepsSinceReset % this.every !== 0) return this.noHint(obs);
    const text = await observationText(stepFromEnv(this.env), this.agent.encodingType, this.agent.view);
    // The same state after a different past is a different question for an agent with memory.
    const past = this.memory?.steps ?? [];
    const key = past.length ? `${formatHistory(past)}\n\n${text}` : text;
    let p = this.memo.get(key);
    if (p) this.memoHits++;
    else {
      this.queries++;
      p = this.agent.adviseText(text, { role: "student", ...(this.options.signal ? { signal: this.options.signal } : {}) }, [...past]);
      this.memo.set(key, p);
      p.catch(() => this.memo.delete(key));
    }
    let advice: AgentAdvice;
    try {
      advice = await p;
    } catch (e) {
      if (this.options.signal?.aborted) throw e;
      this.lastError = e;
      this.options.onError?.(e);
      return this.noHint(obs);
    }
    const none = this.noHint(obs);
    if (this.hintType === "action") {
      if (advice.action === null) return { ...none, hint_text: advice.hint, hint_reasoning: advice.reasoning };
      return { ...obs, hint: advice.action, hint_available: 1, hint_text: advice.hint, hint_reasoning: advice.reasoning };
    }
    const verb = advice.hint ? SUBGOAL_VERBS.indexOf(subgoalCategory(advice.hint) as (typeof SUBGOAL_VERBS)[number]) : -1;
    return { ...obs, hint: verb >= 0 ? verb : NO_SUBGOAL_HINT, hint_available: verb >= 0 ? 1 : 0, hint_text: advice.hint, hint_reasoning: advice.reasoning };
  }
}
