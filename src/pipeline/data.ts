/**
 * The pipeline's data, on the dataset layer (src/dataset): a collected dataset directory, stratified
 * sampling per category (the action, or the subgoal's verb for subgoal hints), a split by episode into
 * train / val / test, and the DSPy examples the agent learns from. The console lines are the original
 * tool's.
 *
 * The split is the dataset layer's splitter with the pipeline's plan ({@link PIPELINE_SPLIT_PLAN}):
 * 60 / 20 / 20 of the episodes, test dealt first, then val, at least one episode each, shuffled with
 * seed + 1 — what the pipeline has always drawn, so earlier runs' splits are reproduced. (The dataset
 * layer's own `loadDataset` defaults to 80 / 10 / 10, dealt train first.)
 */
import { Example } from "../dspy/index.js";
import { NumpyGenerator } from "../minigrid/rng.js";
import {
  DatasetError,
  assignSplits,
  formatCategories,
  indexDataset,
  openDataset,
  parseEpisodeId,
  readSteps,
  sampleByCategory,
  stepId,
  stepsByAction,
  episodeId,
  type EpisodeId,
  type SplitPlan,
  type StepId,
  type StepRecord,
} from "../dataset/index.js";
import { actionPhrase, subgoalCategory, type EncodingType, type HintType, type ViewType } from "../agent/actions.js";
import { observationText } from "../agent/observation.js";
import { formatHistory } from "../agent/history.js";

export { DatasetError };
export type { StepRecord };

/**
 * What {@link sampleDataset} drew: the dataset's size, episodes and envs, the counts per category
 * available and sampled, and the drawn steps.
 */
export interface SampledData {
  path: string;
  /** Steps in the dataset. */
  totalSteps: number;
  /** Episodes in the dataset. */
  episodes: EpisodeId[];
  envs: string[];
  /** Steps per category in the dataset. */
  available: Record<string, number>;
  /** Steps drawn per category. */
  sampled: Record<string, number>;
  /** The drawn steps, in file order. */
  steps: StepRecord[];
}

/** The pipeline's split of sampled steps: train, val (MIPROv2's trials) and test, by episode. */
export interface Splits {
  train: StepRecord[];
  val: StepRecord[];
  test: StepRecord[];
  /** "episode" normally; "step" when the sample has fewer than three episodes. */
  by: "episode" | "step";
}

/** The id `env_id/seed/episode` of a step's episode (the dataset layer's {@link episodeId}). */
export const episodeKey = episodeId;

/** A step's category: its action index (as text) for action hints, its subgoal's verb for subgoal hints. */
export function categoryOf(s: Pick<StepRecord, "action" | "subgoal">, hint: HintType): string {
  return hint === "subgoal" ? subgoalCategory(s.subgoal ?? "") : String(s.action);
}

/**
 * Loads a dataset and draws `perCategory` steps of each category (every step when undefined), seeded.
 * `log` receives `✅ Loaded N demonstrations`, `📊 Available categories: {...}` and
 * `Category 'k': sampled x/y samples`. Missing, empty or corrupt datasets throw a DatasetError.
 */
export async function sampleDataset(path: string, hint: HintType, perCategory: number | undefined, seed: number, log: (line: string) => void = () => {}): Promise<SampledData> {
  const ds = openDataset(path);
  const index = await indexDataset(ds);
  log(`✅ Loaded ${index.count} demonstrations (${index.episodes.length} episodes)`);
  const envs = [...new Set(index.episodes.map((e) => parseEpisodeId(e).env_id))];
  let byCategory: Map<string, number[]>;
  let all: StepRecord[] | null = null;
  if (hint === "action") {
    byCategory = stepsByAction(index);
  } else {
    all = readSteps(ds, index, Array.from({ length: index.count }, (_, i) => i));
    byCategory = new Map();
    all.forEach((s, i) => {
      if (!s.subgoal) return;
      const k = categoryOf(s, hint);
      let l = byCategory.get(k);
      if (!l) byCategory.set(k, (l = []));
      l.push(i);
    });
    if (byCategory.size === 0) throw new DatasetError(`${path}: no step has a subgoal; use --hint-type action, or re-collect the dataset`);
    byCategory = new Map([...byCategory].sort(([a], [b]) => a.localeCompare(b)));
  }
  const available = Object.fromEntries([...byCategory].map(([k, v]) => [k, v.length]));
  log(`📊 Available categories: ${formatCategories(available)}`);
  const { chosen, sampled } = sampleByCategory(byCategory, perCategory, new NumpyGenerator(seed), (k, n, of) => {
    if (n === 0) throw new DatasetError(`category '${k}' has no samples`);
    if (perCategory !== undefined) log(`  Category '${k}': sampled ${n}/${of} samples`);
  });
  const steps = all ? chosen.map((i) => all![i]!) : readSteps(ds, index, chosen);
  return { path, totalSteps: index.count, episodes: index.episodes, envs, available, sampled, steps };
}

