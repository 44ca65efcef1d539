/**
 * A saved agent with memory in Python DSPy 3.3.1 (fixtures/history-agent-dspy.json, recorded as
 * fixtures/README.md says): Python's `MinigridAgent().load(path)` with a `history, observation ->
 * primitive_action` ChainOfThought read gridtune's file — instructions, field prefixes and
 * descriptions, demos with their history — and its ChatAdapter formatted the prompt gridtune sends.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../testing/paths.js";
import { ChatAdapter } from "../dspy/index.js";
import { MinigridAgent } from "./minigrid-agent.js";

const fixture = JSON.parse(readFileSync(join(repoRoot, "src/agent/fixtures/history-agent-dspy.json"), "utf8")) as {
  saved_agent: Record<string, unknown>;
  inputs: { history: string; observation: string };
  python: { dspy_version: string; instructions: string; fields: [string, string, string][]; demo_keys: string[][]; demo0_history: string; messages: { role: string; content: string }[] };
  python_resaved_act_predict: { signature: { instructions: string; fields: { prefix: string; description: string }[] }; demos: Record<string, unknown>[] };
};

test("Python DSPy 3.3.1 loads a gridtune agent with history 3 and formats the same prompt", async () => {
  assert.equal(fixture.python.dspy_version, "3.3.1");
  const dir = mkdtempSync(join(tmpdir(), "gridtune-hist-dspy-"));
  try {
    const path = join(dir, "agent.json");
    writeFileSync(path, JSON.stringify(fixture.saved_agent));
    const agent = await MinigridAgent.load(path, { lm: { model: "fake/none", provider: "fake", supportsStructuredOutput: false, chat: async () => ({ text: "", usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, cached: false, model: "fake/none" }) } });
    assert.equal(agent.history, 3);
    const pred = agent.act.predict;
    assert.equal(pred.signature.instructions, fixture.python.instructions);
    // What Python read from the file: the input fields' prefixes and descriptions, the demos' keys.
    assert.deepEqual(fixture.python.fields.slice(0, 2), [
      ["history", "History:", pred.signature.fields[0]!.desc],
      ["observation", "Observation:", pred.signature.fields[1]!.desc],
    ]);
    assert.deepEqual(fixture.python.demo_keys, pred.demos.map((d) => [...d.keys()].sort()));
    assert.equal(fixture.python.demo0_history, pred.demos[0]!.get("history"));
    // The prompt: byte-identical to Python's ChatAdapter for the same demos and inputs.
    const messages = new ChatAdapter().format(pred.signature, pred.demos, fixture.inputs);
    assert.deepEqual(messages, fixture.python.messages);
    // Python saved it back with the same signature state and demos.
    const saved = fixture.saved_agent["act.predict"] as { signature: unknown; demos: unknown };
    assert.deepEqual(fixture.python_resaved_act_predict.signature, saved.signature);
    assert.deepEqual(fixture.python_resaved_act_predict.demos, saved.demos);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
