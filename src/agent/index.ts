/**
 * The agent layer: the trained LLM agent (`MinigridAgent`), its signature, the observation text it
 * reads, the action vocabulary, and the LM factory the pipeline shares.
 */
export { MinigridAgent, type AgentAdvice, type AgentSettings, type LoadAgentOptions, type SavedAgentMeta } from "./minigrid-agent.js";
export { agentSignature, AGENT_INSTRUCTIONS, OUTPUT_FIELD } from "./signature.js";
export {
  ACTION_PHRASES,
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
} from "./actions.js";
export { observationText, stepFromEnv, type StepLike } from "./observation.js";
