/**
 * Training examples with memory: for each sampled step, the steps before it in its dataset episode
 * (at most K, oldest first), read through the dataset layer's index. The collector writes an
 * episode's steps one after another from step 0, so step s − d of an episode sits d lines before
 * step s; each one read is checked to be that step.
 */
import { DatasetError, indexDataset, openDataset, readSteps, type StepRecord } from "../dataset/index.js";

/** The up-to-`k` steps before each step of `steps`, in the same order as `steps`. */
export async function previousSteps(datasetPath: string, steps: readonly StepRecord[], k: number): Promise<StepRecord[][]> {
  if (k <= 0) return steps.map(() => []);
  const ds = openDataset(datasetPath);
  const index = await indexDataset(ds);
  // Each episode's first line; a step's line is its episode's first line plus its step number.
  const first = new Map<string, number>();
  for (let i = index.count - 1; i >= 0; i--) first.set(index.episodes[index.episodeOf[i]!]!, i);
  const wanted: number[] = [];
  const plan = steps.map((s) => {
    const start = first.get(`${s.env_id}|${s.seed}|${s.episode}`);
    if (start === undefined) throw new DatasetError(`${datasetPath}: step ${s.env_id}/${s.seed}/${s.episode}/${s.step} is not in the dataset`);
    const from = Math.max(0, s.step - k);
    const lines: number[] = [];
    for (let t = from; t < s.step; t++) {
      lines.push(wanted.length);
      wanted.push(start + t);
    }
    return lines;
  });
  const read = readSteps(ds, index, wanted);
  return steps.map((s, i) =>
    plan[i]!.map((w, d) => {
      const r = read[w]!;
      const t = Math.max(0, s.step - k) + d;
      if (r.env_id !== s.env_id || r.seed !== s.seed || r.episode !== s.episode || r.step !== t) {
        throw new DatasetError(`${datasetPath}: the steps of episode ${s.env_id}/${s.seed}/${s.episode} are not stored in order from step 0 (expected step ${t}); re-collect the dataset`);
      }
      return r;
    }),
  );
}
