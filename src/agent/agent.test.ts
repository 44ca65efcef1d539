import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FakeLM } from "../dspy/index.js";
import { makeEnv } from "../minigrid/registry.js";
import { MinigridAgent, parseAction, subgoalCategory, normalizeSubgoal, observationText, stepFromEnv } from "./index.js";
import { HintWrapper, rollout, NO_ACTION_HINT } from "../rl/index.js";
import { tempDir } from "../testing/temp-dir.js";

const dir = tempDir("agent");

test("parseAction reads phrases, names, indices and noise; null when none or several", () => {
  assert.equal(parseAction("turn left"), 0);
  assert.equal(parseAction("Move Forward."), 2);
  assert.equal(parseAction("'pick up'"), 3);
  assert.equal(parseAction("pickup"), 3);
  assert.equal(parseAction("5"), 5);
  assert.equal(parseAction("action 6"), 6);
  assert.equal(parseAction("2 (move forward)"), 2);
  assert.equal(parseAction("I will toggle the door"), 5);
  assert.equal(parseAction("turn left or turn right"), null);
  assert.equal(parseAction("fly"), null);
  assert.equal(parseAction(undefined), null);
  assert.equal(subgoalCategory("pick up the red key"), "pick up");
  assert.equal(normalizeSubgoal(" Open the Blue door. "), "open the blue door");
});

test("the agent is one ChainOfThought named act: observation -> reasoning, primitive_action", async () => {
  const agent = new MinigridAgent();
  assert.deepEqual(agent.namedPredictors().map(([n]) => n), ["act.predict"]);
  const sig = agent.act.predict.signature;
  assert.deepEqual(sig.inputFields.map((f) => f.name), ["observation"]);
  assert.deepEqual(sig.outputFields.map((f) => f.name), ["reasoning", "primitive_action"]);
  const lm = new FakeLM({ answers: [{ reasoning: "the goal is ahead", primitive_action: "move forward" }] });
  agent.setLM(lm);
  const pred = await agent.forward({ observation: "Mission: get to the green goal square\n..." });
  assert.equal(pred.get("primitive_action"), "move forward");
  const sub = new MinigridAgent({ hintType: "subgoal" });
  assert.deepEqual(sub.act.predict.signature.outputFields.map((f) => f.name), ["reasoning", "subgoal"]);
});

test("save → load keeps demos, instructions and settings; the file is DSPy state with act.predict", async () => {
  const agent = new MinigridAgent({ hintType: "action", encodingType: "natural", view: "full" });
  agent.act.predict.signature = agent.act.predict.signature.withInstructions("Optimized: walk to the goal.");
  agent.act.predict.demos = [new (await import("../dspy/index.js")).Example({ observation: "o", reasoning: "r", primitive_action: "turn left", augmented: true })];
  agent.meta = { student_model: "ollama/llama3.1:70b" };
  const path = join(dir, "agent.json");
  agent.save(path);
  const raw = JSON.parse(readFileSync(path, "utf8"));
  assert.ok(raw["act.predict"]);
  assert.equal(raw.metadata.dependency_versions.dspy, "3.3.1");
  assert.equal(raw.metadata.gridtune.encoding_type, "natural");
  const lm = new FakeLM({ fallback: { reasoning: "x", primitive_action: "toggle" } });
  const back = await MinigridAgent.load(path, { lm });
  assert.equal(back.encodingType, "natural");
  assert.equal(back.view, "full");
  assert.equal(back.act.predict.signature.instructions, "Optimized: walk to the goal.");
  assert.equal(back.act.predict.demos.length, 1);
  assert.equal((await back.forward({ observation: "o2" })).get("primitive_action"), "toggle");
  // Without metadata (a file written by Python), settings come from the sibling _info.json.
  delete raw.metadata.gridtune;
  const py = join(dir, "py.json");
  writeFileSync(py, JSON.stringify(raw));
  writeFileSync(join(dir, "py_info.json"), JSON.stringify({ config: { hint_type: "action", encoding_type: "tuples", view: "agent" } }));
  assert.equal((await MinigridAgent.load(py, { lm })).encodingType, "tuples");
  await assert.rejects(MinigridAgent.load(join(dir, "missing.json")), /no saved agent/);
  writeFileSync(join(dir, "bad.json"), "{}");
  await assert.rejects(MinigridAgent.load(join(dir, "bad.json")), /act\.predict/);
});

test("advise(env) encodes the live state with the mission; observation text includes it", async () => {
  const env = makeEnv("MiniGrid-Empty-5x5-v0");
  env.reset({ seed: 1 });
  const text = await observationText(stepFromEnv(env), "ascii", "agent");
  assert.match(text, /get to the green goal square/);
  const lm = new FakeLM({ fallback: { reasoning: "ahead", primitive_action: "move forward" } });
  const agent = new MinigridAgent({}, lm);
  const a = await agent.advise(env);
  assert.equal(a.action, 2);
  assert.equal(a.hint, "move forward");
  assert.equal(a.reasoning, "ahead");
  assert.equal(lm.lastCall!.messages.at(-1)!.content.includes("green goal"), true);
});

