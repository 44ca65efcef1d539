/** The dataset layer: collect expert demonstrations into a directory, load and sample them. */
export * from "./record.js";
export { collectDataset, defaultDatasetName, type CollectOptions, type CollectResult } from "./collect.js";
export { PRESETS, resolveEnvs, parseSeeds, presetName } from "./presets.js";
export { openDataset, indexDataset, readSteps, readEpisodes, readJsonl, formatCategories, DatasetError, type Dataset, type StepIndex } from "./load.js";
export { loadDemonstrations, splitEpisodes, sampleWithoutReplacement, type LoadOptions, type Demonstrations, type SplitFractions } from "./sample.js";
