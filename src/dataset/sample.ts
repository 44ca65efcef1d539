/**
 * Demonstrations from a dataset: stratified sampling per category (the ground-truth action) and
 * train/validation/test splits by episode — every step of an episode lands in the same split.
 *
 *     const demos = await loadDemonstrations("dataset_9env_…", { samplesPerCategory: 50, seed: 0, log: console.log });
 *     // Loaded 2843 demonstrations
 *     // Available categories: {'0': 446, '1': 247, '2': 1800, '3': 150, '4': 50, '5': 150}
 *     // Category '0': sampled 50/446 samples
 *     // …
 *     demos.train, demos.validation, demos.test   // StepRecord[]
 */
import { NumpyGenerator } from "../minigrid/rng.js";
import { UserError } from "../util/errors.js";
import { formatCategories, indexDataset, openDataset, readSteps, type Dataset, type StepIndex } from "./load.js";
import type { StepRecord } from "./record.js";
import type { ProgressCallback } from "../util/progress.js";

/** Fractions of the episodes in the train, validation and test splits (normalised by their sum). */
export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

/** Options of {@link loadDataset}: steps per category, the seed, the split fractions and a log callback. */
export interface LoadOptions {
  /** Steps to sample per category (all of a category when it has fewer); omit to keep every step. */
  samplesPerCategory?: number;
  /** Seed of the sampling and of the split (default 0). */
  seed?: number;
  /** Fractions of the episodes in each split (default 0.8 / 0.1 / 0.1). */
  splits?: SplitFractions;
  /** Where the progress lines go (default: nowhere). */
  log?: (line: string) => void;
  /** Cancels the load: checked between chunks of steps.jsonl; an abort rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with `{phase: "index", done, total}` in bytes of steps.jsonl while the steps are indexed. */
  progress?: ProgressCallback;
}

/**
 * A loaded dataset: the train, validation and test steps (split by episode) with the dataset and its
 * index.
 */
export interface Demonstrations {
  dataset: Dataset;
  index: StepIndex;
  train: StepRecord[];
  validation: StepRecord[];
  test: StepRecord[];
  /** Split of each episode (index into `index.episodes`): 0 train, 1 validation, 2 test. */
  episodeSplit: Uint8Array;
}

/** Pick k of n positions uniformly without replacement (partial Fisher–Yates), ascending. */
export function sampleWithoutReplacement(n: number, k: number, rng: NumpyGenerator): number[] {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = rng.integers(i, n);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return Array.from(idx.subarray(0, m)).sort((a, b) => a - b);
}

/** Assign episodes to splits: a seeded shuffle, then the fractions in order train, validation, test. */
export function splitEpisodes(nEpisodes: number, fractions: SplitFractions, rng: NumpyGenerator): Uint8Array {
  const { train, validation, test } = fractions;
  for (const [k, v] of Object.entries(fractions)) if (!(v >= 0)) throw new UserError(`split fraction ${k} must be ≥ 0, got ${v}`);
  const sum = train + validation + test;
  if (!(sum > 0)) throw new UserError("split fractions must not all be 0");
  const order = Array.from({ length: nEpisodes }, (_, i) => i);
  for (let i = nEpisodes - 1; i > 0; i--) {
    const j = rng.integers(0, i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const nTrain = Math.round((nEpisodes * train) / sum);
  const nVal = Math.round((nEpisodes * validation) / sum);
  const out = new Uint8Array(nEpisodes);
  order.forEach((e, pos) => {
    out[e] = pos < nTrain ? 0 : pos < nTrain + nVal ? 1 : 2;
  });
  return out;
}

/**
 * Loads a dataset directory: optional stratified sampling per ground-truth action, then a seeded split by
 * episode (80/10/10 by default); logs the original tool's lines. Exported as {@link loadDataset}.
 * `opts.signal` cancels it between chunks of steps.jsonl; `opts.progress` reports the indexing in bytes.
 *
 * @example
 * ```ts
 * const demos = await loadDataset("datasets/9env", {
 *   samplesPerCategory: 50,
 *   signal: AbortSignal.timeout(30_000),
 *   progress: (e) => process.stderr.write(`\rindexing ${((100 * e.done) / e.total).toFixed(0)}%`),
 * });
 * ```
 */
export async function loadDemonstrations(dir: string, opts: LoadOptions = {}): Promise<Demonstrations> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 0;
  const k = opts.samplesPerCategory;
  if (k !== undefined && (!Number.isInteger(k) || k < 1)) throw new UserError(`samplesPerCategory must be a positive integer, got ${k}`);
  const dataset = openDataset(dir);
  const index = await indexDataset(dataset, { signal: opts.signal, progress: opts.progress });
  log(`Loaded ${index.count} demonstrations`);
  log(`Available categories: ${formatCategories(index.categories)}`);

  let chosen: number[];
  if (k === undefined) {
    chosen = Array.from({ length: index.count }, (_, i) => i);
  } else {
    const rng = new NumpyGenerator(seed);
    const byCategory = new Map<number, number[]>();
    for (let i = 0; i < index.count; i++) {
      const a = index.action[i]!;
      let list = byCategory.get(a);
      if (!list) byCategory.set(a, (list = []));
      list.push(i);
    }
    chosen = [];
    for (const cat of [...byCategory.keys()].sort((a, b) => a - b)) {
      const list = byCategory.get(cat)!;
      const pick = sampleWithoutReplacement(list.length, k, rng);
      for (const p of pick) chosen.push(list[p]!);
      log(`Category '${cat}': sampled ${pick.length}/${list.length} samples`);
    }
    chosen.sort((a, b) => a - b);
  }
  const episodeSplit = splitEpisodes(index.episodes.length, opts.splits ?? { train: 0.8, validation: 0.1, test: 0.1 }, new NumpyGenerator(seed + 1));
  opts.signal?.throwIfAborted();
  const records = readSteps(dataset, index, chosen);
  const train: StepRecord[] = [];
  const validation: StepRecord[] = [];
  const test: StepRecord[] = [];
  chosen.forEach((i, n) => {
    const split = episodeSplit[index.episodeOf[i]!]!;
    (split === 0 ? train : split === 1 ? validation : test).push(records[n]!);
  });
  return { dataset, index, train, validation, test, episodeSplit };
}
