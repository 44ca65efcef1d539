/**
 * The dataset format `gridtune-dataset/1`: a directory with
 *
 * - `manifest.json`: format, versions, the collection options, counts per env and per category;
 * - `episodes.jsonl`: one line per episode — env_id, seed, episode, length, success, return (plus
 *   optimal_exact and planner);
 * - `steps.jsonl`: one line per step, describing the state in which the action is taken (StepRecord).
 *
 * Coordinates: `agent_pos` is [x, y] (x = column, y = row, origin top-left); `agent_dir` 0 right,
 * 1 down, 2 left, 3 up. `image` is obs["image"] (view×view×3) flattened in numpy C order [x][y][c];
 * `grid` is the full-grid encoding (width×height×3, agent not drawn) flattened [x][y][c].
 * `reward`, `terminated`, `truncated` are what `step(action)` returned.
 */
import type { ActionIndex } from "../minigrid/constants.js";

/** The dataset format id written in every manifest (`gridtune-dataset/1`). */
export const DATASET_FORMAT = "gridtune-dataset/1";
/** The manifest's file name inside a dataset directory. */
export const MANIFEST_FILE = "manifest.json";
/** The episode file's name inside a dataset directory (one JSON line per episode). */
export const EPISODES_FILE = "episodes.jsonl";
/** The step file's name inside a dataset directory (one JSON line per step). */
export const STEPS_FILE = "steps.jsonl";

/** One step: the state in which the action is taken, the action, and what it returned. */
export interface StepRecord {
  env_id: string;
  seed: number;
  episode: number;
  step: number;
  mission: string;
  width: number;
  height: number;
  agent_pos: [number, number];
  agent_dir: number;
  /** [type, color] of the carried object, or null. */
  carrying: [string, string] | null;
  image: number[];
  grid: number[];
  action: ActionIndex;
  optimal_actions: ActionIndex[];
  optimal_exact: boolean;
  subgoal: string;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  /** BabyAI only: whether the bot's action lies in the exact optimal set. */
  bot_optimal?: boolean;
}

/**
 * One line of `episodes.jsonl`: an episode's env, seed and number, length, success, return and how the
 * expert planned it.
 */
export interface EpisodeRecord {
  env_id: string;
  seed: number;
  episode: number;
  length: number;
  success: boolean;
  return: number;
  /** Every step of the episode had an exact optimal set. */
  optimal_exact: boolean;
  /** How the expert planned: grid | env | approx | dynamic | none; "bot" for BabyAI ids (the BabyAI bot). */
  planner: string;
}

/** The collection options as the manifest records them. */
export interface CollectOptionsRecord {
  envs: string;
  env_ids: string[];
  seeds: string;
  seed_list: number[];
  episodes: number;
  max_steps: number | null;
  /** Present (true) when BabyAI instructions succeeded only on `done` (Python's `BABYAI_DONE_ACTIONS`). */
  done_actions?: true;
}

/** Per-env counts in a manifest: episodes, steps, successes and fully exact episodes. */
export interface EnvCounts {
  episodes: number;
  steps: number;
  successes: number;
  /** Episodes whose every step had an exact optimal set. */
  exact_episodes: number;
}

/**
 * A dataset's `manifest.json`: format, versions, the collection options, counts per env and per action,
 * and the file names.
 */
export interface Manifest {
  format: typeof DATASET_FORMAT;
  versions: { gridtune: string; minigrid: string; node: string };
  created: string;
  options: CollectOptionsRecord;
  /** The expert's documented tie-break among optimal actions. */
  tie_break: string[];
  counts: {
    episodes: number;
    steps: number;
    successes: number;
    per_env: Record<string, EnvCounts>;
    /** Steps per ground-truth action ('0'…'6'). */
    per_category: Record<string, number>;
  };
  files: { episodes: string; steps: string };
  /** Present when BabyAI ids were collected (see BABYAI_NOTE). */
  babyai?: { note: string; skipped: SkippedEpisode[]; per_env: Record<string, BabyAIStats> };
}

/** An episode the BabyAI bot could not play (BotError): not recorded; its index keeps its place in the reset protocol. */
export interface SkippedEpisode {
  env_id: string;
  seed: number;
  episode: number;
  /** The step at which the bot raised. */
  step: number;
  error: string;
}

/**
 * Per-env notes on BabyAI episodes in a manifest: how often the bot's action lay outside the optimal set
 * and how often the exact model was contradicted.
 */
export interface BabyAIStats {
  /** Steps whose bot action lay outside the exact optimal set (the recorded action is the bot's anyway). */
  bot_suboptimal_steps: number;
  /** Exact-model predictions the real env contradicted (the episode's later steps then went inexact). */
  model_mismatches: number;
  exact_searches: number;
  /** Searches that passed the state budget (those steps are recorded with optimal_exact false). */
  budget_exceeded: number;
}

export const BABYAI_NOTE =
  "BabyAI ids: action = the BabyAI bot's (the reference demonstrator); subgoal = the bot's current subgoal " +
  "(go to/pick up/open/close/drop the <color> <type>, 'go to the cell x,y', 'explore', 'done'); optimal_actions = the exact " +
  "optimal set (A* over a compact model whose success check mirrors the instruction's verifier, checked against the real env " +
  "after every step) for single-clause instructions and for sequences ('then', 'after you', 'and') of descriptions without a location " +
  "where no pick up or put next waits behind another clause (the model then also tracks which parts are done), within a 200 000-state budget per search and 400 000 per episode, else [bot action] with optimal_exact false; " +
  "bot_optimal says whether the bot's action lies in the exact set. Episodes where the bot raises (BotError) are skipped and " +
  "listed under skipped; episodes the bot fails (truncated or failed verifier) are recorded with success false. planner = 'bot'.";
