/**
 * BALROG's BabyAI protocol, as its code has it (github:balrog-ai/BALROG, snapshot of 2026-03-16):
 * the five `BabyAI-MixedTrainLocal-v0` tasks with `num_dists: 0` (config `envs.babyai_kwargs`), 10
 * episodes per task (`eval.num_episodes.babyai`), the episode's own `max_steps` (config
 * `eval.max_steps_per_episode: null`), the six-action language vocabulary with "go forward" as the
 * default action (`BabyAITextCleanLangWrapper`), the instruction prompt
 * (`environments/babyai_text/__init__.py`), the naive agent's closing instruction and answer filter
 * (`agents/naive.py`), and the feedback on an invalid answer (`evaluator.py`).
 *
 * Seeding. BALROG's config leaves `envs.env_kwargs.seed` null, so every episode draws
 * `get_unique_seed()`: the first 8 hex digits of sha256(f"{pid}_{process}_{episode}_{time_ns}"), an
 * unreproducible 32-bit seed passed to `env.reset(seed=…)`. Here the same construction hashes
 * `${seed}_${task}_${episode}` instead (the run's `--seed`, the task id, the episode index), so seeds
 * have BALROG's distribution and a run is reproducible; Python's `episode_seed` in the fixtures'
 * recorder computes the same numbers. (BALROG with a fixed config seed would replay that one seed
 * in every episode.)
 */
import { createHash } from "node:crypto";
import { BALROG_TASK_IDS } from "../../../minigrid/babyai/balrog.js";

/** BALROG's BabyAI task ids (`tasks.babyai_tasks`), in its order. */
export const BALROG_BABYAI_TASKS: readonly string[] = BALROG_TASK_IDS;
/** Episodes per task (`eval.num_episodes.babyai`). */
export const BALROG_BABYAI_EPISODES = 10;
/** The level options BALROG passes to `gym.make` (`envs.babyai_kwargs`). */
export const BALROG_BABYAI_ENV_OPTIONS = { num_dists: 0 } as const;
/** Text observations the naive agent keeps (`agent.max_text_history`). */
export const BALROG_MAX_TEXT_HISTORY = 16;
/** BALROG's client sampling defaults (`client.generate_kwargs`). */
export const BALROG_GENERATE_DEFAULTS = { temperature: 1.0, maxTokens: 8192 } as const;

/** The six language actions, index-aligned with Minigrid's actions 0–5 (no `done`). */
export const BALROG_ACTIONS = ["turn left", "turn right", "go forward", "pick up", "drop", "toggle"] as const;
/** One of {@link BALROG_ACTIONS}. */
export type BalrogAction = (typeof BALROG_ACTIONS)[number];
/** What an invalid answer becomes. */
export const BALROG_DEFAULT_ACTION: BalrogAction = "go forward";

const ACTION_DESCRIPTIONS: Record<BalrogAction, string> = {
  "turn left": "turn to the left",
  "turn right": "turn to the right",
  "go forward": "take one step forward",
  "pick up": "pick up the object below you",
  drop: "drop the object that you are holding",
  toggle: "manipulate the object in front of you",
};

/** BALROG's instruction prompt for a mission (its first, "user", message). */
export function balrogInstructionPrompt(mission: string): string {
  const actions = BALROG_ACTIONS.map((a) => `${a}: ${ACTION_DESCRIPTIONS[a]}`).join(",\n");
  return [
    `You are an agent playing a simple navigation game. Your goal is to ${mission}. The following are the possible actions you can take in the game, followed by a short description of each action:`,
    "",
    `${actions}.`,
    "",
    "In a moment I will present you an observation.",
    "",
    "Tips:",
    "- Once the desired object you want to interact or pickup in front of you, you can use the 'toggle' action to interact with it.",
    "- It doesn't make sense to repeat the same action over and over if the observation doesn't change.",
    "",
    "PLAY!",
  ].join("\n");
}

/** What the naive agent appends to the last user message, after a blank line. */
export const NAIVE_INSTRUCTION =
  "You always have to output one of the above actions at a time and no other text. You always have to output an action until the episode terminates.";

/**
 * The naive agent's reading of a reply: the client's `.strip()`, then only letters, whitespace and
 * colons are kept (`re.sub(r"[^a-zA-Z\s:]", "", …)`).
 */
export function naiveCompletion(reply: string): string {
  return reply.trim().replace(/[^a-zA-Z\s:]/g, "");
}

/** `check_action_validity`: the answer when it is one of the six actions exactly, else the default. */
export function validAction(completion: string): { action: BalrogAction; valid: boolean } {
  const valid = (BALROG_ACTIONS as readonly string[]).includes(completion);
  return { action: valid ? (completion as BalrogAction) : BALROG_DEFAULT_ACTION, valid };
}

/** The observation text after an invalid answer (BALROG's `feedback_on_invalid_action`). */
export function invalidActionFeedback(action: BalrogAction, observation: string): string {
  return `\n\nYour previous output did not contain a valid action. Defaulted to action: ${action}\n\nObservation:\n${observation}`;
}

/** The reproducible stand-in for BALROG's unseeded `get_unique_seed` (see the file comment). */
export function balrogEpisodeSeed(seed: number, task: string, episode: number): number {
  return parseInt(createHash("sha256").update(`${seed}_${task}_${episode}`).digest("hex").slice(0, 8), 16);
}
