import { test } from "node:test";
import assert from "node:assert/strict";
import { ChainOfThought } from "./chain-of-thought.js";
import { NoLMError } from "./errors.js";
import { Example, Prediction } from "./example.js";
import type { TraceEntry } from "./module.js";
import { Predict } from "./predict.js";
import { Signature } from "./signature.js";
import { FakeLM } from "./testing/fake-lm.js";

const ACT = "observation, mission -> action: Literal['turn left', 'move forward']";

test("Predict formats with ChatAdapter, calls the LM and returns typed fields", async () => {
  const lm = new FakeLM({ answers: [{ action: "'move forward'" }] });
  const pred = await new Predict(ACT).call({ observation: "free path", mission: "go" }, { lm });
  assert.ok(pred instanceof Prediction);
  assert.equal(pred.get("action"), "move forward");
  assert.deepEqual(pred.completions, [{ action: "move forward" }]);
  assert.deepEqual(pred.lmUsage, { promptTokens: 10, completionTokens: 5, totalTokens: 15 });
  assert.match(lm.lastCall!.messages[1]!.content, /^\[\[ ## observation ## \]\]\nfree path\n\n\[\[ ## mission ## \]\]\ngo\n\nRespond with/);
});

test("the predictor's own LM beats the call's LM; overrideLM beats both", async () => {
  const own = new FakeLM({ fallback: { action: "turn left" } });
  const ctx = new FakeLM({ fallback: { action: "move forward" } });
  const p = new Predict(ACT);
  assert.equal((await p.call({ observation: "o", mission: "m" }, { lm: ctx })).get("action"), "move forward");
  p.lm = own;
  assert.equal((await p.call({ observation: "o", mission: "m" }, { lm: ctx })).get("action"), "turn left");
  assert.equal((await p.call({ observation: "o", mission: "m" }, { lm: ctx, overrideLM: ctx })).get("action"), "move forward");
  assert.equal(own.callCount, 1);
  await assert.rejects(new Predict(ACT).call({ observation: "o", mission: "m" }), NoLMError);
});

test("each call appends {predictor, inputs, prediction} to the trace it is given", async () => {
  const lm = new FakeLM({ fallback: { action: "turn left" } });
  const p = new Predict(ACT);
  const trace: TraceEntry[] = [];
  await p.call({ observation: "o1", mission: "m" }, { lm, trace });
  await p.call({ observation: "o2", mission: "m" }, { lm, trace });
  await p.call({ observation: "o3", mission: "m" }, { lm }); // no trace given: nothing recorded
  assert.equal(trace.length, 2);
  assert.equal(trace[0]!.predictor, p);
  assert.deepEqual(trace[1]!.inputs, { observation: "o2", mission: "m" });
  assert.equal(trace[1]!.prediction.get("action"), "turn left");
});

test("demos are sent as user/assistant turns; per-call demos and config override the predictor's", async () => {
  const lm = new FakeLM({ fallback: { action: "turn left" } });
  const p = new Predict(ACT, { config: { temperature: 0.2 }, demos: [{ observation: "d", mission: "m", action: "move forward" }] });
  await p.call({ observation: "o", mission: "m" }, { lm, role: "student" });
  assert.equal(lm.lastCall!.messages.length, 4);
  assert.equal(lm.lastCall!.options.temperature, 0.2);
  assert.equal(lm.lastCall!.options.role, "student");
  await p.call({ observation: "o", mission: "m" }, { lm, demos: [], config: { temperature: 0.9, maxTokens: 50 } });
  assert.equal(lm.lastCall!.messages.length, 2);
  assert.equal(lm.lastCall!.options.temperature, 0.9);
  assert.equal(lm.lastCall!.options.maxTokens, 50);
});

test("a fake LM following the demos answers with the label of the demo whose inputs match", async () => {
  const lm = new FakeLM({ followExamples: true });
  const p = new Predict(ACT, {
    demos: [
      new Example({ observation: "wall ahead", mission: "m", action: "turn left" }),
      new Example({ observation: "free path", mission: "m", action: "move forward" }),
    ],
  });
  assert.equal((await p.call({ observation: "wall ahead", mission: "m" }, { lm })).get("action"), "turn left");
  assert.equal((await p.call({ observation: "free path", mission: "m" }, { lm })).get("action"), "move forward");
});

test("a parse failure costs exactly two calls and the JSON reply is used", async () => {
  const lm = new FakeLM({ answers: ["move forward!", { action: "move forward" }] });
  const pred = await new Predict(ACT).call({ observation: "o", mission: "m" }, { lm });
  assert.equal(pred.get("action"), "move forward");
  assert.equal(lm.callCount, 2);
  assert.deepEqual(pred.lmUsage, { promptTokens: 20, completionTokens: 10, totalTokens: 30 });
});

test("ChainOfThought prepends DSPy's reasoning field and keeps the instructions", async () => {
  const base = Signature.parse(ACT, "Pick one action.");
  const cot = new ChainOfThought(base);
  const reasoning = cot.predict.signature.field("reasoning")!;
  assert.deepEqual(cot.predict.signature.outputNames, ["reasoning", "action"]);
  assert.deepEqual([reasoning.desc, reasoning.prefix, reasoning.type], ["${reasoning}", "Reasoning:", "str"]);
  assert.equal(cot.predict.signature.instructions, "Pick one action.");
  assert.deepEqual(cot.namedPredictors().map(([n]) => n), ["predict"]);
  const lm = new FakeLM({ answers: [{ reasoning: "The path is free.", action: "move forward" }] });
  const trace: TraceEntry[] = [];
  const pred = await cot.call({ observation: "o", mission: "m" }, { lm, trace });
  assert.deepEqual(pred.toDict(), { reasoning: "The path is free.", action: "move forward" });
  assert.equal(trace[0]!.predictor, cot.predict);
  assert.match(lm.lastCall!.messages[1]!.content, /starting with the field `\[\[ ## reasoning ## \]\]`, then `\[\[ ## action ## \]\]`/);
});

test("Predict state is DSPy's {traces, train, demos, signature, lm}", () => {
  const p = new Predict(Signature.parse("q -> a", "Answer."), { demos: [new Example({ q: "1+1", a: "2", augmented: true })] });
  p.lm = new FakeLM({ model: "groq/llama-3.3-70b-versatile" });
  assert.deepEqual(p.dumpState(), {
    traces: [],
    train: [],
    demos: [{ q: "1+1", a: "2", augmented: true }],
    signature: { instructions: "Answer.", fields: [{ prefix: "Q:", description: "${q}" }, { prefix: "A:", description: "${a}" }] },
    lm: {
      _dspy_lm_class: "dspy.clients.lm.LM",
      model: "groq/llama-3.3-70b-versatile",
      model_type: "chat",
      cache: true,
      num_retries: 3,
      temperature: null,
      max_tokens: null,
      finetuning_model: null,
      launch_kwargs: {},
      train_kwargs: {},
    },
  });
  p.reset();
  assert.equal(p.lm, null);
  assert.deepEqual(p.demos, []);
});

test("loading an LM state uses the resolver; without one the state is kept and saved again", () => {
  const p = new Predict("q -> a");
  const state = p.dumpState();
  state.lm = { model: "openai/gpt-4o-mini", temperature: 0.7, api_base: "http://evil" };
  const seen: unknown[] = [];
  const resolved = new FakeLM({ model: "openai/gpt-4o-mini" });
  p.loadState(state, { resolveLM: (s) => (seen.push(s), resolved) });
  assert.equal(p.lm, resolved);
  assert.deepEqual(seen, [{ model: "openai/gpt-4o-mini", temperature: 0.7 }]); // api_base dropped
  const q = new Predict("q -> a");
  q.loadState(state);
  assert.equal(q.lm, null);
  assert.deepEqual(q.dumpState().lm, { model: "openai/gpt-4o-mini", temperature: 0.7 });
  q.lm = null;
  assert.equal(q.dumpState().lm, null);
});
