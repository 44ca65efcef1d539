/**
 * What the planner needs from a model of an env: a start state, a key that identifies a state, and
 * the seven transitions out of it. Two models implement it: `GridModel` (a compact copy of the world,
 * fast) and `EnvModel` (cloned envs stepped through the real `step()`, slow and rule-for-rule exact).
 */
import type { ActionIndex } from "../minigrid/constants.js";
import type { StateTable } from "./state-table.js";

/** What one action does to a state, seen from the planner. */
export interface Transition<S> {
  /** The next state (the same object when the action changed nothing); null when the episode ends. */
  next: S | null;
  /** The action ended the episode with reward > 0. */
  success: boolean;
  /** The action ended the episode (success or failure). */
  terminated: boolean;
  /**
   * When the action is an object interaction, what it did (a subgoal code, see subgoal.ts):
   * pickups, drops, toggles that change something, and the final action of a success.
   */
  interaction: number;
}

export interface PlanningModel<S> {
  /** A short name for reports (`grid`, `env`). */
  readonly name: string;
  /** The state the model was built from. */
  root(): S;
  /** Equal keys ⇔ equal states (agent pose, carried object, every object's place and state). */
  key(s: S): string;
  /** The outcome of each of the seven actions from `s` (index = action); `s` is not changed. */
  expand(s: S): Transition<S>[];
  /**
   * A consistent lower bound on the number of steps to success (0 when nothing better is known).
   * Consistent: h(s) ≤ 1 + h(next) for every transition, and h ≤ 1 before a success.
   */
  heuristic(s: S): number;
  /** A faster state table than the default (a Map on `key`), when the model has one. */
  createTable?(): StateTable<S>;
}

/** The result of one action, as every planner reports it. */
export interface ExpertDecision {
  action: ActionIndex;
  /** Every optimal action, ascending. */
  optimalActions: ActionIndex[];
  /** True when `optimalActions` is the exact optimal set (false for approximate planners). */
  optimalExact: boolean;
  subgoal: string;
}
