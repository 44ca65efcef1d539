/**
 * gridtune's DSPy optimizers (dspy/teleprompt/): each a class with `compile(student, {trainset, …})`.
 *
 * - {@link LabeledFewShot} — training examples as demos;
 * - {@link BootstrapFewShot} — demos a teacher produced and the metric accepted;
 * - {@link MIPROv2} — instruction and demo search with a TPE sampler, budgets, dry runs, checkpoints;
 * - {@link BootstrapFinetune} — teacher traces → chat JSONL → a fine-tuning job for the student's LM.
 *
 * LMs are passed explicitly: the task model, the prompt model (proposer), the teacher.
 */
export { LabeledFewShot, type LabeledFewShotOptions, type LabeledFewShotCompileOptions } from "./labeled-few-shot.js";
export {
  BootstrapFewShot,
  teacherAsIs,
  type BootstrapFewShotOptions,
  type BootstrapFewShotCompileOptions,
  type BootstrapStats,
  type TeacherSettings,
} from "./bootstrap-few-shot.js";
export {
  MIPROv2,
  AUTO_RUN_SETTINGS,
  BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT,
  LABELED_FEWSHOT_EXAMPLES_IN_CONTEXT,
  MIN_MINIBATCH_SIZE,
  CheckpointMismatchError,
  formatEstimate,
  type AutoMode,
  type CallEstimate,
  type MIPROv2Checkpoint,
  type MIPROv2CompileOptions,
  type MIPROv2Options,
  type MIPROv2Report,
  type MIPROv2Result,
  type MIPROv2Settings,
  type MIPROv2Trial,
  type MIPROv2TrialLog,
  type MIPROv2CandidateProgram,
  drawPlan,
  type DrawPlan,
} from "./miprov2.js";
export {
  BootstrapFinetune,
  FinetuneJobError,
  bootstrapTraceData,
  buildCallData,
  localFinetuneRecipe,
  toJsonl,
  type BootstrapFinetuneCompileOptions,
  type BootstrapFinetuneOptions,
  type BootstrapFinetuneReport,
  type BootstrapFinetuneResult,
  type ChatTrainingRecord,
  type FinetuneJobRecord,
  type LocalFinetuneOutput,
  type TraceRecord,
} from "./bootstrap-finetune.js";
export { TPESampler, defaultGamma, defaultWeights, type CategoricalSpace, type TPESamplerOptions, type TPESamplerState, type TPETrial } from "./tpe.js";
export {
  TIPS,
  createDatasetSummary,
  describeProgram,
  proposeInstruction,
  programCodeString,
  stripPrefix,
  type ProgramDescription,
} from "./grounded-proposer.js";
export { Meter, MeteredLM, BudgetExceededError, rolloutLM, unwrapLM, type Budget, type MeterTotals } from "./lm-wrappers.js";
export { PyRandom, type PyRandomState } from "./py-random.js";
