/**
 * The action labels real models write are read as the action, in the first (ChatAdapter) call, with
 * no JSON fallback call; ambiguous text is still a failure (after the fallback, as in DSPy). Against
 * the LLM test server over the OpenAI protocol, counting its chat requests.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { LLMTestServer, type TestChatRequest } from "../testing/llm-test-server.js";
import { lm } from "../lm/index.js";
import { ChatAdapter, Signature } from "../dspy/index.js";
import { MinigridAgent } from "./minigrid-agent.js";
import { agentSignature } from "./signature.js";
import { parseAction, readActionLabel } from "./actions.js";

let server: LLMTestServer;
let label = "";

before(async () => {
  server = await LLMTestServer.start({
    replies: [{ reply: (_req: TestChatRequest) => `[[ ## reasoning ## ]]\nThe goal is ahead.\n\n[[ ## primitive_action ## ]]\n${label}\n\n[[ ## completed ## ]]` }],
  });
});
after(() => server.close());

const OBSERVATION = "mission: get to the green goal square\nWe We We\n.. >> ..\nGg .. ..";

async function ask(answer: string): Promise<{ action: unknown; calls: number; error: Error | null }> {
  label = answer;
  server.clearLog();
  const agent = new MinigridAgent({ hintType: "action", encodingType: "ascii", view: "agent" }, lm("openai-compatible/m", { baseUrl: server.openaiBaseUrl, cache: false, retry: { maxAttempts: 1 } }));
  try {
    const p = await agent.forward({ observation: OBSERVATION });
    return { action: p.get("primitive_action"), calls: server.chatRequests.length, error: null };
  } catch (e) {
    return { action: undefined, calls: server.chatRequests.length, error: e as Error };
  }
}

test("real models' labels are read as the action in one call: no JSON fallback", async () => {
  const cases: [string, string][] = [
    ["Move Forward", "move forward"],
    ["pick_up", "pick up"],
    ["forward", "move forward"],
    ["move_forward", "move forward"],
    ["turn_left", "turn left"],
    ["go forward", "move forward"],
    ["Turn Left.", "turn left"],
    ["**toggle**", "toggle"],
    ["Pick-Up", "pick up"],
    ["I will turn right to face the door.", "turn right"],
    ["The key is on my left, so I should move forward one step.", "move forward"],
  ];
  for (const [answer, phrase] of cases) {
    const r = await ask(answer);
    assert.equal(r.error, null, `${answer}: ${r.error?.message}`);
    assert.equal(r.action, phrase, answer);
    assert.equal(r.calls, 1, `${answer}: ${r.calls} calls (a JSON fallback was made)`);
  }
});

test("ambiguous or empty answers are still failures (after DSPy's JSON fallback)", async () => {
  for (const answer of ["turn left or move forward", "I am not sure what to do here.", "fly"]) {
    const r = await ask(answer);
    assert.ok(r.error, `${answer}: read as ${String(r.action)}`);
    // The ChatAdapter call, then DSPy's JSONAdapter fallback (structured output, then JSON mode).
    assert.ok(r.calls >= 2, `${answer}: ${r.calls} call(s); the JSON fallback was not tried`);
  }
});

test("the reader changes no prompt: the messages are those of the same signature without it", () => {
  const withReader = agentSignature("action");
  assert.equal(typeof withReader.outputFields.find((f) => f.name === "primitive_action")!.read, "function");
  const plain = new Signature(
    withReader.fields.map(({ read: _read, ...f }) => f),
    withReader.instructions,
  );
  const inputs = { observation: OBSERVATION };
  assert.deepEqual(new ChatAdapter().format(withReader, [], inputs), new ChatAdapter().format(plain, [], inputs));
});

test("parseAction and readActionLabel: word-bounded, one action or none", () => {
  assert.equal(parseAction("abandoned"), null, "'done' inside a word is not the action");
  assert.equal(parseAction("turn_right"), 1);
  assert.equal(parseAction("Turning left now"), 0);
  assert.equal(parseAction("drop it, then pick up the key"), null);
  assert.equal(readActionLabel("MOVE_FORWARD"), "move forward");
  assert.equal(readActionLabel("left or right"), undefined);
});
