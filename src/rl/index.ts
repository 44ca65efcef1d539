/** RL-side uses of a trained agent: the hint wrapper for RL training, and the agent layer's closed-loop rollouts re-exported. */
export { HintWrapper, NO_ACTION_HINT, NO_SUBGOAL_HINT, type HintAgent, type HintWrapperOptions, type HintedObservation } from "./hint-wrapper.js";
export { rollout, expertSteps, type RolloutAgent, type RolloutOptions, type RolloutResult, type EpisodeOutcome } from "../agent/rollout.js";
