import assert from "node:assert/strict";
import { test } from "node:test";
import { Example, Prediction } from "../dspy/example.js";
import { FakeLM } from "../dspy/testing/fake-lm.js";
import type { StepState } from "../encoding/index.js";
import { gridFeedbackText } from "./grid-feedback.js";
import { Judge } from "./metrics.js";

/** A 7×7 agent view, all empty, with `cells` placed at (right, forward) offsets from the agent. */
function stepWith(cells: { right: number; forward: number; type: number; color: number; state?: number }[], carrying: [string, string] | null = null): StepState {
  const image = new Array(7 * 7 * 3).fill(0);
  for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) image[(i * 7 + j) * 3] = 1;
  for (const c of cells) {
    const i = 3 + c.right;
    const j = 6 - c.forward;
    image[(i * 7 + j) * 3] = c.type;
    image[(i * 7 + j) * 3 + 1] = c.color;
    image[(i * 7 + j) * 3 + 2] = c.state ?? 0;
  }
  return { mission: "pick up the yellow key", width: 8, height: 8, agent_pos: [3, 6], agent_dir: 3, carrying, image, grid: [] } as unknown as StepState;
}

const example = (gt: number, optimal = [gt]) =>
  new Example({ observation: "…", primitive_action: "move forward", gt_action: gt, optimal_actions: optimal, optimal_exact: true, mission: "pick up the yellow key" }).withInputs("observation");

test("feedback says why the chosen action does not help and what is ahead, at no LM cost", async () => {
  const judge = new Judge({ metric: "optimal", hint: "action" });
  const step = stepWith([{ right: 0, forward: 2, type: 5, color: 4 }]);
  const metric = judge.feedbackMetric(() => step);
  const r = (await metric(example(2), new Prediction({ primitive_action: "toggle" }))) as { score: number; feedback: string };
  assert.equal(r.score, 0);
  assert.equal(r.feedback, "toggle: there is nothing to toggle in front; the optimal action was move forward — a yellow key is 2 cells ahead. Mission: pick up the yellow key.");
  const ok = (await metric(example(2, [2, 0]), new Prediction({ primitive_action: "turn left" }))) as { score: number; feedback: string };
  assert.equal(ok.score, 1);
  assert.match(ok.feedback, /^Correct: turn left is optimal here — a yellow key is 2 cells ahead\.$/);
});

test("blocked ways, nothing to drop, locked doors", () => {
  const j = (predictedAction: number) => ({ score: 0, verdict: "wrong" as const, predictedAction, prediction: "x" });
  assert.match(gridFeedbackText(example(0), j(2), "action", stepWith([{ right: 0, forward: 1, type: 2, color: 5 }])), /^move forward: there is a wall in front; moving forward does nothing; the optimal action was turn left/);
  assert.match(gridFeedbackText(example(2), j(4), "action", stepWith([])), /^drop: the agent carries nothing to drop/);
  assert.match(gridFeedbackText(example(1), j(5), "action", stepWith([{ right: 0, forward: 1, type: 4, color: 4, state: 2 }])), /a locked yellow door is in front and the agent has no yellow key/);
  assert.match(gridFeedbackText(example(2), { score: 0, verdict: "wrong", predictedAction: null, prediction: "hmm" }, "action"), /^The reply names no action \("hmm"\); the optimal action was move forward\./);
});

test("with the ai-feedback metric, the assessor's reasoning is part of the feedback and not asked twice", async () => {
  const assessor = new FakeLM({ answers: [{ reasoning: "Turning right also faces the key.", makes_sense: "True" }] });
  const judge = new Judge({ metric: "ai-feedback", hint: "action", assessor });
  const ex = new Example({ observation: "a key ahead", primitive_action: "move forward", gt_action: 2, optimal_actions: [2], optimal_exact: true, mission: "m" }).withInputs("observation");
  const pred = new Prediction({ primitive_action: "turn right", reasoning: "r" });
  const score = await judge.metric(ex, pred);
  const fb = (await judge.feedbackMetric()(ex, pred)) as { score: number; feedback: string };
  assert.equal(score, 0.5);
  assert.equal(fb.score, 0.5);
  assert.match(fb.feedback, /reasonable alternative, worth half.*The assessor's reasoning: Turning right also faces the key\./);
  assert.equal(assessor.callCount, 1);
});
