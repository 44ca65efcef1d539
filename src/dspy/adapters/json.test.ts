import { test } from "node:test";
import assert from "node:assert/strict";
import { AdapterParseError } from "../errors.js";
import { Signature } from "../signature.js";
import { FakeLM } from "../testing/fake-lm.js";
import { ChatAdapter } from "./chat.js";
import { JSONAdapter, firstBalancedObject } from "./json.js";

const sig = Signature.parse("q -> n: int, ok: bool, w: float, xs: list[int]", "Do it.");

test("JSONAdapter shows outputs as a JSON skeleton and asks for the fields in order", () => {
  const [system, user] = new JSONAdapter().format(Signature.parse("q -> reasoning, act: Literal['a', 'b']", "Do it."), [], { q: "hi" });
  assert.equal(
    system!.content,
    "Your input fields are:\n1. `q` (str):\nYour output fields are:\n1. `reasoning` (str): \n2. `act` (Literal['a', 'b']):\n" +
      "All interactions will be structured in the following way, with the appropriate values filled in.\n\nInputs will have the following structure:\n\n[[ ## q ## ]]\n{q}\n\n" +
      'Outputs will be a JSON object with the following fields.\n\n{\n  "reasoning": "{reasoning}",\n  "act": "{act}        # note: the value you produce must exactly match (no extra characters) one of: a; b"\n}\n' +
      "In adhering to this structure, your objective is: \n        Do it.",
  );
  assert.equal(user!.content, "[[ ## q ## ]]\nhi\n\nRespond with a JSON object in the following order of fields: `reasoning`, then `act` (must be formatted as a valid Python Literal['a', 'b']).");
});

test("JSONAdapter demos answer in indented JSON with Python floats", () => {
  const messages = new JSONAdapter().format(sig, [{ q: "x", n: 1, ok: true, w: 1, xs: [2] }], { q: "y" });
  assert.equal(messages[2]!.content, '{\n  "n": 1,\n  "ok": true,\n  "w": 1.0,\n  "xs": [\n    2\n  ]\n}');
});

test("JSONAdapter parses JSON, JSON in prose, and converts each field", () => {
  const a = new JSONAdapter();
  assert.deepEqual(a.parse(sig, 'Sure: {"n": "3", "ok": "true", "w": 2, "xs": "[4]", "extra": 1}'), { n: 3, ok: true, w: 2, xs: [4] });
  assert.deepEqual(a.parse(sig, "```json\n{\"n\": 1, \"ok\": false, \"w\": 0.5, \"xs\": []}\n```"), { n: 1, ok: false, w: 0.5, xs: [] });
  assert.throws(() => a.parse(sig, "no json at all"), /LM response cannot be serialized to a JSON object/);
  assert.throws(() => a.parse(sig, '{"n": 1}'), AdapterParseError);
  assert.equal(firstBalancedObject("x {a {b} c} {d}"), "{a {b} c}");
});

test("after a ChatAdapter parse failure the call is retried exactly once, with JSONAdapter", async () => {
  const lm = new FakeLM({ answers: ["I think n is 3", '{"n": 3, "ok": true, "w": 0.25, "xs": [1]}'] });
  const result = await new ChatAdapter().call(lm, {}, sig, [], { q: "hi" });
  assert.equal(lm.callCount, 2);
  assert.deepEqual(result.completions, [{ n: 3, ok: true, w: 0.25, xs: [1] }]);
  assert.equal(result.adapter, "JSONAdapter");
  assert.equal(result.lmResults.length, 2);
  assert.match(lm.calls[1]!.messages[0]!.content, /Outputs will be a JSON object/);
  assert.deepEqual(lm.calls[1]!.options.responseFormat, { type: "json_object" });
});

test("when the JSON retry fails too, its error is raised and no third call is made (an LM without structured output)", async () => {
  const lm = new FakeLM({ answers: ["nonsense", "more nonsense", "never asked"] });
  await assert.rejects(new ChatAdapter().call(lm, {}, sig, [], { q: "hi" }), (e: unknown) => e instanceof AdapterParseError && e.adapterName === "JSONAdapter");
  assert.equal(lm.callCount, 2);
});

