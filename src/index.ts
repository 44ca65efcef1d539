/**
 * gridtune as a library: everything the `gridtune` CLI does, callable from your own TypeScript — an RL
 * training loop, a notebook-like script, a web service that serves hints.
 *
 * ```ts
 * import { makeEnv, collect, loadDataset, encode, configureLM, MinigridAgent, HintWrapper, finetune, evaluate } from "gridtune";
 * ```
 *
 * The exports follow the layers of the toolkit, in the order a run uses them:
 *
 * 1. **Environments** — {@link makeEnv} and the env types ({@link MiniGridEnv}, {@link Observation},
 *    {@link StepResult}), the world objects for writing your own envs, rendering, and the RL-side
 *    wrapper {@link HintWrapper} with {@link rollout}.
 * 2. **The expert** — {@link Expert}: the set of optimal actions and the subgoal at every step.
 * 3. **Datasets** — {@link collect} expert demonstrations into a directory, {@link loadDataset} them back
 *    with stratified sampling and train/validation/test splits by episode.
 * 4. **Encodings** — {@link encode}`(recordOrObs, {type, view})`: the four text encodings of a state.
 * 5. **LMs** — {@link lm}`("groq/llama-3.3-70b-versatile")` and {@link configureLM}`({source})` (the
 *    original tool's `configure_llm`), with cache, rate limiting, retries and usage/cost tracking.
 * 6. **Programs** — the DSPy-compatible layer: {@link Signature}, {@link Predict},
 *    {@link ChainOfThought}, {@link Module}, {@link Evaluate} and the optimizers ({@link MIPROv2}, {@link GEPA},
 *    {@link BootstrapFewShot}, {@link LabeledFewShot}, {@link BootstrapFinetune}).
 * 7. **The agent** — {@link MinigridAgent}: `await MinigridAgent.load(path)`, then
 *    `await agent.forward({ observation })` or `await agent.advise(env)`; {@link PlaySession} is
 *    `gridtune play` without the terminal (an env, the expert's hints, the agent's advice, step by step).
 * 8. **Metrics** — {@link Judge}, {@link exactMetric}, {@link optimalMetric}, {@link aiFeedbackMetric}.
 * 9. **Pipeline** — {@link finetune}`(config)` returns the run record (the same data as `_info.json`);
 *    {@link evaluate} scores a saved agent offline or in closed loop; {@link runBatch} runs a YAML batch;
 *    {@link runStartJob} is `gridtune start` (local model, small dataset, small run) in one call;
 *    {@link evaluateBalrogBabyAI} runs BALROG's BabyAI protocol for any LM ({@link balrogNaiveAgent}) or
 *    trained agent ({@link balrogMinigridAgent}), with BALROG's summary ({@link summarizeBalrog}).
 * 10. **Dashboard** — {@link startDashboard}: what `gridtune serve` runs.
 *
 * Long operations ({@link finetune}, {@link evaluate}, {@link runBatch}, {@link runStartJob}, {@link rollout},
 * {@link collect}, {@link loadDataset}, {@link PlaySession.agentPlay}, the optimizers' `compile`,
 * {@link Evaluate}) take an `AbortSignal` and report progress
 * through a {@link ProgressCallback}, so a caller can draw its own progress bar or cancel cleanly.
 *
 * Names that exist in more than one layer are exported under distinct names (see the
 * "Names that exist in more than one layer" in docs/library.md):
 *
 * | export | what it is | layer |
 * |---|---|---|
 * | {@link evaluate} | evaluate a *saved agent* (what `gridtune evaluate` runs) | pipeline |
 * | {@link evaluateProgram} | DSPy's `evaluate(program, {devset, metric})` for any program | programs |
 * | {@link EvaluateOptions} | options of {@link evaluate} | pipeline |
 * | {@link EvaluateProgramOptions} | options of {@link Evaluate} / {@link evaluateProgram} | programs |
 * | {@link toExample} | DSPy's `Example` from a plain object | programs |
 * | {@link stepToExample} | the agent's `Example` from a dataset step (encoded observation + labels) | pipeline |
 * | {@link FinetuneBudget} | a run's budget `{calls, costUsd}` | pipeline |
 * | {@link OptimizerBudget} | an optimizer's budget `{maxCalls, maxCostUsd}` | programs |
 * | {@link FINETUNE_DEFAULTS} | the pipeline's defaults (the original tool's flags) | pipeline |
 * | {@link resolveFinetuneConfig} | fill a partial config with the defaults and validate it | pipeline |
 * | {@link buildEvaluationReport} | summarize evaluated examples into a report | metrics |
 * | {@link formatTable} | the plain-text table the CLI prints | pipeline |
 * | {@link PlayAgentAdvice} | the dashboard's view of an agent's advice ({@link AgentAdvice} is the agent's own) | dashboard |
 * | {@link loadDataset} | load a dataset with sampling and splits (`loadDemonstrations` inside) | datasets |
 *
 * @document ../docs/guide.md
 * @document ../docs/library.md
 * @document ../docs/pipeline.md
 * @document ../docs/encodings.md
 * @packageDocumentation
 */

