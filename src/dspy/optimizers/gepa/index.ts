/** GEPA, DSPy 3.3.1's reflective prompt optimizer on the gepa 0.1.4 engine (see ./gepa.ts). */
export {
  GEPA,
  GEPACheckpointMismatchError,
  type GEPACompileOptions,
  type GEPADetailedResults,
  type GEPAEvent,
  type GEPAOptions,
  type GEPAReflection,
  type GEPAResult,
} from "./gepa.js";
export { type GEPAFeedbackMetric, feedbackText } from "./adapter.js";
export { GEPA_AUTO_RUN_SETTINGS, gepaAutoBudget, estimateGepaCalls, type GEPAAutoMode, type GEPACallEstimate } from "./budget.js";
export { REFLECTION_PROMPT_TEMPLATE, extractInstruction, reflectionPrompt, renderReflectiveDataset, type ReflectiveExample } from "./reflection.js";
export { PyIntSet } from "./py-int-set.js";
