/**
 * Step 0 of a run: the dataset sampled per category, split by episode into train / val / test, and
 * turned into the agent's DSPy examples.
 */
import type { Example } from "../../dspy/index.js";
import { UserError } from "../../util/errors.js";
import type { FinetuneConfig } from "../config.js";
import { episodeKey, sampleDataset, splitByEpisode, toExample, type SampledData, type StepRecord } from "../data.js";
import { previousSteps } from "../history-data.js";
import type { RunInfo } from "../run-info.js";
import type { FinetuneListener } from "../story.js";

/** What {@link loadData} prepared: the three splits as examples, the test steps, and the record's `dataset`. */
export interface DataSummary {
  trainset: Example[];
  valset: Example[];
  testset: Example[];
  /** The step of each test example, index-aligned with `testset`. */
  testSteps: StepRecord[];
  /** The step each example (of any split) was made from. */
  stepOf: Map<Example, StepRecord>;
  sample: SampledData;
  /** The run record's `dataset` section. */
  record: RunInfo["dataset"];
  /** Notes for the record (a split by step). */
  warnings: string[];
}

/** Samples, splits and encodes the dataset; throws a UserError when a split would be empty. */
export async function loadData(c: FinetuneConfig, emit: FinetuneListener): Promise<DataSummary> {
  emit({ kind: "line", text: "\n📊 Loading and preparing dataset..." });
  const sample = await sampleDataset(c.datasetPath, c.hintType, c.samplesPerCategory, c.seed, (text) => emit({ kind: "line", text }));
  const splits = splitByEpisode(sample.steps, c.seed);
  // An agent with memory learns from each step with the steps before it in its episode.
  const history = c.history ?? 0;
  const pastOf = new Map<StepRecord, StepRecord[]>();
  if (history > 0) {
    const past = await previousSteps(c.datasetPath, sample.steps, history);
    sample.steps.forEach((s, i) => pastOf.set(s, past[i]!));
  }
  const stepOf = new Map<Example, StepRecord>();
  const toEx = (list: StepRecord[]) =>
    Promise.all(
      list.map(async (s) => {
        const e = await toExample(s, c.hintType, c.encodingType, c.view, history > 0 ? pastOf.get(s) : undefined);
        stepOf.set(e, s);
        return e;
      }),
    );
  const trainset = await toEx(splits.train);
  const valset = await toEx(splits.val);
  let testSteps = splits.test;
  if (trainset.length === 0 || valset.length === 0 || testSteps.length === 0) {
    throw new UserError(`the sample is too small to split (train ${trainset.length}, val ${valset.length}, test ${testSteps.length}); raise --samples-per-category or collect more episodes`);
  }
  if (c.maxEval !== undefined && testSteps.length > c.maxEval) testSteps = testSteps.slice(0, c.maxEval);
  const testset = await toEx(testSteps);
  const warnings: string[] = [];
  emit({ kind: "data", sampled: sample.steps.length, examples: trainset.length + valset.length + splits.test.length, encoding: c.encodingType, train: trainset.length, val: valset.length, test: testset.length });
  if (splits.by === "step") {
    const w = `only ${new Set(sample.steps.map(episodeKey)).size} episode(s) in the sample: split by step, so the splits share episodes`;
    warnings.push(w);
    emit({ kind: "warning", text: w });
  }
  return {
    trainset,
    valset,
    testset,
    testSteps,
    stepOf,
    sample,
    warnings,
    record: {
      path: c.datasetPath,
      total_steps: sample.totalSteps,
      categories: sample.available,
      sampled: sample.sampled,
      splits: { train: trainset.length, val: valset.length, test: testset.length },
    },
  };
}