// ───────────────────────────── 1. Environments ─────────────────────────────

export { makeEnv, listEnvIds, envRegistration, registerEnvs, closestIds } from "./minigrid/registry.js";
export { family, type EnvRegistration } from "./minigrid/registration.js";
export {
  MiniGridEnv,
  type Observation,
  type Info,
  type ResetResult,
  type StepResult,
  type MiniGridOptions,
  type PlaceOptions,
  type ViewGrid,
} from "./minigrid/minigrid-env.js";
export { RoomGrid, Room, type RoomGridOptions, type ObjKind } from "./minigrid/roomgrid.js";
export { Grid } from "./minigrid/grid.js";
export { WorldObj, Goal, Floor, Lava, Wall, Door, Key, Ball, Box, type DoorOptions, type Point, type ToggleContext } from "./minigrid/world-object.js";
export {
  Actions,
  ACTION_NAMES,
  ACTION_PHRASES,
  OBJECT_TO_IDX,
  IDX_TO_OBJECT,
  COLOR_TO_IDX,
  IDX_TO_COLOR,
  COLOR_NAMES,
  STATE_TO_IDX,
  DIR_TO_VEC,
  isActionIndex,
  type ActionIndex,
  type ActionName,
  type ObjectType,
  type Color,
} from "./minigrid/constants.js";
export { NumpyGenerator, SeedSequence, SeedError, type Seed, type RngSnapshot } from "./minigrid/rng.js";
export { EnvNotResetError, InvalidActionError, UnknownEnvError, PlacementError } from "./minigrid/errors.js";
export {
  renderFull,
  renderAgentView,
  renderSvg,
  renderAnsi,
  renderImageFile,
  imageFormatOf,
  encodePng,
  decodePng,
  PngError,
  TILE_PIXELS,
  type RgbImage,
  type RasterOptions,
  type SvgOptions,
  type RenderView,
  type AnsiOptions,
  type CellGlyphs,
  PPRINT_GLYPHS,
  type ImageFormat,
  type ImageFileOptions,
} from "./minigrid/render/index.js";
export { HintWrapper, NO_ACTION_HINT, NO_SUBGOAL_HINT, type HintAgent, type HintWrapperOptions, type HintedObservation } from "./rl/hint-wrapper.js";
export { rollout, expertSteps, type RolloutAgent, type RolloutOptions, type RolloutResult, type EpisodeOutcome } from "./agent/rollout.js";

// ───────────────────────────── 2. The expert ─────────────────────────────

export { Expert, type ExpertOptions, type PlannerKind } from "./expert/expert.js";
export type { ExpertDecision } from "./expert/model.js";
export { UnsupportedEnvError } from "./expert/grid-model.js";
export { SearchBudgetError, TIE_BREAK } from "./expert/search.js";

// ───────────────────────────── 3. Datasets ─────────────────────────────

export { collect, collectDataset, defaultDatasetName, type CollectOptions, type CollectResult, type CollectHooks } from "./dataset/collect.js";
export { loadDemonstrations as loadDataset, splitEpisodes, sampleWithoutReplacement, type LoadOptions as LoadDatasetOptions, type Demonstrations, type SplitFractions } from "./dataset/sample.js";
export { openDataset, readManifest, indexDataset, readSteps, readEpisodes, readEpisodeFile, readJsonl, formatCategories, type Dataset, type StepIndex, type ReadHooks } from "./dataset/load.js";
export { DatasetError } from "./dataset/errors.js";
export { episodeId, stepId, parseEpisodeId, parseStepId, type EpisodeId, type StepId, type EpisodeRef, type StepRef } from "./dataset/ids.js";
export { parseStepLine, parseEpisodeLine, type LineOrigin } from "./dataset/parse.js";
export { assignSplits, sampleByCategory, DEFAULT_SPLIT_PLAN, type SplitPlan, type SplitName, type SplitAssignment, type CategorySample } from "./dataset/sample.js";
export {
  DATASET_FORMAT,
  MANIFEST_FILE,
  EPISODES_FILE,
  STEPS_FILE,
  type StepRecord,
  type EpisodeRecord,
  type Manifest,
  type EnvCounts,
  type CollectOptionsRecord,
  type BabyAIStats,
  type SkippedEpisode,
} from "./dataset/record.js";
export { PRESETS, resolveEnvs, parseSeeds, presetName } from "./dataset/presets.js";
export { sampleDataset, splitByEpisode, categoryOf, episodeKey, toExample as stepToExample, PIPELINE_SPLIT_PLAN, type SampledData, type Splits, type ExampleLabels } from "./pipeline/data.js";

