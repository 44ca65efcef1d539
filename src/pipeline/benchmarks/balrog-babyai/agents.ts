/**
 * The players of BALROG's BabyAI protocol. Each makes a fresh per-episode player (BALROG's
 * `agent_factory.create_agent()` / `agent.reset()`), which is told the instruction prompt once and
 * then asked for one answer per step; the runner turns answers into actions exactly as BALROG does.
 *
 * - {@link naiveAgent}: BALROG's `NaiveAgent` with any {@link LM} — the history prompt (last 16
 *   observations), the closing instruction on the last message, the letters-only filter.
 * - {@link minigridAgentPlayer}: a trained {@link MinigridAgent} under the same protocol: it reads the
 *   live env in its own encoding (and its memory of the episode, if it has one) and names one of
 *   Minigrid's actions, written in BALROG's vocabulary ("done" or no action is an invalid answer).
 * - {@link botPlayer}: the BabyAI bot, the harness's sanity check (it should reach ~100%).
 */
import type { LM } from "../../../lm/types.js";
import type { MiniGridEnv } from "../../../minigrid/minigrid-env.js";
import { BabyAIBot } from "../../../minigrid/babyai/bot.js";
import { RoomGridLevel } from "../../../minigrid/babyai/roomgrid-level.js";
import type { MinigridAgent } from "../../../agent/minigrid-agent.js";
import { AgentMemory } from "../../../agent/history.js";
import { BalrogPromptBuilder } from "./prompt-builder.js";
import { BALROG_ACTIONS, BALROG_GENERATE_DEFAULTS, BALROG_MAX_TEXT_HISTORY, NAIVE_INSTRUCTION, naiveCompletion } from "./protocol.js";

/** What a player sees at a step: BALROG's observation text, the mission, the live env, the episode's id. */
export interface BalrogStepInput {
  /** The wrapper's observation text (with BALROG's invalid-answer feedback when there was one). */
  observation: string;
  mission: string;
  env: MiniGridEnv;
  /** `<task>/<episode>`, for rollout ids (one fresh sample per episode, cached on a rerun). */
  episodeId: string;
  step: number;
  signal?: AbortSignal;
}

/** A player's answer: the completion BALROG checks against the six actions, tokens, and reasoning if any. */
export interface BalrogReply {
  completion: string;
  inputTokens: number;
  outputTokens: number;
  reasoning?: string;
}

/** One episode's player. `prevAction` is BALROG's: the previous completion (not the defaulted action). */
export interface BalrogEpisodePlayer {
  start(instruction: string): void;
  act(input: BalrogStepInput, prevAction: string | null): Promise<BalrogReply>;
}

/** An agent under the protocol: a name for the tables, what it is, and a player per episode. */
export interface BalrogAgent {
  readonly name: string;
  /** What the run record says about it (kind, model, settings; never a secret). */
  readonly describe: Record<string, unknown>;
  episode(): BalrogEpisodePlayer;
}

/** Options of {@link naiveAgent}: BALROG's `agent.max_text_history` and `client.generate_kwargs`. */
export interface NaiveAgentOptions {
  name?: string;
  maxTextHistory?: number;
  temperature?: number;
  maxTokens?: number;
}

/** BALROG's naive agent with an LM (see the file comment). */
export function naiveAgent(lm: LM, options: NaiveAgentOptions = {}): BalrogAgent {
  const maxTextHistory = options.maxTextHistory ?? BALROG_MAX_TEXT_HISTORY;
  const temperature = options.temperature ?? BALROG_GENERATE_DEFAULTS.temperature;
  const maxTokens = options.maxTokens ?? BALROG_GENERATE_DEFAULTS.maxTokens;
  return {
    name: options.name ?? lm.model,
    describe: { kind: "naive", model: lm.model, max_text_history: maxTextHistory, temperature, max_tokens: maxTokens },
    episode() {
      const builder = new BalrogPromptBuilder(maxTextHistory);
      return {
        start: (instruction) => builder.setInstruction(instruction),
        async act(input, prevAction) {
          // Python's `if prev_action:` skips an empty previous completion.
          if (prevAction) builder.addAction(prevAction);
          builder.addObservation(input.observation);
          const messages = builder.messages();
          const last = messages[messages.length - 1];
          if (last && last.role === "user") last.content += "\n\n" + NAIVE_INSTRUCTION;
          const r = await lm.chat(messages, {
            temperature,
            maxTokens,
            role: "agent",
            rolloutId: `${input.episodeId}/${input.step}`,
            ...(input.signal ? { signal: input.signal } : {}),
          });
          return { completion: naiveCompletion(r.text), inputTokens: r.usage.promptTokens, outputTokens: r.usage.completionTokens };
        },
      };
    },
  };
}

/** A trained MinigridAgent under the protocol (see the file comment). */
export function minigridAgentPlayer(agent: MinigridAgent, name?: string): BalrogAgent {
  return {
    name: name ?? String(agent.meta["model_name"] ?? agent.act.predict.lm?.model ?? "minigrid-agent"),
    describe: { kind: "minigrid-agent", model: agent.act.predict.lm?.model ?? null, hint_type: agent.hintType, encoding_type: agent.encodingType, view: agent.view, history: agent.history },
    episode() {
      const memory = new AgentMemory(agent.history);
      return {
        start: () => {},
        async act(input) {
          const advice = await agent.advise(input.env, { role: "agent", ...(input.signal ? { signal: input.signal } : {}) }, memory);
          memory.recordAdvice(advice);
          const action = advice.action !== null && advice.action < BALROG_ACTIONS.length ? BALROG_ACTIONS[advice.action]! : (advice.hint ?? "");
          return { completion: action, inputTokens: 0, outputTokens: 0, ...(advice.reasoning ? { reasoning: advice.reasoning } : {}) };
        },
      };
    },
  };
}

/** The BabyAI bot as a player (no LM): the protocol's sanity check. */
export function botPlayer(): BalrogAgent {
  return {
    name: "babyai-bot",
    describe: { kind: "babyai-bot" },
    episode() {
      let bot: BabyAIBot | null = null;
      let last: number | null = null;
      return {
        start: () => {},
        async act(input) {
          if (!(input.env instanceof RoomGridLevel)) throw new TypeError("the BabyAI bot plays BabyAI levels only");
          bot ??= new BabyAIBot(input.env);
          const a = bot.replan(last);
          last = a;
          return { completion: BALROG_ACTIONS[a] ?? "done", inputTokens: 0, outputTokens: 0 };
        },
      };
    },
  };
}
