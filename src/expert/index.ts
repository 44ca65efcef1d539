/** The expert layer: optimal planning on the full state, optimal action sets and subgoals. */
export { Expert, envFamily, type ExpertOptions, type PlannerKind } from "./expert.js";
export type { ExpertDecision, PlanningModel, Transition } from "./model.js";
export { search, Plan, SearchBudgetError, TIE_BREAK } from "./search.js";
export { GridModel, UnsupportedEnvError } from "./grid-model.js";
export { EnvModel, cloneEnv } from "./env-model.js";
export { deepClone } from "./clone.js";
export { subgoalText, SUBGOAL_PATTERN } from "./subgoal.js";
export { DynamicObstaclesExpert } from "./dynamic-obstacles.js";