// ───────────────────────────── 4. Encodings ─────────────────────────────

export { encode, decodeAscii, decodeTuples, ASCII_LEGEND, ASCII_GLYPHS, EncodingError, type EncodeOptions, type Encodable, type EncodingInput, type StepState, type EncodingView } from "./encoding/index.js";
export { babyaiTextDescriptions, babyaiTextObservation } from "./encoding/balrog.js";
export type { DecodedAscii } from "./encoding/ascii.js";
export type { DecodedTuples } from "./encoding/tuples.js";

// ───────────────────────────── 5. LMs ─────────────────────────────

export { lm, configureLM, SOURCE_DEFAULTS, ManagedLM, type LMOptions, type LMSource, type SamplingDefaults } from "./lm/lm.js";
export type { LM, ChatMessage, ChatOptions, ChatResult, LMRole, MessageRole, Usage } from "./lm/types.js";
export { resolveModelSpec, parseModelId, checkCredentials, credentialVariable, PROVIDERS, ROLE_DEFAULTS, type ModelSpec, type ProviderName, type ResolveOptions } from "./lm/model-spec.js";
export { loadLMConfig, publicLMConfig, defaultCacheDir, DEFAULT_GROQ_BASE_URL, DEFAULT_OPENAI_BASE_URL, DEFAULT_OLLAMA_HOST, type LMConfig, type LoadConfigOptions } from "./lm/config.js";
export {
  LMError,
  ModelSpecError,
  MissingCredentialError,
  FatalLMError,
  ModelNotFoundError,
  ModelDecommissionedError,
  AuthenticationError,
  BadRequestError,
  ContextLengthError,
  RequestTooLargeError,
  QuotaExceededError,
  RetriesExhaustedError,
  UnreachableHostError,
  ModelFileError,
  isFatalLMError,
  redactSecrets,
  type AttemptFailure,
  type FatalKind,
  type FatalDetails,
} from "./lm/errors.js";
export { DEFAULT_RETRY, type RetryOptions } from "./lm/retry.js";
export { RateLimiter, DEFAULT_LIMITS, type RateLimits, type Permit } from "./lm/rate-limiter.js";
export { parseRateLimitHeaders, type RateLimitHeaders } from "./lm/rate-limit-headers.js";
export { splitReasoning, type SplitReply } from "./lm/reasoning.js";
export { LMRuntime, type LMRuntimeOptions, type RuntimeLMOptions, type LatencyStats } from "./lm/runtime.js";
export { loadRuntimeSettings, type RuntimeSettings } from "./lm/settings.js";
export { PreflightError, type PreflightRequest, type PreflightOptions, type PreflightReport, type PreflightCheck, type PreflightProblem } from "./lm/preflight.js";
export { runFinetuneJob, type FinetuneJobOptions, type FinetuneJobResult } from "./lm/finetune-job.js";
export { ResponseCache, openCache, type CachedResponse } from "./lm/cache.js";
export { UsageTracker, type UsageTotals, type UsageSnapshot, type UsageEvent } from "./lm/usage.js";
export { DEFAULT_PRICES, priceFor, costOf, loadPriceTable, type ModelPrice, type PriceTable } from "./lm/prices.js";
export type { Provider, ProviderRequest, ProviderResponse } from "./lm/providers/provider.js";
export { resolveGgufPath, type LlamaCppOptions } from "./lm/providers/llamacpp.js";

// ───────────────────────────── 6. Programs (DSPy) ─────────────────────────────

