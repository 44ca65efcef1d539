/**
 * The fine-tuning pipeline as a library; `gridtune finetune`, `evaluate` and `start` are thin shells
 * over it.
 *
 * ```ts
 * import { finetune, evaluate, MinigridAgent, Judge, HintWrapper, rollout } from "gridtune";
 * const info = await finetune({ datasetPath: "datasets/small", studentModel: "ollama/llama3.2:3b" }, { signal, progress });
 * const agent = await MinigridAgent.load(info.files.program!);
 * ```
 */
export { finetune, checkOutputDir, modelName, timestampOf, checkpointPathFor, versions, gridtuneVersion, type FinetuneHooks, type FinetuneResult, type DryRunEstimate } from "./finetune.js";
export { evaluate, type EvaluateOptions, type EvaluateHooks, type EvaluateResult, type OfflineSelection } from "./evaluate-model.js";
export { runBatch, type BatchResult, type BatchRunResult } from "./batch.js";
export {
  DEFAULTS,
  resolveConfig,
  parseBudget,
  parseBatchConfig,
  loadBatchConfig,
  ConfigError,
  BatchConfigError,
  DEFAULT_ASSESSOR,
  AUTO_LEVELS,
  METRIC_NAMES,
  type FinetuneConfig,
  type AutoLevel,
  type MetricName,
  type Budget,
  type BatchConfig,
  type BatchEntry,
} from "./config.js";
export { sampleDataset, splitByEpisode, toExample, categoryOf, episodeKey, DatasetError, type StepRecord, type SampledData, type Splits } from "./data.js";
export { Judge, exactMetric, optimalMetric, aiFeedbackMetric, actionAssessmentSignature, subgoalAssessmentSignature, type Judgement, type JudgeOptions } from "./metrics.js";
export { evaluateExamples, summarize, report, isFatalLMError, type EvaluationReport } from "./evaluate.js";
export { usageTable, usageRecord, evaluationLines, table } from "./report.js";
export type * from "./run-info.js";
export { FAILURE_SHARE_LIMIT, EXIT_CODES, FailureLedger, RunFailedError, FatalLMStop, isRunStoppingError, failureTable, outcomeLine } from "./outcome.js";
export { consoleStory, type FinetuneEvent, type FinetuneListener } from "./story.js";
export { MinigridAgent } from "../agent/minigrid-agent.js";
export { HintWrapper } from "../rl/hint-wrapper.js";
export { rollout } from "../rl/rollout.js";
