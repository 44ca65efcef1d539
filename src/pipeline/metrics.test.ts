import { test } from "node:test";
import assert from "node:assert/strict";
import { Example, FakeLM, Prediction } from "../dspy/index.js";
import { Judge } from "./metrics.js";
import { report } from "./evaluate-examples.js";

const ex = (gt: number, optimal: number[], exact = true) =>
  new Example({ observation: "Mission: go\nW W", primitive_action: ["turn left", "turn right", "move forward"][gt], id: "E/0/0/1", gt_action: gt, optimal_actions: optimal, optimal_exact: exact, category: String(gt) }).withInputs("observation");
const pred = (a: string, reasoning = "because") => new Prediction({ reasoning, primitive_action: a });

test("exact: 1 for the ground truth, 0 otherwise", async () => {
  const j = new Judge({ metric: "exact", hint: "action" });
  assert.equal((await j.judge(ex(2, [2]), pred("move forward"))).verdict, "exact");
  assert.equal((await j.judge(ex(2, [1, 2]), pred("turn right"))).score, 0);
});

test("optimal: another provably optimal action scores 1 and is reported apart", async () => {
  const j = new Judge({ metric: "optimal", hint: "action" });
  const r = await j.judge(ex(2, [1, 2]), pred("turn right"));
  assert.deepEqual([r.score, r.verdict], [1, "optimal"]);
  // Not provably optimal (approximate planner): no credit.
  assert.equal((await j.judge(ex(2, [1, 2], false), pred("turn right"))).score, 0);
});

test("ai-feedback: the assessor is asked only for non-optimal answers; 0.5 when reasonable", async () => {
  const assessor = new FakeLM({ respond: (m) => ({ reasoning: "ok", makes_sense: m.at(-1)!.content.includes("'turn left'") }) });
  const j = new Judge({ metric: "ai-feedback", hint: "action", assessor });
  assert.equal((await j.judge(ex(2, [2]), pred("move forward"))).score, 1);
  assert.equal((await j.judge(ex(2, [1, 2]), pred("turn right"))).verdict, "optimal");
  assert.equal(assessor.callCount, 0, "no assessor call for exact or optimal answers");
  const r = await j.judge(ex(2, [2]), pred("turn left"));
  assert.deepEqual([r.score, r.verdict, r.assessorReasoning], [0.5, "reasonable", "ok"]);
  const prompt = assessor.lastCall!.messages.at(-1)!.content;
  assert.match(prompt, /The agent predicted 'turn left' \(action 0\) instead of the expected 'move forward' \(action 2\)/);
  assert.match(prompt, /because/);
  assert.equal((await j.judge(ex(2, [2]), pred("pick up"))).verdict, "wrong");
  assert.equal((await j.judge(ex(2, [2]), pred("dance"))).verdict, "wrong");
  assert.equal(assessor.callCount, 2);
  // With a trace (optimizers bootstrapping): booleans.
  assert.equal(await j.metric(ex(2, [2]), pred("turn left"), []), true);
  assert.equal(await j.metric(ex(2, [2]), pred("pick up"), []), false);
  // A failing assessor marks the example an error, not the run.
  const broken = new Judge({ metric: "ai-feedback", hint: "action", assessor: new FakeLM({}) });
  assert.equal((await broken.judge(ex(2, [2]), pred("turn left"))).verdict, "error");
});

test("subgoal hints compare normalised sentences", async () => {
  const j = new Judge({ metric: "exact", hint: "subgoal" });
  const e = new Example({ observation: "o", subgoal: "pick up the red key", gt_action: 3, optimal_actions: [3], optimal_exact: true }).withInputs("observation");
  assert.equal((await j.judge(e, new Prediction({ subgoal: "Pick up the red key." }))).verdict, "exact");
  assert.equal((await j.judge(e, new Prediction({ subgoal: "open the red door" }))).verdict, "wrong");
});

test("report: summary, per category and confusion", () => {
  const mk = (gt: number, p: number | null, verdict: "exact" | "wrong" | "optimal", score: number) => ({
    id: "x", env_id: "E", seed: 0, episode: 0, step: 0, mission: "", observation: "", ground_truth: "", ground_truth_action: gt, optimal_actions: [gt],
    prediction: null, prediction_action: p, reasoning: null, score, verdict,
  });
  const r = report([mk(2, 2, "exact", 1), mk(2, 0, "wrong", 0), mk(1, 2, "optimal", 1), mk(0, null, "wrong", 0)]);
  assert.equal(r.accuracy, 0.5);
  assert.deepEqual([r.exact, r.optimal_alternatives, r.wrong], [1, 1, 2]);
  assert.equal(r.per_category["2"]!.n, 2);
  assert.equal(r.confusion[2]![0], 1);
  assert.equal(r.confusion[0]![7], 1);
});