export { Signature, InputField, OutputField, SignatureError, type SignatureField, type SignatureState, type FieldKind, type FieldOptions, type FieldDeclaration, type FieldsSpec, type FieldReader } from "./dspy/signature.js";
export type { FieldType, LiteralValue } from "./dspy/field-types.js";
export { Example, Prediction, toExample, type ExampleLike } from "./dspy/example.js";
export { Module, type CallOptions, type Inputs, type TraceEntry } from "./dspy/module.js";
export { Predict, type PredictCallOptions, type PredictOptions } from "./dspy/predict.js";
export { ChainOfThought, type ChainOfThoughtOptions } from "./dspy/chain-of-thought.js";
export { Adapter, type AdapterResult, type FieldValues, type AdapterAttempt, type AdapterCallContext, type PredictorConfig } from "./dspy/adapters/base.js";
export { ChatAdapter, type ChatAdapterOptions } from "./dspy/adapters/chat.js";
export { JSONAdapter } from "./dspy/adapters/json.js";
export { AdapterParseError, NoLMError, EvaluationCancelledError } from "./dspy/errors.js";
export {
  Evaluate,
  evaluate as evaluateProgram,
  type EvaluateOptions as EvaluateProgramOptions,
  type EvaluationRecord,
  type EvaluationResult,
  type Metric,
  type MetricValue,
  type Program,
  type ScoreWithFeedback,
  scoreOf,
} from "./dspy/evaluate.js";
export { readStateFile, writeStateFile, type ProgramState, type PredictorState, type LMState, type LoadStateOptions } from "./dspy/state.js";
export { FakeLM, chatReply, type FakeLMOptions, type FakeReply, type FakeLMCall } from "./dspy/testing/fake-lm.js";
export { LabeledFewShot, type LabeledFewShotOptions, type LabeledFewShotCompileOptions } from "./dspy/optimizers/labeled-few-shot.js";
export { BootstrapFewShot, teacherAsIs, type BootstrapFewShotOptions, type BootstrapFewShotCompileOptions, type BootstrapStats, type TeacherSettings } from "./dspy/optimizers/bootstrap-few-shot.js";
export {
  GEPA,
  GEPACheckpointMismatchError,
  GEPA_AUTO_RUN_SETTINGS,
  gepaAutoBudget,
  type GEPAAutoMode,
  type GEPACallEstimate,
  type GEPACompileOptions,
  type GEPADetailedResults,
  type GEPAEvent,
  type GEPAFeedbackMetric,
  type GEPAOptions,
  type GEPAReflection,
  type GEPAResult,
} from "./dspy/optimizers/gepa/index.js";
export type { Candidate as GEPACandidate } from "./dspy/optimizers/gepa/state.js";
export type { CandidateSelectionStrategy } from "./dspy/optimizers/gepa/pareto.js";
export { resolveOptions as resolveMIPROv2Options, type ResolvedOptions as MIPROv2ResolvedOptions } from "./dspy/optimizers/miprov2/settings.js";
export type { HeaderSource } from "./lm/retry.js";
export { OPTIMIZER_NAMES, type OptimizerName } from "./pipeline/config.js";
export {
  MIPROv2,
  AUTO_RUN_SETTINGS,
  CheckpointMismatchError,
  formatEstimate,
  type AutoMode,
  type CallEstimate,
  type MIPROv2CompileOptions,
  type MIPROv2Options,
  type MIPROv2Report,
  type MIPROv2Result,
  type MIPROv2Settings,
  type MIPROv2Trial,
  type MIPROv2TrialLog,
  type MIPROv2CandidateProgram,
} from "./dspy/optimizers/miprov2.js";
export {
  BootstrapFinetune,
  FinetuneJobError,
  localFinetuneRecipe,
  type BootstrapFinetuneCompileOptions,
  type BootstrapFinetuneOptions,
  type BootstrapFinetuneReport,
  type BootstrapFinetuneResult,
  type FinetuneJobRecord,
  type LocalFinetuneOutput,
} from "./dspy/optimizers/bootstrap-finetune.js";
export { BudgetExceededError, type Budget as OptimizerBudget, type MeterTotals } from "./dspy/optimizers/lm-wrappers.js";
export type { ProgramDescription } from "./dspy/optimizers/grounded-proposer.js";

// ───────────────────────────── 7. The agent ─────────────────────────────

export { MinigridAgent, type AgentAdvice, type AgentSettings, type LoadAgentOptions, type SavedAgentMeta } from "./agent/minigrid-agent.js";
export { agentSignature, AGENT_INSTRUCTIONS, OUTPUT_FIELD } from "./agent/signature.js";
export {
  ENCODING_TYPES,
  HINT_TYPES,
  VIEW_TYPES,
  SUBGOAL_VERBS,
  parseAction,
  readActionLabel,
  actionPhrase,
  subgoalCategory,
  normalizeSubgoal,
  subgoalAction,
  type ActionPhrase,
  type EncodingType,
  type HintType,
  type ViewType,
} from "./agent/actions.js";
export { observationText, observationTextSync, stepFromEnv, type StepLike } from "./agent/observation.js";
export { AgentMemory, formatHistory, EMPTY_HISTORY, type HistoryStep } from "./agent/history.js";
export { PlaySession, EpisodeOverError, type PlaySessionOptions, type PlayStep, type AgentPlayOptions, type AgentPlayStop } from "./agent/play-session.js";

