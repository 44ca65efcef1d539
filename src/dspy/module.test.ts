import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "../testing/paths.js";
import { ChainOfThought } from "./chain-of-thought.js";
import { Example, type Prediction } from "./example.js";
import { type CallOptions, type Inputs, Module, type TraceEntry } from "./module.js";
import { Predict } from "./predict.js";
import { InputField, OutputField, Signature } from "./signature.js";
import { DEPENDENCY_VERSIONS } from "./state.js";
import { FakeLM } from "./testing/fake-lm.js";

const actSignature = () =>
  new Signature(
    {
      observation: InputField({ desc: "text encoding of the agent's partial view" }),
      mission: InputField({ desc: "the task the agent must complete" }),
      primitive_action: OutputField({ desc: "the next primitive action", type: { literal: ["turn left", "turn right", "move forward", "pick up", "drop", "toggle", "done"] } }),
    },
    "Pick one action.",
  );

class Agent extends Module {
  act = new ChainOfThought(actSignature());
  forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
    return this.act.call(inputs, options);
  }
}

class Pipeline extends Module {
  plan = new Predict("mission -> subgoal");
  agent = new Agent();
  judges = [new Predict("subgoal -> ok: bool"), new Predict("subgoal -> score: float")];
  byName = { critic: new Predict("subgoal -> critique") };
  alias = this.plan; // reachable twice, listed once
  async forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
    const plan = await this.plan.call({ mission: inputs["mission"] }, options);
    return this.agent.call({ ...inputs, mission: plan.get("subgoal") }, options);
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), "gridtune-dspy-test-"));

test("namedPredictors walks properties in order: nested modules, arrays, records; duplicates once", () => {
  assert.deepEqual(new Agent().namedPredictors().map(([n]) => n), ["act.predict"]);
  assert.deepEqual(new Pipeline().namedPredictors().map(([n]) => n), [
    "plan",
    "agent.act.predict",
    "judges[0]",
    "judges[1]",
    "byName['critic']",
  ]);
  assert.deepEqual(new Predict("a -> b").namedPredictors().map(([n]) => n), ["self"]);
  const p = new Pipeline();
  p.agent.compiled = true; // a compiled sub-module is frozen
  assert.ok(!p.namedPredictors().some(([n]) => n.startsWith("agent")));
});

test("a module call threads the LM and the trace through every predictor", async () => {
  const lm = new FakeLM({
    bySubstring: [
      ["[[ ## mission ## ]]\nget to the goal\n\nRespond", { subgoal: "reach the green square" }],
      ["reach the green square", { reasoning: "ahead is free", primitive_action: "move forward" }],
    ],
  });
  const trace: TraceEntry[] = [];
  const p = new Pipeline();
  const pred = await p.call({ observation: "o", mission: "get to the goal" }, { lm, trace });
  assert.equal(pred.get("primitive_action"), "move forward");
  assert.deepEqual(trace.map((t) => t.predictor), [p.plan, p.agent.act.predict]);
  assert.equal(lm.callCount, 2);
});

test("setLM gives every predictor an LM; predictors can also have their own", async () => {
  const p = new Pipeline();
  const student = new FakeLM({ fallback: { subgoal: "x" } });
  p.setLM(student);
  assert.ok(p.predictors().every((x) => x.lm === student));
  assert.equal(p.getLM(), student);
  p.judges[0]!.lm = new FakeLM();
  assert.throws(() => p.getLM(), /Multiple LMs/);
});

test("deepcopy copies predictors and demos but shares LMs; resetCopy clears them", () => {
  const a = new Agent();
  const lm = new FakeLM();
  a.act.predict.lm = lm;
  a.act.predict.demos = [new Example({ observation: "o", mission: "m", primitive_action: "drop" })];
  const b = a.deepcopy();
  assert.ok(b instanceof Agent);
  assert.notEqual(b.act.predict, a.act.predict);
  assert.equal(b.act.predict.lm, lm);
  b.act.predict.demos[0]!.set("primitive_action", "done");
  assert.equal(a.act.predict.demos[0]!.get("primitive_action"), "drop");
  const pipeline = new Pipeline().deepcopy();
  assert.equal(pipeline.alias, pipeline.plan); // shared references stay shared
  const r = a.resetCopy();
  assert.equal(r.act.predict.lm, null);
  assert.deepEqual(r.act.predict.demos, []);
  assert.equal(a.act.predict.demos.length, 1);
});

test("save writes DSPy's JSON (paths, predictor state, metadata) and load restores it", () => {
  const dir = tmp();
  try {
    const a = new Agent();
    a.act.predict.demos = [new Example({ augmented: true, observation: "o", mission: "m", reasoning: "r", primitive_action: "drop" })];
    a.act.predict.signature = a.act.predict.signature.withInstructions("Optimized instructions.");
    const file = join(dir, "agent.json");
    a.save(file);
    const raw = JSON.parse(readFileSync(file, "utf8"));
    assert.deepEqual(Object.keys(raw), ["act.predict", "metadata"]);
    assert.deepEqual(raw.metadata, { dependency_versions: { ...DEPENDENCY_VERSIONS } });
    assert.deepEqual(Object.keys(raw["act.predict"]), ["traces", "train", "demos", "signature", "lm"]);
    assert.ok(readFileSync(file, "utf8").endsWith("}\n"));
    const b = new Agent();
    b.load(file);
    assert.deepEqual(b.dumpState(), a.dumpState());
    assert.equal(b.act.predict.signature.instructions, "Optimized instructions.");
    assert.ok(b.act.predict.demos[0] instanceof Example);
    assert.equal(b.act.predict.demos[0]!.get("augmented"), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("DSPy's own saved state (the fixture) loads and dumps back unchanged", () => {
  const fixture = JSON.parse(readFileSync(fixturePath("dspy/chat_adapter.json"), "utf8")).saved_state;
  const dir = tmp();
  try {
    const file = join(dir, "from-python.json");
    writeFileSync(file, JSON.stringify({ ...fixture, metadata: { dependency_versions: { python: "3.11", dspy: "3.3.1", cloudpickle: "3.1" } } }));
    const warnings: string[] = [];
    const a = new Agent();
    a.load(file, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(a.dumpState(), fixture);
    assert.equal(warnings.length, 1); // python 3.11 vs 3.12: a warning, not an error
    assert.equal(a.act.predict.demos[0]!.get("primitive_action"), "drop");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fields are restored by position, as DSPy does, and a missing predictor aborts before any change", () => {
  const a = new Agent();
  const state = a.dumpState() as Record<string, { signature: { fields: { prefix: string; description: string }[] } }>;
  state["act.predict"]!.signature.fields[3] = { prefix: "Action:", description: "one of the seven actions" };
  a.loadState(state);
  const f = a.act.predict.signature.field("primitive_action")!;
  assert.deepEqual([f.prefix, f.desc], ["Action:", "one of the seven actions"]);
  const p = new Pipeline();
  const before = JSON.stringify(p.dumpState());
  const partial = p.dumpState();
  delete partial["judges[1]"];
  (partial["plan"] as { demos: unknown[] }).demos = [{ mission: "m", subgoal: "s" }];
  assert.throws(() => p.loadState(partial), /no entry for predictor "judges\[1\]"/);
  assert.equal(JSON.stringify(p.dumpState()), before);
});

test("only .json paths are accepted", () => {
  assert.throws(() => new Agent().save(join(tmpdir(), "x.pkl")), /must end with `.json`/);
});
