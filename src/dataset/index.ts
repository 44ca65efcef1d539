/** The dataset layer: collect expert demonstrations into a directory, load and sample them. */
export * from "./record.js";
export { collectDataset, defaultDatasetName, type CollectOptions, type CollectResult } from "./collect.js";
export { PRESETS, resolveEnvs, parseSeeds, presetName } from "./presets.js";
export { DatasetError } from "./errors.js";
export { episodeId, stepId, parseEpisodeId, parseStepId, type EpisodeId, type StepId, type EpisodeRef, type StepRef } from "./ids.js";
export { parseStepLine, parseEpisodeLine, parseJsonLine, toStepRecord, type LineOrigin } from "./parse.js";
export { openDataset, readManifest, indexDataset, readSteps, readEpisodes, readEpisodeFile, readJsonl, formatCategories, type Dataset, type StepIndex, type ReadHooks } from "./load.js";
export {
  loadDemonstrations,
  splitEpisodes,
  assignSplits,
  sampleWithoutReplacement,
  sampleByCategory,
  stepsByAction,
  DEFAULT_SPLIT_PLAN,
  type LoadOptions,
  type Demonstrations,
  type SplitFractions,
  type SplitName,
  type SplitPlan,
  type SplitAssignment,
  type CategorySample,
} from "./sample.js";
