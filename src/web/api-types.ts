/**
 * The JSON the dashboard's API returns, shared by the server (src/web/*.ts) and the browser app
 * (src/web/client): types, and the two constant lists both sides validate against.
 */

import type { EpisodeRecord, StepRecord } from "../dataset/record.js";
import type { EvaluatedExample, Verdict } from "../pipeline/run-info.js";

/** Every error response: `{ error }` with a 4xx/5xx status. */
export interface ApiError {
  error: string;
}

/** A page of a longer list. */
export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

export interface ServerInfo {
  version: string;
  runs_dir: string | null;
  datasets_dir: string | null;
  /** The agent loaded with --model-path (Play's hint panel), or null. */
  agent: { name: string } | null;
  /** Whether src/encoding is available to compute the four text encodings. */
  encodings_available: boolean;
}

// --- datasets -----------------------------------------------------------------------------------

export interface EnvCount {
  episodes: number;
  steps: number;
}

export interface DatasetSummary {
  /** Path relative to the datasets directory, '/'-separated; the key in every dataset URL. */
  id: string;
  name: string;
  format: string;
  created_at: string | null;
  episodes: number;
  steps: number;
  /** Steps and episodes per env id. */
  per_env: Record<string, EnvCount>;
  /** Steps per category: the ground-truth action index as a string ('0'…'6'). */
  per_category: Record<string, number>;
  /** Set when the manifest could not be read: the dataset is listed but cannot be opened. */
  error?: string;
}

export interface DatasetDetail extends DatasetSummary {
  options: Record<string, unknown>;
}

/** An episode of episodes.jsonl, with its ordinal there (the key in episode URLs). */
export interface EpisodeSummary extends Pick<EpisodeRecord, "env_id" | "seed" | "episode" | "length" | "success" | "return"> {
  index: number;
}

/** One dataset step without its bulky arrays (the images come from the render route). */
export type StepView = Pick<
  StepRecord,
  "step" | "mission" | "width" | "height" | "agent_pos" | "agent_dir" | "carrying" | "action" | "optimal_actions" | "optimal_exact" | "subgoal" | "reward" | "terminated" | "truncated"
>;

export interface EpisodeDetail extends EpisodeSummary {
  dataset: string;
  /** How many episodes the dataset has (for next/previous). */
  episodes_total: number;
  steps: StepView[];
}

export type EncodingType = "ascii" | "natural" | "tuples" | "relative";
export const ENCODING_TYPES: readonly EncodingType[] = ["ascii", "natural", "tuples", "relative"];

export interface EncodingsResponse {
  view: "agent" | "full";
  /** Always true (kept for clients of the first API version). */
  available: boolean;
  reason: string | null;
  /** Each encoding's text, or an `error:` line when that encoder failed. */
  encodings: Partial<Record<EncodingType, string>>;
  /** The agent's view in the ascii encoding (the panel's text when the encodings are unavailable). */
  raw: string;
}

// --- runs ---------------------------------------------------------------------------------------

export type { Verdict };

/** One row of the runs table. */
export interface RunRow {
  /** Path of the `_info.json` relative to the runs directory, without `_info.json`. */
  id: string;
  model_name: string;
  created_at: string | null;
  /** The run outcome: "completed" | "degraded" | "failed" | "stopped" (see {@link RUN_STATUSES}), or null. */
  status: string | null;
  /** The run record's `outcome_message` (why a run is degraded, failed or stopped), or null. */
  outcome_message: string | null;
  /** LM calls that failed after retries, summed over the record's `failures`, or null without them. */
  failed_calls: number | null;
  student: string | null;
  teacher: string | null;
  assessor: string | null;
  hint: string | null;
  encoding: string | null;
  view: string | null;
  metric: string | null;
  dataset: string | null;
  n: number | null;
  accuracy: number | null;
  exact: number | null;
  optimal_alternatives: number | null;
  ai_reasonable: number | null;
  calls: number | null;
  cost_usd: number | null;
  /** Set when the file could not be read as a run record. */
  error?: string;
}

/** The outcomes a run record's `status` can name (the pipeline's run outcome). */
export const RUN_STATUSES = ["completed", "degraded", "failed", "stopped"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One role's failed LM calls in a run record's `failures` (a degraded or failed run). */
export interface RoleFailure {
  role: string;
  model: string;
  calls: number;
  failed: number;
  /** Failed calls per reason (e.g. "429 rate limit": 3). */
  reasons: Record<string, number>;
}

export const RUN_SORT_KEYS = [
  "created_at",
  "model_name",
  "student",
  "teacher",
  "hint",
  "encoding",
  "accuracy",
  "exact",
  "optimal_alternatives",
  "ai_reasonable",
  "calls",
  "cost_usd",
  "status",
] as const;
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];

/** The run page: the run record without its examples (those are paged), plus example counts. */
export interface RunDetail {
  id: string;
  /** The RunInfo (src/pipeline/run-info.ts) minus `examples`, secrets redacted. */
  info: Record<string, unknown>;
  examples_total: number;
  failures_total: number;
  verdicts: Record<string, number>;
  /** The dataset the run was made from, when it is under --datasets (to render observations). */
  dataset_id: string | null;
}

/** One evaluated example of a run as the API serves it: the run record's entry plus its position. */
export interface ExampleView extends Omit<EvaluatedExample, "assessor_reasoning" | "error"> {
  /** Position in the run's `examples` array; the key of its render URL. */
  index: number;
  assessor_reasoning: string | null;
  error: string | null;
  /** The example's dataset step can be drawn (the dataset is under --datasets). */
  renderable: boolean;
  /** The example's episode in that dataset (a link to the episode player), or null. */
  episode_index: number | null;
}

// --- play ---------------------------------------------------------------------------------------

export interface EnvListItem {
  id: string;
  family: string;
}

export interface PlayState {
  id: string;
  env_id: string;
  seed: number;
  mission: string;
  step: number;
  max_steps: number;
  agent_pos: [number, number];
  agent_dir: number;
  carrying: [string, string] | null;
  /** Reward of the last step (0 after a reset). */
  reward: number;
  /** Sum of rewards this episode. */
  return: number;
  terminated: boolean;
  truncated: boolean;
  actions: number[];
  /** The expert's advice for this state (what `gridtune play` prints); null once the episode is over or when it cannot plan. */
  expert: ExpertHint | null;
  /** Why the expert could not plan this env (unsupported, search budget), else null. */
  expert_error: string | null;
}

/** The optimal expert's advice for a state: its action, every optimal action and the subgoal. */
export interface ExpertHint {
  action: number;
  /** Every optimal action, ascending. */
  optimal_actions: number[];
  /** Whether `optimal_actions` is the exact optimal set (false for approximate planners). */
  optimal_exact: boolean;
  subgoal: string;
}

/**
 * An agent's advice as the dashboard shows it (exported as `PlayAgentAdvice`): the action, the hint text
 * and the reasoning.
 */
export interface AgentAdvice {
  /** The action the agent would take (0–6), or null when its answer could not be parsed. */
  action: number | null;
  /** The hint as the agent phrases it (an action phrase or a subgoal). */
  hint: string | null;
  reasoning: string | null;
  /** The observation text the agent read, when it reports it. */
  observation?: string | null;
}
