/**
 * Agents with memory: the `history` input field (K past steps) in closed loop, in training examples
 * from a dataset's episodes, in saved files; K = 0 is the original single-step agent.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { lm } from "../lm/lm.js";
import { loadLMConfig } from "../lm/config.js";
import { rollout } from "../rl/rollout.js";
import { makeEnv } from "../minigrid/registry.js";
import { collectDataset } from "../dataset/index.js";
import { sampleDataset, toExample } from "../pipeline/data.js";
import { previousSteps } from "../pipeline/history-data.js";
import { MinigridAgent } from "./minigrid-agent.js";
import { AgentMemory, EMPTY_HISTORY, formatHistory } from "./history.js";
import { observationTextSync, stepFromEnv } from "./observation.js";
import { PlaySession } from "./play-session.js";
import { ChatAdapter } from "../dspy/index.js";
import { repoRoot } from "../testing/paths.js";

const REPLY = "[[ ## reasoning ## ]]\nI turn to look around.\n\n[[ ## primitive_action ## ]]\nturn left\n\n[[ ## completed ## ]]";
let server: LLMTestServer;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "gridtune-history-"));
  server = await LLMTestServer.start({ models: ["mem"], replies: [{ reply: REPLY }] });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
const model = () => lm("openai-compatible/mem", { baseUrl: server.openaiBaseUrl, cache: false, config: loadLMConfig({ env: {}, envFile: false }), retry: { maxAttempts: 1 } });
const userMessage = (i: number) => server.chatRequests[i]!.messages.at(-1)!.content;

test("--history 3 on MiniGrid-MemoryS7-v0: the prompt holds the last three steps, oldest first", async () => {
  const agent = new MinigridAgent({ history: 3, encodingType: "natural" }, model());
  // What the agent saw at each step, turning left every time.
  const env = makeEnv("MiniGrid-MemoryS7-v0");
  env.reset({ seed: 4 });
  const seen: string[] = [];
  for (let t = 0; t < 5; t++) {
    seen.push(observationTextSync(stepFromEnv(env), "natural", "agent"));
    env.step(0);
  }
  const from = server.chatRequests.length;
  await rollout(agent, { envId: "MiniGrid-MemoryS7-v0", episodes: 1, seed: 4, maxSteps: 5 });
  assert.equal(server.chatRequests.length - from, 5);
  const first = userMessage(from);
  assert.ok(first.includes(`[[ ## history ## ]]\n${EMPTY_HISTORY}\n\n[[ ## observation ## ]]\n${seen[0]}`));
  const fifth = userMessage(from + 4);
  const expected = formatHistory([1, 2, 3].map((t) => ({ observation: seen[t]!, action: "turn left" })));
  assert.ok(fifth.includes(`[[ ## history ## ]]\n${expected}\n\n[[ ## observation ## ]]\n${seen[4]}`), fifth);
  assert.match(expected, /^3 steps ago\nObservation:\n/);
  assert.equal(expected.match(/Action: turn left/g)!.length, 3);
  // The system message declares the field (DSPy's ChatAdapter) before the observation.
  const system = server.chatRequests[from]!.messages[0]!.content;
  assert.ok(system.indexOf("1. `history` (str)") >= 0 && system.indexOf("2. `observation` (str)") > system.indexOf("1. `history`"));
});

test("K = 0 is the single-step agent: the signature and the prompt have no history", async () => {
  const agent = new MinigridAgent({}, model());
  assert.equal(agent.history, 0);
  assert.deepEqual(agent.act.predict.signature.fields.map((f) => f.name), ["observation", "reasoning", "primitive_action"]);
  const from = server.chatRequests.length;
  await rollout(agent, { envId: "MiniGrid-MemoryS7-v0", episodes: 1, seed: 4, maxSteps: 2 });
  for (const req of server.chatRequests.slice(from)) assert.ok(!req.messages.some((m) => m.content.includes("history")));
});

test("K = 0: the prompt and the state are byte-identical to the agent before memory existed", async () => {
  const before = JSON.parse(readFileSync(join(repoRoot, "src/agent/fixtures/single-step-prompts.json"), "utf8")) as Record<"action" | "subgoal", { messages: unknown; state: unknown }>;
  for (const hint of ["action", "subgoal"] as const) {
    const agent = new MinigridAgent({ hintType: hint, encodingType: "natural", history: 0 });
    const env = makeEnv("MiniGrid-MemoryS7-v0");
    env.reset({ seed: 2 });
    const observation = observationTextSync(stepFromEnv(env), "natural", "agent");
    assert.deepEqual(new ChatAdapter().format(agent.act.predict.signature, [], { observation }), before[hint].messages);
    assert.deepEqual(agent.dumpState(), before[hint].state);
  }
});

test("a saved agent keeps its memory; loading it without memory (or a single-step one with it) is refused", async () => {
  const path = join(dir, "mem_agent.json");
  new MinigridAgent({ history: 3 }).save(path);
  const saved = JSON.parse(readFileSync(path, "utf8"));
  assert.equal(saved.metadata.gridtune.history, 3);
  assert.deepEqual(saved["act.predict"].signature.fields.map((f: { prefix: string }) => f.prefix), ["History:", "Observation:", "Reasoning:", "Primitive Action:"]);
  const back = await MinigridAgent.load(path, { lm: model() });
  assert.equal(back.history, 3);
  assert.equal((await MinigridAgent.load(path, { lm: model(), history: 5 })).history, 5);
  await assert.rejects(MinigridAgent.load(path, { lm: model(), history: 0 }), /agent with memory/);
  const single = join(dir, "single.json");
  new MinigridAgent({}).save(single);
  assert.equal(JSON.parse(readFileSync(single, "utf8")).metadata.gridtune.history, undefined);
  await assert.rejects(MinigridAgent.load(single, { lm: model(), history: 2 }), /single-step agent/);
});

test("training examples carry the steps before them from the dataset's episode (the expert's actions)", async () => {
  const out = join(dir, "ds");
  await collectDataset({ envIds: ["MiniGrid-MemoryS7-v0"], seeds: [1, 2], episodes: 1, out });
  const ds = await sampleDataset(out, "action", undefined, 0);
  const past = await previousSteps(out, ds.steps, 3);
  const i = ds.steps.findIndex((s) => s.step === 4);
  assert.ok(i >= 0);
  assert.deepEqual(past[i]!.map((p) => p.step), [1, 2, 3]);
  assert.ok(past[i]!.every((p) => p.seed === ds.steps[i]!.seed && p.episode === ds.steps[i]!.episode));
  assert.deepEqual(past[ds.steps.findIndex((s) => s.step === 1)]!.map((p) => p.step), [0]);
  const e = await toExample(ds.steps[i]!, "action", "ascii", "agent", past[i]);
  assert.deepEqual([...e.inputs().keys()].sort(), ["history", "observation"]);
  assert.match(String(e.get("history")), /^3 steps ago\nObservation:\nMission: /);
  assert.equal(String(e.get("history")).split("\n\n").length, 3);
  const plain = await toExample(ds.steps[i]!, "action", "ascii", "agent");
  assert.deepEqual([...plain.inputs().keys()], ["observation"]);
});

test("play: the agent remembers every step taken in the episode, by whoever took it", async () => {
  const agent = new MinigridAgent({ history: 2 }, model());
  const session = new PlaySession({ env: "MiniGrid-MemoryS7-v0", seed: 3, agent });
  session.act(1);
  session.act(2);
  const from = server.chatRequests.length;
  await session.advise();
  const msg = userMessage(from);
  assert.match(msg, /2 steps ago\nObservation:\n[^]*Action: turn right\n\n1 step ago\nObservation:\n[^]*Action: move forward/);
  session.reset(3);
  await session.advise();
  assert.ok(userMessage(from + 1).includes(EMPTY_HISTORY));
  const m = new AgentMemory(1);
  m.record("a", "turn left");
  m.record("b", "drop");
  assert.deepEqual(m.steps, [{ observation: "b", action: "drop" }]);
});

test("HintWrapper: an agent with memory hears of every step the RL agent took, hinted or not", async () => {
  const { HintWrapper } = await import("../rl/hint-wrapper.js");
  const agent = new MinigridAgent({ history: 2 }, model());
  const hinted = new HintWrapper(makeEnv("MiniGrid-MemoryS7-v0"), agent, { every: 2 });
  const from = server.chatRequests.length;
  await hinted.reset({ seed: 5 });
  await hinted.step(1);
  await hinted.step(1); // hinted again: the two right turns are its history
  assert.equal(server.chatRequests.length - from, 2);
  assert.ok(userMessage(from).includes(EMPTY_HISTORY));
  assert.match(userMessage(from + 1), /2 steps ago\nObservation:\n[^]*Action: turn right\n\n1 step ago\nObservation:\n[^]*Action: turn right\n\n\[\[ ## observation ## \]\]/);
});