// ───────────────────────────── 8. Metrics ─────────────────────────────

export { Judge, exactMetric, optimalMetric, aiFeedbackMetric, actionAssessmentSignature, subgoalAssessmentSignature, type Judgement, type JudgeOptions } from "./pipeline/metrics.js";
export { gridFeedbackText, gridFeedbackMetric } from "./pipeline/grid-feedback.js";
export { evaluateExamples, summarize, report as buildEvaluationReport, type EvaluationReport, type EvaluateExamplesOptions } from "./pipeline/evaluate-examples.js";

// ───────────────────────────── 9. Pipeline ─────────────────────────────

export { finetune, gridtuneVersion, modelName, type FinetuneHooks, type FinetuneResult, type DryRunEstimate } from "./pipeline/finetune.js";
export { evaluate, type EvaluateOptions, type EvaluateHooks, type EvaluateResult, type OfflineSelection } from "./pipeline/evaluate-model.js";
export { runBatch, type BatchResult, type BatchRunResult } from "./pipeline/batch.js";
export { previousSteps } from "./pipeline/history-data.js";
export {
  evaluateBalrogBabyAI,
  runBalrogEpisode,
  runBalrogBabyAIBenchmark,
  naiveAgent as balrogNaiveAgent,
  minigridAgentPlayer as balrogMinigridAgent,
  botPlayer as balrogBotAgent,
  summarizeBalrog,
  balrogSummaryLines,
  balrogComparisonRows,
  writeBalrogRecord,
  balrogEpisodeSeed,
  balrogInstructionPrompt,
  BalrogPromptBuilder,
  BALROG_ACTIONS,
  BALROG_BABYAI_TASKS,
  BALROG_BABYAI_EPISODES,
  type BalrogAgent,
  type BalrogEpisodePlayer,
  type BalrogReply,
  type BalrogStepInput,
  type NaiveAgentOptions as BalrogNaiveAgentOptions,
  type BalrogBabyAIOptions,
  type BalrogBabyAIResult,
  type BalrogAgentRun,
  type BalrogEpisode,
  type BalrogStep,
  type BalrogSummary,
  type BalrogTaskSummary,
  type BalrogBenchmarkOptions,
  type BalrogBenchmarkRun,
} from "./pipeline/benchmarks/balrog-babyai/index.js";
export { runStartJob, DEFAULT_LOCAL_MODEL, START_ENVS, type StartJobOptions, type StartJobHooks, type StartJobResult } from "./pipeline/start-job.js";
export {
  DEFAULTS as FINETUNE_DEFAULTS,
  resolveConfig as resolveFinetuneConfig,
  parseBudget,
  parseBatchConfig,
  loadBatchConfig,
  ConfigError,
  BatchConfigError,
  DEFAULT_ASSESSOR,
  AUTO_LEVELS,
  METRIC_NAMES,
  type ConfigProblem,
  type BatchCheck,
  type FinetuneConfig,
  type AutoLevel,
  type MetricName,
  type Budget as FinetuneBudget,
  type BatchConfig,
  type BatchEntry,
} from "./pipeline/config.js";
export type { GepaCandidateRecord, GepaLineage, RunInfo, RunConfig, RunStatus, RoleFailures, ScoreSummary, EvaluatedExample, RoleUsage, OptimizationSummary, DistillationSummary, Verdict } from "./pipeline/run-info.js";
export { FAILURE_SHARE_LIMIT, EXIT_CODES, FailureLedger, RunFailedError, FatalLMStop, isRunStoppingError, failureTable, outcomeLine } from "./pipeline/outcome.js";
export { consoleStory, type FinetuneEvent, type FinetuneListener } from "./pipeline/story.js";
export { RUN_FORMAT, RUN_INFO_SUFFIX, runFiles, readRunRecord, RunRecordError, type RunFiles } from "./pipeline/run-files.js";
export { usageTable, usageRecord, evaluationLines, table as formatTable } from "./pipeline/report.js";

// ───────────────────────────── 10. Dashboard ─────────────────────────────

export { startDashboard, createDashboard, isLoopback, type DashboardOptions, type Dashboard, type RunningDashboard } from "./web/server.js";
export { loadPlayAgent, type PlayAgent } from "./web/agent-hook.js";
export type { AgentAdvice as PlayAgentAdvice } from "./web/api-types.js";

// ───────────────────────────── Shared ─────────────────────────────

export { ProgressBar, type ProgressEvent, type ProgressCallback } from "./util/progress.js";
export { UserError } from "./util/errors.js";
