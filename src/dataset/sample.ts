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

/** One of the three splits. */
export type SplitName = keyof SplitFractions;

/** The split of each index in a {@link SplitAssignment}'s `split`: 0 train, 1 validation, 2 test. */
const SPLIT_CODE: Record<SplitName, number> = { train: 0, validation: 1, test: 2 };

/**
 * How {@link assignSplits} deals n shuffled items: the fractions, the order the splits are dealt in
 * (each takes its rounded share of the shuffled order; the last takes the rest), and whether every
 * split but the last gets at least one item.
 */
export interface SplitPlan {
  fractions: SplitFractions;
  /** Default train, validation, test. */
  deal?: readonly [SplitName, SplitName, SplitName];
  /** Default false. */
  atLeastOne?: boolean;
}

/** The dataset layer's default: 80/10/10 of the episodes, dealt train first. */
export const DEFAULT_SPLIT_PLAN: SplitPlan = { fractions: { train: 0.8, validation: 0.1, test: 0.1 } };

/** What {@link assignSplits} drew: the shuffled order of the items and the split of each item. */
export interface SplitAssignment {
  /** Item indices in shuffled order (the order they were dealt in). */
  order: number[];
  /** Split of each item (by item index): 0 train, 1 validation, 2 test. */
  split: Uint8Array;
}

/** A seeded Fisher–Yates shuffle of 0…n-1 (from the end, numpy's `integers(0, i + 1)` per swap), then the deal of `plan`. */
export function assignSplits(n: number, plan: SplitPlan, rng: NumpyGenerator): SplitAssignment {
  const fractions = plan.fractions;
  for (const [k, v] of Object.entries(fractions)) if (!(v >= 0)) throw new UserError(`split fraction ${k} must be ≥ 0, got ${v}`);
  const sum = fractions.train + fractions.validation + fractions.test;
  if (!(sum > 0)) throw new UserError("split fractions must not all be 0");
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.integers(0, i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const [first, second, last] = plan.deal ?? ["train", "validation", "test"];
  const share = (name: SplitName) => {
    const k = Math.round((n * fractions[name]) / sum);
    return plan.atLeastOne ? Math.max(1, k) : k;
  };
  const n1 = share(first);
  const n2 = share(second);
  const split = new Uint8Array(n);
  order.forEach((item, pos) => {
    split[item] = SPLIT_CODE[pos < n1 ? first : pos < n1 + n2 ? second : last];
  });
  return { order, split };
}

/** Assign episodes to splits: a seeded shuffle, then the fractions in order train, validation, test. */
export function splitEpisodes(nEpisodes: number, fractions: SplitFractions, rng: NumpyGenerator): Uint8Array {
  return assignSplits(nEpisodes, { fractions }, rng).split;
}

/** The index positions of the steps of each ground-truth action ('0'…'6', ascending). */
export function stepsByAction(index: StepIndex): Map<string, number[]> {
  const byAction = new Map<string, number[]>();
  for (let i = 0; i < index.count; i++) {
    const a = String(index.action[i]!);
    let list = byAction.get(a);
    if (!list) byAction.set(a, (list = []));
    list.push(i);
  }
  return new Map([...byAction].sort(([a], [b]) => Number(a) - Number(b)));
}

/** What {@link sampleByCategory} drew: the chosen item indices (ascending) and the counts per category. */
export interface CategorySample {
  chosen: number[];
  /** Items per category before sampling. */
  available: Record<string, number>;
  /** Items drawn per category. */
  sampled: Record<string, number>;
}

/**
 * Stratified sampling: from each category (in the map's order) `perCategory` items drawn uniformly
 * without replacement with one shared RNG, or every item when `perCategory` is undefined.
 * `onCategory` hears each category's draw (for the original tool's console lines).
 */
export function sampleByCategory(
  groups: ReadonlyMap<string, readonly number[]>,
  perCategory: number | undefined,
  rng: NumpyGenerator,
  onCategory?: (category: string, sampled: number, available: number) => void,
): CategorySample {
  const chosen: number[] = [];
  const available: Record<string, number> = {};
  const sampled: Record<string, number> = {};
  for (const [k, list] of groups) {
    const pick = perCategory === undefined ? list.map((_, i) => i) : sampleWithoutReplacement(list.length, perCategory, rng);
    for (const p of pick) chosen.push(list[p]!);
    available[k] = list.length;
    sampled[k] = pick.length;
    onCategory?.(k, pick.length, list.length);
  }
  chosen.sort((a, b) => a - b);
  return { chosen, available, sampled };
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

  const { chosen } = sampleByCategory(stepsByAction(index), k, new NumpyGenerator(seed), k === undefined ? undefined : (cat, n, of) => log(`Category '${cat}': sampled ${n}/${of} samples`));
  const episodeSplit = splitEpisodes(index.episodes.length, opts.splits ?? DEFAULT_SPLIT_PLAN.fractions, new NumpyGenerator(seed + 1));
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
