/**
 * The grid's feedback for GEPA: why a predicted action helps or not, from what the dataset knows —
 * the expert's optimal set, the subgoal, what is straight ahead of the agent in its view — at no LM
 * cost, plus the assessor's reasoning where the assessor was asked (the Judge memoizes its verdicts,
 * so asking for feedback on a prediction already scored calls no LM again).
 *
 * "toggle: there is nothing to toggle in front; the optimal action was move forward — a yellow key is
 * 2 cells ahead."
 */
import type { HintType } from "../agent/actions.js";
import { actionPhrase, normalizeSubgoal } from "../agent/actions.js";
import type { GEPAFeedbackMetric } from "../dspy/optimizers/gepa/index.js";
import type { Example, Prediction } from "../dspy/index.js";
import { type StepState, toInput } from "../encoding/index.js";
import { type RelCell, objectPhrase, relativeCells } from "../encoding/relative-cells.js";
import type { Judge, Judgement } from "./metrics.js";

/** The cells straight ahead of the agent in its own view, nearest first. */
function cellsAhead(step: StepState): RelCell[] {
  try {
    return relativeCells(toInput(step), "agent")
      .filter((c) => c.right === 0 && c.forward >= 1)
      .sort((a, b) => a.forward - b.forward);
  } catch {
    return [];
  }
}

function inFront(ahead: readonly RelCell[]): RelCell | undefined {
  return ahead[0]?.forward === 1 ? ahead[0] : undefined;
}

/** Why `action` (an index) does not help in front of `front`. */
function whyNot(action: number, step: StepState | undefined, ahead: readonly RelCell[]): string {
  const front = inFront(ahead);
  const carrying = step?.carrying ?? null;
  switch (action) {
    case 0:
    case 1:
      return "turning does not bring the agent closer to the goal here";
    case 2:
      if (!front) return "moving forward is not the best move here";
      if (front.type === "wall") return "there is a wall in front; moving forward does nothing";
      if (front.type === "door" && front.state !== 0) return `${objectPhrase(front)} is in front; it must be opened before moving through`;
      if (front.type === "lava") return "lava is in front; stepping into it ends the episode";
      if (["key", "ball", "box"].includes(front.type)) return `${objectPhrase(front)} blocks the way; moving forward does nothing`;
      return "moving forward is not the best move here";
    case 3:
      if (carrying) return `the agent already carries a ${carrying[1]} ${carrying[0]}; it must drop it first`;
      if (!front || !["key", "ball", "box"].includes(front.type)) return "there is nothing to pick up in front";
      return `picking up ${objectPhrase(front)} does not serve the mission now`;
    case 4:
      if (!carrying) return "the agent carries nothing to drop";
      if (front) return `the cell in front is taken (${objectPhrase(front)}); nothing can be dropped there`;
      return `dropping the ${carrying[1]} ${carrying[0]} here does not serve the mission`;
    case 5:
      if (!front || !["door", "box"].includes(front.type)) return "there is nothing to toggle in front";
      if (front.type === "door" && front.state === 2 && !(carrying && carrying[0] === "key" && carrying[1] === front.color))
        return `${objectPhrase(front)} is in front and the agent has no ${front.color} key`;
      return `toggling ${objectPhrase(front)} does not serve the mission now`;
    case 6:
      return "the mission is not complete yet";
    default:
      return "it is not an action";
  }
}

function aheadText(ahead: readonly RelCell[]): string {
  const first = ahead.find((c) => c.type !== "wall") ?? ahead[0];
  if (!first) return "";
  if (first.type === "wall") return first.forward === 1 ? " — a wall is right in front" : ` — a wall is ${first.forward} cells ahead`;
  return ` — ${objectPhrase(first)} is ${first.forward === 1 ? "right in front" : `${first.forward} cells ahead`}`;
}

/** The feedback text for one judged prediction. */
export function gridFeedbackText(example: Example, judgement: Judgement, hint: HintType, step?: StepState): string {
  const mission = String(example.get("mission") ?? step?.mission ?? "");
  const missionText = mission ? ` Mission: ${mission}.` : "";
  const assessor = judgement.assessorReasoning ? ` The assessor's reasoning: ${judgement.assessorReasoning}` : "";
  if (hint === "subgoal") {
    const gt = normalizeSubgoal(example.get("subgoal"));
    if (judgement.verdict === "exact") return `Correct: '${gt}' is the expert's subgoal here.`;
    const said = judgement.prediction ? `'${normalizeSubgoal(judgement.prediction)}'` : "no subgoal";
    return `${said} is not the expert's subgoal; it was '${gt}'.${missionText}${assessor}`;
  }
  const gt = Number(example.get("gt_action"));
  const optimal = ((example.get("optimal_actions") as number[] | undefined) ?? [gt]).map((a) => actionPhrase(a));
  const ahead = step ? cellsAhead(step) : [];
  if (judgement.verdict === "exact" || judgement.verdict === "optimal") {
    return `Correct: ${actionPhrase(judgement.predictedAction ?? gt)} is optimal here${aheadText(ahead)}.`;
  }
  const optimalText = optimal.length > 1 ? `the optimal actions were ${optimal.join(" or ")}` : `the optimal action was ${optimal[0]}`;
  if (judgement.predictedAction === null) {
    return `The reply names no action (${JSON.stringify((judgement.prediction ?? "").slice(0, 80))}); ${optimalText}${aheadText(ahead)}.${missionText}`;
  }
  const name = actionPhrase(judgement.predictedAction);
  const partial = judgement.verdict === "reasonable" ? " (the assessor found it a reasonable alternative, worth half)" : "";
  return `${name}: ${whyNot(judgement.predictedAction, step, ahead)}${partial}; ${optimalText}${aheadText(ahead)}.${missionText}${assessor}`;
}

/**
 * A GEPA feedback metric over a {@link Judge}: the judge's score with {@link gridFeedbackText}.
 * `stepOf` finds an example's step record (for what is in front of the agent).
 */
export function gridFeedbackMetric(judge: Judge, stepOf: (example: Example) => StepState | undefined = () => undefined): GEPAFeedbackMetric {
  return async (example: Example, prediction: Prediction) => {
    const j = await judge.judge(example, prediction);
    return { score: j.score, feedback: gridFeedbackText(example, j, judge.options.hint, stepOf(example)) };
  };
}