// DSPy 3.3.1 json_adapter.py L80-93: a structured-output failure that is not an LMError is retried
// once with response_format={"type": "json_object"}.
test("a structured-output reply that fails to parse is retried once in JSON mode, as DSPy's JSONAdapter does", async () => {
  const lm = new FakeLM({ answers: ["nonsense", "more nonsense", '{"n": 2, "ok": true, "w": 1, "xs": []}', "never asked"], supportsStructuredOutput: true });
  const result = await new ChatAdapter().call(lm, {}, sig, [], { q: "hi" });
  assert.equal(lm.callCount, 3);
  assert.equal(lm.calls[0]!.options.responseFormat, undefined);
  assert.equal(lm.calls[1]!.options.responseFormat?.type, "json_schema");
  assert.deepEqual(lm.calls[2]!.options.responseFormat, { type: "json_object" });
  assert.deepEqual(lm.calls[2]!.messages, lm.calls[1]!.messages, "the same JSONAdapter prompt");
  assert.deepEqual(result.completions, [{ n: 2, ok: true, w: 1, xs: [] }]);
  assert.equal(result.adapter, "JSONAdapter");
  assert.equal(result.lmResults.length, 3);
  // JSONAdapter used directly retries the same way; when JSON mode fails too, its error is raised.
  const failing = new FakeLM({ answers: ["nonsense", "still nonsense", "never asked"], supportsStructuredOutput: true });
  await assert.rejects(new JSONAdapter().call(failing, {}, sig, [], { q: "hi" }), (e: unknown) => e instanceof AdapterParseError && e.adapterName === "JSONAdapter");
  assert.equal(failing.callCount, 2);
  assert.deepEqual(failing.calls[1]!.options.responseFormat, { type: "json_object" });
  // An LM error is not retried.
  const down = new FakeLM({ supportsStructuredOutput: true, respond: () => { throw new Error("server down"); } });
  await assert.rejects(new JSONAdapter().call(down, {}, sig, [], { q: "hi" }), /server down/);
  assert.equal(down.callCount, 1);
});

test("JSONAdapter sends no response format to an LM that takes none (DSPy: response_format not in supported_params)", async () => {
  const lm = new FakeLM({ answers: ["nonsense", '{"n": 1, "ok": false, "w": 0, "xs": []}'], supportsResponseFormat: false, supportsStructuredOutput: true });
  const result = await new ChatAdapter().call(lm, {}, sig, [], { q: "hi" });
  assert.equal(lm.callCount, 2);
  assert.equal(lm.calls[1]!.options.responseFormat, undefined);
  assert.match(lm.calls[1]!.messages[0]!.content, /Outputs will be a JSON object/);
  assert.equal(result.adapter, "JSONAdapter");
});

test("the JSON retry uses the provider's structured output (json_schema) when it has one", async () => {
  const lm = new FakeLM({ answers: ["nonsense", { n: 1, ok: false, w: 1.5, xs: [] }], supportsStructuredOutput: true });
  await new ChatAdapter().call(lm, {}, sig, [], { q: "hi" });
  const rf = lm.calls[1]!.options.responseFormat;
  assert.ok(rf && rf.type === "json_schema");
  assert.equal(rf.name, "DSPyProgramOutputs");
  assert.deepEqual(rf.schema, {
    additionalProperties: false,
    properties: {
      n: { title: "N", type: "integer" },
      ok: { title: "Ok", type: "boolean" },
      w: { title: "W", type: "number" },
      xs: { items: { type: "integer" }, title: "Xs", type: "array" },
    },
    required: ["n", "ok", "w", "xs"],
    title: "DSPyProgramOutputs",
    type: "object",
  });
});

test("no retry when the fallback is disabled, or when the LM itself fails", async () => {
  const lm = new FakeLM({ answers: ["nonsense", "{}"] });
  await assert.rejects(new ChatAdapter({ useJsonAdapterFallback: false }).call(lm, {}, sig, [], { q: "hi" }), AdapterParseError);
  assert.equal(lm.callCount, 1);
  const failing = new FakeLM({ respond: () => { throw new Error("rate limited"); } });
  await assert.rejects(new ChatAdapter().call(failing, {}, sig, [], { q: "hi" }), /rate limited/);
  assert.equal(failing.callCount, 1);
});

test("an empty reply is a parse error (then the JSON retry)", async () => {
  const lm = new FakeLM({ answers: ["", ""] });
  await assert.rejects(new ChatAdapter().call(lm, {}, sig, [], { q: "hi" }), /The LM returned an empty or null response/);
  assert.equal(lm.callCount, 2);
});
