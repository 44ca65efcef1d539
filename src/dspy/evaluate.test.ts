import { test } from "node:test";
import assert from "node:assert/strict";
import { EvaluationCancelledError } from "./errors.js";
import { Evaluate, evaluate } from "./evaluate.js";
import { Example, Prediction } from "./example.js";
import type { Inputs } from "./module.js";
import { Predict } from "./predict.js";
import { FakeLM } from "./testing/fake-lm.js";

const devset = (n: number) => Array.from({ length: n }, (_, i) => new Example({ q: `q${i}`, a: String(i % 2) }).withInputs("q"));
const exact = (ex: Example, pred: Prediction) => ex.get("a") === pred.get("a");

test("the score is 100·Σ/n rounded to 2 places; bools count 0/1 and results keep devset order", async () => {
  const lm = new FakeLM({ fallback: { a: "0" } });
  const result = await evaluate(new Predict("q -> a"), { devset: devset(3), metric: exact, callOptions: { lm } });
  assert.equal(result.score, 66.67);
  assert.deepEqual(result.results.map((r) => [r.index, r.score]), [[0, 1], [1, 0], [2, 1]]);
  assert.equal(result.results[1]!.example.get("q"), "q1");
  assert.equal(result.results[0]!.prediction.get("a"), "0");
  assert.equal(result.errorCount, 0);
});

test("float metrics are summed as floats", async () => {
  const program = { call: async (inputs: Inputs) => new Prediction({ x: inputs["q"] }) };
  const scores = [0.5, 0.25, 0.125];
  let i = 0;
  const result = await new Evaluate({ devset: devset(3), metric: () => scores[i++]! }).run(program, { numThreads: 1 });
  assert.equal(result.score, 29.17); // round(100 * 0.875 / 3, 2)
});

test("at most numThreads examples run at once (default 8)", async () => {
  const lm = new FakeLM({ fallback: { a: "0" }, delayMs: 5 });
  await evaluate(new Predict("q -> a"), { devset: devset(20), metric: exact, callOptions: { lm } });
  assert.equal(lm.maxInFlight, 8);
  const lm3 = new FakeLM({ fallback: { a: "0" }, delayMs: 5 });
  await evaluate(new Predict("q -> a"), { devset: devset(10), metric: exact, numThreads: 3, callOptions: { lm: lm3 } });
  assert.equal(lm3.maxInFlight, 3);
  assert.equal(lm3.callCount, 10);
});

test("an example that throws scores failureScore, keeps its error, and stays in the denominator", async () => {
  const program = {
    call: async (inputs: Inputs) => {
      if (inputs["q"] === "q1") throw new Error("boom");
      return new Prediction({ a: "0" });
    },
  };
  const result = await evaluate(program, { devset: devset(4), metric: () => 1, failureScore: 0.5 });
  assert.equal(result.score, 87.5);
  assert.equal(result.errorCount, 1);
  assert.match(String(result.results[1]!.error), /boom/);
  assert.equal(result.results[1]!.prediction.keys().length, 0);
});

test("reaching maxErrors stops the run with DSPy's cancellation error", async () => {
  let started = 0;
  const program = {
    call: async () => {
      started++;
      throw new Error("always fails");
    },
  };
  await assert.rejects(
    evaluate(program, { devset: devset(50), metric: () => 1, maxErrors: 3, numThreads: 1 }),
    (e: unknown) => e instanceof EvaluationCancelledError && e.message === "Execution cancelled due to errors or interruption." && e.errors.length === 3,
  );
  assert.equal(started, 3);
  // Metric errors count too.
  const ok = { call: async () => new Prediction({ a: "0" }) };
  await assert.rejects(evaluate(ok, { devset: devset(20), metric: () => { throw new Error("bad metric"); }, maxErrors: 2 }), EvaluationCancelledError);
});

test("progress is reported after every example with DSPy's running average", async () => {
  const events: string[] = [];
  const lm = new FakeLM({ fallback: { a: "1" } });
  await evaluate(new Predict("q -> a"), {
    devset: devset(2),
    metric: exact,
    numThreads: 1,
    callOptions: { lm },
    progress: (e) => events.push(`${e.phase} ${e.done}/${e.total} ${e.detail}`),
  });
  assert.deepEqual(events, ["evaluate 1/2 Average Metric: 0.00 / 1 (0%)", "evaluate 2/2 Average Metric: 1.00 / 2 (50%)"]);
});