/** The pipeline's split: 60 / 20 / 20, test dealt first, then val, at least one each (see the module comment). */
export const PIPELINE_SPLIT_PLAN: SplitPlan = { fractions: { train: 0.6, validation: 0.2, test: 0.2 }, deal: ["test", "validation", "train"], atLeastOne: true };

const SPLIT_OF = ["train", "val", "test"] as const;

/**
 * Splits by episode (no episode in two splits) with {@link PIPELINE_SPLIT_PLAN}, shuffled with
 * `seed + 1`. With fewer than three episodes the sample is split by step instead (and `by` says so);
 * the splits then list their steps in the shuffled order.
 */
export function splitByEpisode(steps: readonly StepRecord[], seed: number): Splits {
  const keys = [...new Set(steps.map(episodeId))];
  const rng = new NumpyGenerator(seed + 1);
  const out: Splits = { train: [], val: [], test: [], by: "episode" };
  if (keys.length < 3) {
    const { order, split } = assignSplits(steps.length, PIPELINE_SPLIT_PLAN, rng);
    for (const i of order) out[SPLIT_OF[split[i]!]!].push(steps[i]!);
    out.by = "step";
    return out;
  }
  const { split } = assignSplits(keys.length, PIPELINE_SPLIT_PLAN, rng);
  const where = new Map(keys.map((k, i) => [k, SPLIT_OF[split[i]!]!]));
  for (const s of steps) out[where.get(episodeId(s))!].push(s);
  return out;
}

/**
 * The labels an example carries besides the signature fields (read by the metrics, the evaluation and
 * the report): the step's id and where it came from, the ground truth and its category.
 */
export interface ExampleLabels {
  id: StepId;
  env_id: string;
  seed: number;
  episode: number;
  step: number;
  mission: string;
  gt_action: number;
  optimal_actions: number[];
  optimal_exact: boolean;
  category: string;
}

/**
 * A step as a DSPy example: `observation` in, `primitive_action` (the phrase) or `subgoal` out, plus
 * labels. With `past` (the steps before it in its episode; see previousSteps) the example also has the
 * agent-with-memory's `history` input: those observations and the expert's actions.
 */
export async function toExample(s: StepRecord, hint: HintType, encoding: EncodingType, view: ViewType, past?: readonly StepRecord[]): Promise<Example> {
  const observation = await observationText(s, encoding, view);
  if (past) {
    const history = formatHistory(await Promise.all(past.map(async (p) => ({ observation: await observationText(p, encoding, view), action: actionPhrase(p.action) }))));
    const target = hint === "subgoal" ? { subgoal: s.subgoal } : { primitive_action: actionPhrase(s.action) };
    return new Example({ history, observation, ...target, ...labelsOf(s, hint) }).withInputs("history", "observation");
  }
  const target = hint === "subgoal" ? { subgoal: s.subgoal } : { primitive_action: actionPhrase(s.action) };
  return new Example({ observation, ...target, ...labelsOf(s, hint) }).withInputs("observation");
}

function labelsOf(s: StepRecord, hint: HintType): ExampleLabels {
  return {
    id: stepId(s),
    env_id: s.env_id,
    seed: s.seed,
    episode: s.episode,
    step: s.step,
    mission: s.mission,
    gt_action: s.action,
    optimal_actions: [...s.optimal_actions],
    optimal_exact: s.optimal_exact,
    category: categoryOf(s, hint),
  };
}
