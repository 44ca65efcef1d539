/**
 * gridtune's DSPy layer: a TypeScript implementation of the parts of DSPy 3.3.1 the fine-tuning
 * pipeline uses, compatible on the wire (byte-identical ChatAdapter prompts) and on disk (saved
 * program JSON loads in Python DSPy and back).
 *
 * - {@link Signature} — typed input/output fields and instructions;
 * - {@link ChatAdapter} / {@link JSONAdapter} — messages in, parsed fields out;
 * - {@link Example} / {@link Prediction} — records;
 * - {@link Predict}, {@link ChainOfThought}, {@link Module} — programs, with traces and save/load;
 * - {@link Evaluate} — concurrent evaluation with a metric;
 * - optimizers (`./optimizers/`): {@link LabeledFewShot}, {@link BootstrapFewShot}, {@link MIPROv2},
 *   {@link BootstrapFinetune}.
 *
 * The LM is always a value passed in (`predictor.lm`, `module.setLM(lm)` or `{ lm }` in call options);
 * there is no global settings object. {@link FakeLM} (`./testing/fake-lm.js`) is an in-process fake LM
for tests.
 */
export {
  type FieldType,
  type LiteralValue,
  FieldValueError,
  formatFieldValue,
  parseFieldValue,
  parseOutputValue,
  validateFieldValue,
  typeName,
  promptJsonSchema,
  structuredOutputSchema,
  isListType,
  isLiteralType,
  sameFieldType,
} from "./field-types.js";
export {
  Signature,
  type SignatureField,
  type SignatureState,
  type FieldKind,
  type FieldOptions,
  type FieldDeclaration,
  type FieldsSpec,
  InputField,
  OutputField,
  SignatureError,
  ensureSignature,
  inferPrefix,
  parseSignatureString,
  parseTypeAnnotation,
} from "./signature.js";
export { Example, Prediction, type ExampleLike, toExample } from "./example.js";
export { AdapterParseError, NoLMError, EvaluationCancelledError } from "./errors.js";
export {
  Adapter,
  type AdapterAttempt,
  type AdapterCallContext,
  type AdapterResult,
  type FieldValues,
  type PredictorConfig,
} from "./adapters/base.js";
export { ChatAdapter, type ChatAdapterOptions, fieldDescriptionString } from "./adapters/chat.js";
export { JSONAdapter, firstBalancedObject } from "./adapters/json.js";
export { Module, type CallOptions, type Inputs, type TraceEntry } from "./module.js";
export { Predict, type PredictCallOptions, type PredictOptions } from "./predict.js";
export { ChainOfThought, type ChainOfThoughtOptions } from "./chain-of-thought.js";
export {
  type LMState,
  type PredictorState,
  type ProgramState,
  type LoadStateOptions,
  type StatefulLM,
  DEPENDENCY_VERSIONS,
  DSPY_LM_CLASS,
  UNSAFE_LM_STATE_KEYS,
  dumpLMState,
  sanitizeLMState,
  checkPredictorState,
  readStateFile,
  writeStateFile,
} from "./state.js";
export {
  Evaluate,
  evaluate,
  type EvaluateOptions,
  type EvaluationRecord,
  type EvaluationResult,
  type Metric,
  type MetricValue,
  type Program,
} from "./evaluate.js";
export { jsonRepairLoads } from "./json-repair.js";
/** In-process fake LM for tests (not a provider; see its module docs). */
export { FakeLM, FakeLMExhaustedError, chatReply, type FakeLMOptions, type FakeLMCall, type FakeReply } from "./testing/fake-lm.js";
export { pyRound, pyLiteralEval } from "./pycompat.js";
export * from "./optimizers/index.js";
