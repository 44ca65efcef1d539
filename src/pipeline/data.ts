/**
 * The pipeline's data, on the dataset layer (src/dataset): a collected dataset directory, stratified
 * sampling per category (the action, or the subgoal's verb for subgoal hints), a split by episode into
 * train / val / test (60 / 20 / 20 of the episodes, at least one episode each), and the DSPy examples
 * the agent learns from. The console lines are the original tool's.
 */
import { Example } from "../dspy/index.js";
import { NumpyGenerator } from "../minigrid/rng.js";
import { DatasetError, indexDataset, openDataset, readSteps, sampleWithoutReplacement, type StepRecord } from "../dataset/index.js";
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
  /** Episodes in the dataset ("env|seed|episode"). */
  episodes: string[];
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

/** The key `env_id|seed|episode` that identifies an episode. */
export function episodeKey(s: { env_id: string; seed: number; episode: number }): string {
  return `${s.env_id}|${s.seed}|${s.episode}`;
}

export function stepId(s: StepRecord): string {
  return `${s.env_id}/${s.seed}/${s.episode}/${s.step}`;
}

/** A step's category: its action index (as text) for action hints, its subgoal's verb for subgoal hints. */
export function categoryOf(s: Pick<StepRecord, "action" | "subgoal">, hint: HintType): string {
  return hint === "subgoal" ? subgoalCategory(s.subgoal ?? "") : String(s.action);
}

function formatCategories(c: Record<string, number>): string {
  return `{${Object.entries(c)
    .map(([k, v]) => `'${k}': ${v}`)
    .join(", ")}}`;
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
  const envs = [...new Set(index.episodes.map((e) => e.split("|")[0]!))];
  let byCategory = new Map<string, number[]>();
  let all: StepRecord[] | null = null;
  if (hint === "action") {
    for (let i = 0; i < index.count; i++) {
      const k = String(index.action[i]);
      let l = byCategory.get(k);
      if (!l) byCategory.set(k, (l = []));
      l.push(i);
    }
  } else {
    all = readSteps(ds, index, Array.from({ length: index.count }, (_, i) => i));
    all.forEach((s, i) => {
      if (!s.subgoal) return;
      const k = categoryOf(s, hint);
      let l = byCategory.get(k);
      if (!l) byCategory.set(k, (l = []));
      l.push(i);
    });
    if (byCategory.size === 0) throw new DatasetError(`${path}: no step has a subgoal; use --hint-type action, or re-collect the dataset`);
  }
  byCategory = new Map([...byCategory].sort(([a], [b]) => (hint === "action" ? Number(a) - Number(b) : a.localeCompare(b))));
  const available = Object.fromEntries([...byCategory].map(([k, v]) => [k, v.length]));
  log(`📊 Available categories: ${formatCategories(available)}`);
  const rng = new NumpyGenerator(seed);
  const chosen: number[] = [];
  const sampled: Record<string, number> = {};
  for (const [k, list] of byCategory) {
    const pick = perCategory === undefined ? list.map((_, i) => i) : sampleWithoutReplacement(list.length, perCategory, rng);
    if (pick.length === 0) throw new DatasetError(`category '${k}' has no samples`);
    for (const p of pick) chosen.push(list[p]!);
    sampled[k] = pick.length;
    if (perCategory !== undefined) log(`  Category '${k}': sampled ${pick.length}/${list.length} samples`);
  }
  chosen.sort((a, b) => a - b);
  const steps = all ? chosen.map((i) => all![i]!) : readSteps(ds, index, chosen);
  return { path, totalSteps: index.count, episodes: index.episodes, envs, available, sampled, steps };
}

/**
 * Splits by episode (no episode in two splits): the sample's episodes are shuffled (seeded) and dealt
 * 20% to test, 20% to val (at least one each), the rest to train. With fewer than three episodes the
 * sample is split by step instead (and `by` says so).
 */
export function splitByEpisode(steps: readonly StepRecord[], seed: number): Splits {
  const keys = [...new Set(steps.map(episodeKey))];
  const rng = new NumpyGenerator(seed + 1);
  const shuffle = <T>(a: T[]): T[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = rng.integers(0, i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  if (keys.length < 3) {
    const s = shuffle([...steps]);
    const nTest = Math.max(1, Math.round(s.length * 0.2));
    const nVal = Math.max(1, Math.round(s.length * 0.2));
    return { test: s.slice(0, nTest), val: s.slice(nTest, nTest + nVal), train: s.slice(nTest + nVal), by: "step" };
  }
  const order = shuffle(keys);
  const nTest = Math.max(1, Math.round(order.length * 0.2));
  const nVal = Math.max(1, Math.round(order.length * 0.2));
  const where = new Map<string, "train" | "val" | "test">();
  order.forEach((k, i) => where.set(k, i < nTest ? "test" : i < nTest + nVal ? "val" : "train"));
  const out: Splits = { train: [], val: [], test: [], by: "episode" };
  for (const s of steps) out[where.get(episodeKey(s))!].push(s);
  return out;
}

/** The labels an example carries besides the signature fields (read by the metrics and the report). */
export interface ExampleLabels {
  id: string;
  gt_action: number;
  optimal_actions: number[];
  optimal_exact: boolean;
  category: string;
  mission: string;
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
    gt_action: s.action,
    optimal_actions: [...(s.optimal_actions ?? [s.action])],
    optimal_exact: Boolean(s.optimal_exact),
    category: categoryOf(s, hint),
    mission: s.mission,
  };
}
