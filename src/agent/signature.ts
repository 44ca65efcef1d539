/**
 * The MinigridAgent's signature: `observation -> primitive_action` for action hints (one of the seven
 * action phrases) or `observation -> subgoal` for subgoal hints. The agent wraps it in a
 * ChainOfThought, which adds `reasoning` first among the outputs.
 *
 * The original tool's NextStepSignature had `task_description, current_state, previous_actions ->
 * primitive_action: int`, but its MinigridAgent fed the observation through `current_state` with a
 * fixed task text and called the output `primitive_action`; here the observation (mission included)
 * is the one input and the action is a phrase, which LMs get right more often than a bare index.
 */
import { InputField, OutputField, Signature, type FieldDeclaration } from "../dspy/index.js";
import { ACTION_PHRASES, readActionLabel, type HintType } from "./actions.js";

/** The agent signature's instructions, per hint type (the starting point MIPROv2 improves on). */
export const AGENT_INSTRUCTIONS: Record<HintType, string> = {
  action:
    "You are an agent in a Minigrid grid world. Read the observation (the encoded state and the mission) " +
    "and choose the next primitive action that makes progress on the mission.",
  subgoal:
    "You are an agent in a Minigrid grid world. Read the observation (the encoded state and the mission) " +
    "and name the next subgoal on the way to completing the mission.",
};

/** The `history` input's description (the field exists only for agents with memory, K > 0). */
export const HISTORY_DESC = "Your last steps in this episode, oldest first: each observation you read and the action you took";

/** The output field of each hint type. */
export const OUTPUT_FIELD: Record<HintType, "primitive_action" | "subgoal"> = { action: "primitive_action", subgoal: "subgoal" };

/**
 * The agent's signature for a hint type: input `observation` (after `history` when the agent remembers
 * its last `history` > 0 steps), output `primitive_action` (one of the action phrases) or `subgoal`.
 */
export function agentSignature(hint: HintType, history = 0): Signature {
  const observation = InputField({ desc: "Textual encoding of the env state, with the mission" });
  // With memory, the past steps come first (DSPy formats inputs in field order); without, the
  // signature is the original one, field for field.
  const inputs: Record<string, FieldDeclaration> = history > 0 ? { history: InputField({ desc: HISTORY_DESC }), observation } : { observation };
  if (hint === "action") {
    return new Signature(
      {
        ...inputs,
        primitive_action: OutputField({
          desc: "The next action, one of: turn left, turn right, move forward, pick up, drop, toggle, done",
          type: { literal: [...ACTION_PHRASES] },
          // Real models' labels ("Move Forward", "pick_up", a sentence) are read, not re-asked.
          read: readActionLabel,
        }),
      },
      AGENT_INSTRUCTIONS.action,
    );
  }
  return new Signature(
    {
      ...inputs,
      subgoal: OutputField({
        desc: "The next subgoal, as 'go to the <color> <object>', 'pick up the <color> <object>', 'open the <color> door', 'close the <color> door' or 'drop the <color> <object>'",
      }),
    },
    AGENT_INSTRUCTIONS.subgoal,
  );
}
