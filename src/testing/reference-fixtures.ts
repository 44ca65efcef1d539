/**
 * The reference fixtures recorded from Python Minigrid 3.1.0 (`fixtures/minigrid/`, format
 * `minigrid-reference-fixtures/1`, described in fixtures/minigrid/README.md): their record types and
 * how to read them. Shared by the engine's tests and the conformance runner.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/** The env generator's state: 64-bit draws since `reset(seed)`, NumPy's buffered half-word, the LCG state. */
export interface FixtureRng {
  draws: number;
  has_uint32: number;
  uinteger: number;
  state: string;
}

/** One recorded `env.step`: the action and what it returned, and the agent's state after it. */
export interface FixtureStep {
  action: number;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  agent_pos: [number, number];
  agent_dir: number;
  carrying: [string, string] | null;
  image: string;
  mission?: string;
}

/** One recorded episode: `reset(seed)` of `env_id`, then the steps (grids and images as digit strings). */
export interface FixtureEpisode {
  env_id: string;
  seed: number;
  mission: string;
  width: number;
  height: number;
  max_steps: number;
  agent_view_size: number;
  see_through_walls: boolean;
  agent_pos: [number, number];
  agent_dir: number;
  carrying: [string, string] | null;
  grid: string;
  image: string;
  rng_after_reset: FixtureRng;
  steps: FixtureStep[];
  end: string;
  final_grid: string;
  rng_final: FixtureRng;
  bot?: FixtureBot | null;
}

/** Python BabyAIBot's episode from a fresh `reset(seed)` (BabyAI records only). */
export interface FixtureBot {
  actions: string;
  steps: number;
  terminated: boolean;
  truncated: boolean;
  reward: number;
  success: boolean;
  error: string | null;
  known_unsupported?: boolean;
}

/** A whole suite file (`minigrid.json` or `babyai.json`). */
export interface FixtureFile {
  format: string;
  suite: string;
  episodes: FixtureEpisode[];
  env_ids: string[];
}

/** An encoding as the fixtures store it: one decimal digit per value (every value is 0..9). */
export function digits(a: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** A fixture file's text; `.gz` files (the large Minigrid suites) are decompressed. */
export function readFixtureText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
}

/** A Minigrid suite file, checked to be `minigrid-reference-fixtures/1`. */
export function loadFixtureFile(path: string): FixtureFile {
  const data = JSON.parse(readFixtureText(path)) as FixtureFile;
  if (data.format !== "minigrid-reference-fixtures/1" || !Array.isArray(data.episodes)) {
    throw new Error(`${path}: not a minigrid-reference-fixtures/1 file`);
  }
  return data;
}

/**
 * One episode of a suite file's text, found by its line (each episode is one line) rather than by
 * parsing the whole file.
 */
export function episodeFromText(text: string, envId: string, seed: number): FixtureEpisode {
  const start = text.indexOf(`{"env_id":"${envId}","seed":${seed},`);
  if (start < 0) throw new Error(`no recorded episode for ${envId} seed ${seed}`);
  const line = text.slice(start, text.indexOf("\n", start)).replace(/,\s*$/, "");
  return JSON.parse(line) as FixtureEpisode;
}
