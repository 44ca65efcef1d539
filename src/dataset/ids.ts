/**
 * The ids of episodes and steps, spelled one way everywhere: `env_id/seed/episode` and
 * `env_id/seed/episode/step`. Run records keep step ids as example ids, so the spelling is the one
 * they have always had. Parsing reads from the right, so an env id holding a `/` (a Gymnasium
 * namespace) survives.
 */

/** What identifies an episode: the env, its seed and the episode number. */
export interface EpisodeRef {
  env_id: string;
  seed: number;
  episode: number;
}

/** What identifies a step: its episode and the step number. */
export interface StepRef extends EpisodeRef {
  step: number;
}

/** An episode's id, `env_id/seed/episode` (made by {@link episodeId}). */
export type EpisodeId = string & { readonly __kind: "EpisodeId" };
/** A step's id, `env_id/seed/episode/step` (made by {@link stepId}). */
export type StepId = string & { readonly __kind: "StepId" };

/** The id of the episode a record belongs to. */
export function episodeId(r: EpisodeRef): EpisodeId {
  return `${r.env_id}/${r.seed}/${r.episode}` as EpisodeId;
}

/** The id of a step. */
export function stepId(r: StepRef): StepId {
  return `${r.env_id}/${r.seed}/${r.episode}/${r.step}` as StepId;
}

function tail(id: string, n: number, what: string): { env_id: string; nums: number[] } {
  const parts = id.split("/");
  const nums = parts.splice(parts.length - n, n).map(Number);
  const env_id = parts.join("/");
  if (env_id === "" || nums.length !== n || !nums.every(Number.isInteger)) throw new RangeError(`'${id}' is not ${what}`);
  return { env_id, nums };
}

/** The parts of an episode id; a RangeError when `id` is not one. */
export function parseEpisodeId(id: string): EpisodeRef {
  const { env_id, nums } = tail(id, 2, "an episode id (env_id/seed/episode)");
  return { env_id, seed: nums[0]!, episode: nums[1]! };
}

/** The parts of a step id; a RangeError when `id` is not one. */
export function parseStepId(id: string): StepRef {
  const { env_id, nums } = tail(id, 3, "a step id (env_id/seed/episode/step)");
  return { env_id, seed: nums[0]!, episode: nums[1]!, step: nums[2]! };
}