test("HintWrapper: a hint every k steps, neutral otherwise, memoised by observation", async () => {
  const lm = new FakeLM({ fallback: { reasoning: "r", primitive_action: "turn right" } });
  const agent = new MinigridAgent({}, lm);
  const env = new HintWrapper(makeEnv("MiniGrid-Empty-5x5-v0"), agent, { every: 2 });
  let { obs } = await env.reset({ seed: 0 });
  assert.equal(obs.hint_available, 1);
  assert.equal(obs.hint, 1);
  assert.equal(obs.hint_text, "turn right");
  ({ obs } = await env.step(1));
  assert.equal(obs.hint_available, 0);
  assert.equal(obs.hint, NO_ACTION_HINT);
  ({ obs } = await env.step(1));
  assert.equal(obs.hint_available, 1);
  const calls = lm.callCount;
  await env.reset({ seed: 0 }); // same start state: answered from the memo
  assert.equal(lm.callCount, calls);
  assert.equal(env.memoHits, 1);
  // A failing LM gives no hint instead of stopping the episode.
  const broken = new MinigridAgent({}, new FakeLM({}));
  const env2 = new HintWrapper(makeEnv("MiniGrid-Empty-5x5-v0"), broken, { every: 1 });
  const r = await env2.reset({ seed: 3 });
  assert.equal(r.obs.hint_available, 0);
  assert.ok(env2.lastError);
});

test("rollout: success rate, steps against the expert's optimum, invalid answers", async () => {
  const expertLike = {
    hintType: "action" as const,
    async advise(env: ReturnType<typeof makeEnv>) {
      const { Expert } = await import("../expert/index.js");
      const d = new Expert().act(env);
      return { action: d.action, hint: null, reasoning: null, observation: "", prediction: null as never };
    },
  };
  const r = await rollout(expertLike, { envId: "MiniGrid-Empty-5x5-v0", episodes: 3, seed: 0 });
  assert.equal(r.success_rate, 1);
  assert.equal(r.step_ratio, 1);
  assert.ok(r.mean_expert_steps! > 0);
  const lost = { hintType: "action" as const, advise: async () => ({ action: null, hint: "dance", reasoning: null, observation: "", prediction: null as never }) };
  const r2 = await rollout(lost, { envId: "MiniGrid-Empty-5x5-v0", episodes: 1, seed: 0 });
  assert.equal(r2.success_rate, 0);
  assert.equal(r2.invalid_actions, r2.episodes[0]!.steps); // every answer invalid: "done" each step until truncation
});

test("a corrupted saved agent: the error names the file and the key that is wrong, not a TypeError", async () => {
  const good = new MinigridAgent();
  const path = join(dir, "good.json");
  good.save(path);
  const state = JSON.parse(readFileSync(path, "utf8"));
  const cases: [string, (s: Record<string, any>) => void, RegExp][] = [
    ["demos a string", (s) => (s["act.predict"].demos = "oops"), /act\.predict\.demos is a string, expected a list of demo objects/],
    ["a null demo", (s) => (s["act.predict"].demos = [null]), /act\.predict\.demos\[0\] is null, expected an object/],
    ["fields null", (s) => (s["act.predict"].signature.fields = null), /act\.predict\.signature\.fields is null, expected a list/],
    ["a field a number", (s) => (s["act.predict"].signature.fields = [7]), /act\.predict\.signature\.fields\[0\] is a number, expected an object/],
    ["no signature", (s) => (s["act.predict"].signature = null), /act\.predict\.signature is null, expected an object/],
    ["lm a number", (s) => (s["act.predict"].lm = 3), /act\.predict\.lm is a number, expected an object or null/],
    ["instructions a list", (s) => (s["act.predict"].signature.instructions = ["x"]), /act\.predict\.signature\.instructions is a list, expected a string/],
  ];
  for (const [name, corrupt, message] of cases) {
    const bad = structuredClone(state);
    corrupt(bad);
    const file = join(dir, `corrupt-${name.replace(/ /g, "-")}.json`);
    writeFileSync(file, JSON.stringify(bad));
    await assert.rejects(MinigridAgent.load(file), (e: Error) => {
      assert.ok(e.message.startsWith(`${file}: cannot load the agent: `), `${name}: ${e.message}`);
      assert.match(e.message, message, name);
      assert.doesNotMatch(e.message, /Cannot read properties|is not a function/);
      return true;
    });
  }
});
